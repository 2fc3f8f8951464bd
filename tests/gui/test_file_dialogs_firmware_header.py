"""File ▸ Export for firmware (C header)…: the header ``kws export-c`` writes for the same model, said in the status
bar; the tuning in use is said not to be in it; a failure is one sentence and leaves no file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from workbench.cli.main import main
from workbench.core.model.c_array import implementation_macro
from workbench.gui import file_dialogs

MODELS = ("tflite_micro_speech.tflite", "tflite_micro_speech.mltk.zip")
THRESHOLD_MACRO = re.compile(r"#define \w+_DETECTION_THRESHOLD (\d+)")


def export_through_the_menu(window, monkeypatch, target: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """Answer the save dialog with ``target`` (the only thing faked) and trigger the File menu's action; the titles
    the dialog was opened with."""
    titles: list[str] = []

    def answer(_parent, title, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        titles.append(title)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    window.export_header_action.trigger()
    return titles


def notices(window) -> list[QMessageBox]:  # type: ignore[no-untyped-def]
    return [box for box in window.findChildren(QMessageBox) if box.objectName() == file_dialogs.FIRMWARE_NOTICE_NAME
            and box.isVisible()]


def close_error_box(window) -> None:  # type: ignore[no-untyped-def]
    box = getattr(window, "error_box", None)
    if box is not None:
        box.close()


@pytest.mark.parametrize("model_name", MODELS)
def test_the_window_writes_the_header_kws_export_c_writes(window, monkeypatch, tmp_path, shared_dir, capsys,
                                                          model_name) -> None:
    model = shared_dir / "reference-models" / model_name
    assert window.open_model(model), window.last_error
    (tmp_path / "gui").mkdir()
    (tmp_path / "cli").mkdir()
    titles = export_through_the_menu(window, monkeypatch, tmp_path / "gui" / "speech")  # .h added
    written = tmp_path / "gui" / "speech.h"
    assert written.is_file(), window.last_error
    assert main(["export-c", str(model), "-o", str(tmp_path / "cli" / "speech.h")]) == 0
    assert written.read_bytes() == (tmp_path / "cli" / "speech.h").read_bytes()
    assert titles == [file_dialogs.EXPORT_HEADER_TITLE] and window.last_error is None and not notices(window)
    size = len(window.controller.model.tflite)
    assert window.statusBar().currentMessage() == (
        f"wrote {written}: array tflite_micro_speech, {size:,} bytes of model; define "
        f"{implementation_macro('tflite_micro_speech')} in one file before including it")
    assert f"const unsigned int tflite_micro_speech_len = {size}u;" in written.read_text()


def test_a_name_that_is_no_headers_is_written_with_the_commands_warning(window, monkeypatch, tmp_path, capsys,
                                                                        reference_model_path) -> None:
    assert window.open_model(reference_model_path), window.last_error
    export_through_the_menu(window, monkeypatch, tmp_path / "model.inc")
    assert main(["export-c", str(reference_model_path), "-o", str(tmp_path / "cli.inc")]) == 0
    warnings = [line.removeprefix("kws: warning: ") for line in capsys.readouterr().err.splitlines()
                if line.startswith("kws: warning: ")]
    assert (tmp_path / "model.inc").is_file() and len(warnings) == 1 and "cli.inc is a header" in warnings[0]
    shown = notices(window)
    assert len(shown) == 1
    assert f"{tmp_path / 'model.inc'} is a header, not a source file" in shown[0].text()
    shown[0].close()


def test_unsaved_tuning_is_said_not_to_be_in_the_header_and_a_saved_copy_has_it(window, monkeypatch, tmp_path,
                                                                               reference_model_path) -> None:
    own = tmp_path / "speech.tflite"
    own.write_bytes(reference_model_path.read_bytes())
    assert window.open_model(own), window.last_error
    tuning = window.controller.tuning
    new_threshold = tuning.settings.detection_threshold - 17
    assert tuning.set(detection_threshold=new_threshold) and tuning.is_modified
    titles = export_through_the_menu(window, monkeypatch, tmp_path / "as_saved.h")
    assert len(titles) == 1 and file_dialogs.UNSAVED_TUNING in titles[0]
    assert window.statusBar().currentMessage().endswith(f"; {file_dialogs.UNSAVED_TUNING}")
    as_saved = THRESHOLD_MACRO.findall((tmp_path / "as_saved.h").read_text())
    assert as_saved and int(as_saved[0]) != new_threshold  # the file's value, as the message says

    assert window.save_parameters(tmp_path / "tuned.tflite") and window.open_model(tmp_path / "tuned.tflite")
    export_through_the_menu(window, monkeypatch, tmp_path / "tuned.h")
    assert THRESHOLD_MACRO.findall((tmp_path / "tuned.h").read_text()) == [str(new_threshold)]


def test_the_models_own_file_is_refused_in_one_sentence(window, monkeypatch, tmp_path,
                                                        reference_model_path) -> None:
    own = tmp_path / "speech.tflite"
    own.write_bytes(reference_model_path.read_bytes())
    assert window.open_model(own), window.last_error
    export_through_the_menu(window, monkeypatch, own)
    assert own.read_bytes() == reference_model_path.read_bytes()
    assert window.last_error == f"{own} is the input: writing there would replace it; choose another output file."
    close_error_box(window)


@pytest.mark.parametrize("disk", ["read-only", "full"])
def test_a_folder_that_cannot_take_the_header_is_one_sentence_and_no_file(window, monkeypatch, tmp_path, disk,
                                                                          reference_model_path) -> None:
    from tests.small_disk import fill, make_read_only, mounted_tmpfs

    assert window.open_model(reference_model_path), window.last_error
    with mounted_tmpfs(tmp_path / "disk", "256k") as folder:
        if disk == "read-only":
            make_read_only(folder)
        else:
            fill(folder)
        export_through_the_menu(window, monkeypatch, folder / "speech.h")
        assert not (folder / "speech.h").exists()
        assert [path.name for path in folder.iterdir()] == ([] if disk == "read-only" else ["filler"])
    reason = "Read-only file system" if disk == "read-only" else "No space left on device"
    assert window.last_error == f"Cannot write {folder / 'speech.h'}: {reason}."
    assert window.statusBar().currentMessage() == window.last_error
    close_error_box(window)
