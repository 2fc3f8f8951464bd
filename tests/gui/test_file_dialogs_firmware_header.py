"""File ▸ Export for firmware (C header)…: the header ``kws export-c`` writes for the same model (``--name`` the
array name given in the dialog), said in the status bar; the tuning in use is said not to be in it; a failure is one
sentence and leaves no file; the model's next export offers the same array name and header file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from workbench.cli.main import main
from workbench.core.model.c_array import implementation_macro
from workbench.gui import file_dialogs
from workbench.gui.model.firmware_export_dialog import TITLE, FirmwareExportDialog

MODELS = ("tflite_micro_speech.tflite", "tflite_micro_speech.mltk.zip")
THRESHOLD_MACRO = re.compile(r"#define \w+_DETECTION_THRESHOLD (\d+)")


def open_export_dialog(window) -> FirmwareExportDialog:  # type: ignore[no-untyped-def]
    """The dialog the File menu's action opens."""
    window.export_header_action.trigger()
    [dialog] = [found for found in window.findChildren(FirmwareExportDialog) if found.isVisible()]
    return dialog


def export_through_the_menu(window, qtbot, target: Path | None,  # type: ignore[no-untyped-def]
                            array_name: str | None = None) -> FirmwareExportDialog:
    """Trigger the File menu's action, type ``target`` and ``array_name`` into the dialog (None: leave the field as
    offered) and press Return in the name field; the dialog, closed once it was accepted."""
    dialog = open_export_dialog(window)
    if target is not None:
        dialog.header_edit.setText(str(target))
    if array_name is not None:
        dialog.name_edit.setText(array_name)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    return dialog


def notices(window) -> list[QMessageBox]:  # type: ignore[no-untyped-def]
    return [box for box in window.findChildren(QMessageBox) if box.objectName() == file_dialogs.FIRMWARE_NOTICE_NAME
            and box.isVisible()]


def close_error_box(window) -> None:  # type: ignore[no-untyped-def]
    box = getattr(window, "error_box", None)
    if box is not None:
        box.close()


@pytest.mark.parametrize("model_name", MODELS)
def test_the_window_writes_the_header_kws_export_c_writes(window, qtbot, tmp_path, shared_dir, capsys,
                                                          model_name) -> None:
    model = shared_dir / "reference-models" / model_name
    assert window.open_model(model), window.last_error
    (tmp_path / "gui").mkdir()
    (tmp_path / "cli").mkdir()
    dialog = export_through_the_menu(window, qtbot, tmp_path / "gui" / "speech")  # .h added
    written = tmp_path / "gui" / "speech.h"
    assert written.is_file(), window.last_error
    assert main(["export-c", str(model), "-o", str(tmp_path / "cli" / "speech.h")]) == 0
    assert written.read_bytes() == (tmp_path / "cli" / "speech.h").read_bytes()
    assert dialog.windowTitle() == TITLE and dialog.note.isHidden()
    assert window.last_error is None and not notices(window)
    size = len(window.controller.model.tflite)
    assert window.statusBar().currentMessage() == (
        f"wrote {written}: array tflite_micro_speech, {size:,} bytes of model; define "
        f"{implementation_macro('tflite_micro_speech')} in one file before including it")
    assert f"const unsigned int tflite_micro_speech_len = {size}u;" in written.read_text()


def test_the_array_is_named_as_the_dialog_says_as_kws_export_c_names_it(window, qtbot, tmp_path, capsys,
                                                                         reference_model_path) -> None:
    """The dialog offered only the model file's name: the firmware's fixed g_model could not be had."""
    assert window.open_model(reference_model_path), window.last_error
    export_through_the_menu(window, qtbot, tmp_path / "gui.h", "g_model")
    assert main(["export-c", str(reference_model_path), "-o", str(tmp_path / "cli.h"), "--name", "g_model"]) == 0
    written = (tmp_path / "gui.h").read_text()
    assert written == (tmp_path / "cli.h").read_text().replace("cli.h", "gui.h")  # its include line names it
    assert "extern const unsigned char g_model[];" in written and "tflite_micro_speech" not in written.split("*/")[1]
    assert window.statusBar().currentMessage().startswith(f"wrote {tmp_path / 'gui.h'}: array g_model, ")
    assert "define KWS_G_MODEL_IMPLEMENTATION in one file" in window.statusBar().currentMessage()


def test_the_next_export_of_the_model_offers_its_last_name_and_header(window, qtbot, tmp_path,
                                                                      reference_model_path) -> None:
    """Re-exporting a retrained model (same name, another run folder) into the firmware project is one Return; a
    model of another name is offered its own name, beside it."""
    firmware, first, retrained = tmp_path / "firmware", tmp_path / "run-1", tmp_path / "run-2"
    for folder in (firmware, first, retrained):
        folder.mkdir()
    for model in (first / "speech.tflite", retrained / "speech.tflite", tmp_path / "other.tflite"):
        model.write_bytes(reference_model_path.read_bytes())
    assert window.open_model(first / "speech.tflite"), window.last_error
    offered = open_export_dialog(window)
    assert (offered.header_edit.text(), offered.array_name()) == (str(first / "speech.h"), "speech")
    offered.reject()
    export_through_the_menu(window, qtbot, firmware / "model.h", "g_model")
    assert "g_model[]" in (firmware / "model.h").read_text()
    (firmware / "model.h").write_text("the header of the first run")

    assert window.open_model(retrained / "speech.tflite"), window.last_error
    again = export_through_the_menu(window, qtbot, None)  # one Return
    assert (again.header_edit.text(), again.array_name()) == (str(firmware / "model.h"), "g_model")
    assert "g_model[]" in (firmware / "model.h").read_text() and window.last_error is None

    assert window.open_model(tmp_path / "other.tflite"), window.last_error
    other = open_export_dialog(window)
    assert (other.header_edit.text(), other.array_name()) == (str(tmp_path / "other.h"), "other")
    other.reject()


def test_a_cancelled_export_writes_nothing_and_is_not_remembered(window, qtbot, tmp_path,
                                                                 reference_model_path) -> None:
    own = tmp_path / "speech.tflite"
    own.write_bytes(reference_model_path.read_bytes())
    assert window.open_model(own), window.last_error
    dialog = open_export_dialog(window)
    dialog.name_edit.setText("g_model")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and not (tmp_path / "speech.h").exists()
    assert open_export_dialog(window).array_name() == "speech"


def test_a_name_that_is_no_headers_is_written_with_the_commands_warning(window, qtbot, tmp_path, capsys,
                                                                        reference_model_path) -> None:
    assert window.open_model(reference_model_path), window.last_error
    export_through_the_menu(window, qtbot, tmp_path / "model.inc")
    assert main(["export-c", str(reference_model_path), "-o", str(tmp_path / "cli.inc")]) == 0
    warnings = [line.removeprefix("kws: warning: ") for line in capsys.readouterr().err.splitlines()
                if line.startswith("kws: warning: ")]
    assert (tmp_path / "model.inc").is_file() and len(warnings) == 1 and "cli.inc is a header" in warnings[0]
    shown = notices(window)
    assert len(shown) == 1
    assert f"{tmp_path / 'model.inc'} is a header, not a source file" in shown[0].text()
    shown[0].close()


def test_unsaved_tuning_is_said_not_to_be_in_the_header_and_a_saved_copy_has_it(window, qtbot, tmp_path,
                                                                               reference_model_path) -> None:
    own = tmp_path / "speech.tflite"
    own.write_bytes(reference_model_path.read_bytes())
    assert window.open_model(own), window.last_error
    tuning = window.controller.tuning
    new_threshold = tuning.settings.detection_threshold - 17
    assert tuning.set(detection_threshold=new_threshold) and tuning.is_modified
    dialog = export_through_the_menu(window, qtbot, tmp_path / "as_saved.h")
    assert dialog.note.isVisibleTo(dialog) and file_dialogs.UNSAVED_TUNING in dialog.note.text()
    assert window.statusBar().currentMessage().endswith(f"; {file_dialogs.UNSAVED_TUNING}")
    as_saved = THRESHOLD_MACRO.findall((tmp_path / "as_saved.h").read_text())
    assert as_saved and int(as_saved[0]) != new_threshold  # the file's value, as the message says

    assert window.save_parameters(tmp_path / "tuned.tflite") and window.open_model(tmp_path / "tuned.tflite")
    export_through_the_menu(window, qtbot, tmp_path / "tuned.h")
    assert THRESHOLD_MACRO.findall((tmp_path / "tuned.h").read_text()) == [str(new_threshold)]


def test_the_models_own_file_is_refused_in_one_sentence(window, qtbot, tmp_path,
                                                        reference_model_path) -> None:
    own = tmp_path / "speech.tflite"
    own.write_bytes(reference_model_path.read_bytes())
    assert window.open_model(own), window.last_error
    export_through_the_menu(window, qtbot, own)
    assert own.read_bytes() == reference_model_path.read_bytes()
    assert window.last_error == f"{own} is the input: writing there would replace it; choose another output file."
    close_error_box(window)


@pytest.mark.parametrize("disk", ["read-only", "full"])
def test_a_folder_that_cannot_take_the_header_is_one_sentence_and_no_file(window, qtbot, tmp_path, disk,
                                                                          reference_model_path) -> None:
    from tests.small_disk import fill, make_read_only, mounted_tmpfs

    assert window.open_model(reference_model_path), window.last_error
    with mounted_tmpfs(tmp_path / "disk", "256k") as folder:
        if disk == "read-only":
            make_read_only(folder)
        else:
            fill(folder)
        export_through_the_menu(window, qtbot, folder / "speech.h")
        assert not (folder / "speech.h").exists()
        assert [path.name for path in folder.iterdir()] == ([] if disk == "read-only" else ["filler"])
    reason = "Read-only file system" if disk == "read-only" else "No space left on device"
    assert window.last_error == f"Cannot write {folder / 'speech.h'}: {reason}."
    assert window.statusBar().currentMessage() == window.last_error
    close_error_box(window)
