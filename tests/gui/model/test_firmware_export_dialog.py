"""The Export for firmware dialog's array name: refused as ``kws export-c --name`` refuses it, in its words, with
Export disabled and Return doing nothing; a name it takes shows the macro the firmware defines; Return exports,
Escape cancels; at a 16 pt font nothing in it is cut and it fits a 1280x720 screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.gui.text_fit import cut_off_texts
from workbench.cli.main import main
from workbench.gui.model.firmware_export_dialog import FirmwareExportChoice, FirmwareExportDialog
from workbench.gui.widgets.small_screen import FRAME_ALLOWANCE_PX

DEFAULT_NAME = "tflite_micro_speech"
CLI_ERROR_START = "kws: error: --name "
SMALL_SCREEN = (1280, 720)


def shown_dialog(qtbot, header: Path, name: str = DEFAULT_NAME,  # type: ignore[no-untyped-def]
                 note: str = "") -> FirmwareExportDialog:
    """The dialog offering ``header`` and ``name`` (the model file's name being :data:`DEFAULT_NAME`), shown."""
    dialog = FirmwareExportDialog(FirmwareExportChoice(header, name), DEFAULT_NAME, note)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def commands_refusal(model: Path, output: Path, name: str, capsys: pytest.CaptureFixture[str]) -> str:
    """What ``kws export-c --name NAME`` says when it refuses NAME, after its ``kws: error: --name ``."""
    capsys.readouterr()
    assert main(["export-c", str(model), "-o", str(output), "--name", name]) == 2
    error = capsys.readouterr().err
    assert error.startswith(CLI_ERROR_START)
    return error.removeprefix(CLI_ERROR_START).rstrip("\n")


@pytest.mark.parametrize("name", ["g-model", "main", "_Z", "a__b", "static_cast", "model_", "time", "1st", "g model"])
def test_a_name_kws_export_c_refuses_is_refused_in_its_words(qtbot, tmp_path, capsys, reference_model_path,
                                                             name) -> None:
    dialog = shown_dialog(qtbot, tmp_path / "model.h")
    assert dialog.export_button.isEnabled()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, name)  # typed, as the user types it: checked at every key
    assert dialog.name_message.text() == commands_refusal(reference_model_path, tmp_path / "cli.h", name, capsys)
    assert dialog.name_message.is_error and not dialog.export_button.isEnabled() and dialog.choice() is None
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0  # Return does not take a refused name


def test_an_emptied_name_is_refused_saying_the_model_files_name(qtbot, tmp_path) -> None:
    dialog = shown_dialog(qtbot, tmp_path / "model.h", "g_model")
    dialog.name_edit.clear()
    assert dialog.name_message.is_error and DEFAULT_NAME in dialog.name_message.text()
    assert not dialog.export_button.isEnabled()


@pytest.mark.parametrize("name, macro", [("g_model", "KWS_G_MODEL_IMPLEMENTATION"),
                                         ("myModel", "KWS_myModel_IMPLEMENTATION"),
                                         ("YES", "KWS_yes_IMPLEMENTATION")])
def test_a_name_it_takes_shows_the_macro_and_return_exports_it(qtbot, tmp_path, name, macro) -> None:
    dialog = shown_dialog(qtbot, tmp_path / "model.h", "g-model")
    assert not dialog.export_button.isEnabled()
    dialog.name_edit.setText(name)
    assert not dialog.name_message.is_error and macro in dialog.name_message.text()
    assert dialog.name_edit.accessibleDescription() == dialog.name_message.text()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.choice() == FirmwareExportChoice(tmp_path / "model.h", name)


def test_escape_cancels(qtbot, tmp_path) -> None:
    dialog = shown_dialog(qtbot, tmp_path / "model.h")
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_header_field_needs_a_file_and_says_when_it_is_replaced(qtbot, tmp_path) -> None:
    (tmp_path / "old.h").write_text("the last export")
    dialog = shown_dialog(qtbot, tmp_path / "model.h")
    assert dialog.header_note.isHidden()
    dialog.header_edit.setText(str(tmp_path / "old.h"))
    assert dialog.header_note.isVisible() and dialog.header_note.text() == "old.h exists: Export replaces it."
    dialog.header_edit.setText("  ")
    assert not dialog.export_button.isEnabled() and dialog.choice() is None
    dialog.header_edit.setText(str(tmp_path / "model"))
    assert dialog.choice() == FirmwareExportChoice(tmp_path / "model.h", DEFAULT_NAME)  # .h added, as kws saves


def test_the_fields_are_named_and_their_labels_reach_them(qtbot, tmp_path) -> None:
    dialog = shown_dialog(qtbot, tmp_path / "model.h")
    buddies = {label.text(): label.buddy() for label in dialog.findChildren(QLabel)
               if label.buddy() is not None}
    assert buddies == {"&Header file:": dialog.header_edit, "&Array name:": dialog.name_edit}
    assert (dialog.header_edit.accessibleName(), dialog.name_edit.accessibleName()) == ("Header file", "Array name")
    assert dialog.focusWidget() is dialog.name_edit and dialog.name_edit.selectedText() == DEFAULT_NAME


def test_at_a_large_font_nothing_is_cut_and_it_fits_a_small_screen(large_font, qtbot, tmp_path) -> None:
    (tmp_path / "model.h").write_text("the last export")
    dialog = shown_dialog(qtbot, tmp_path / "model.h", "main", note="The header holds the model as saved: the "
                          "tuning in use is not in it (File ▸ Save parameters into model… writes it into a model "
                          "copy; export that).")
    qtbot.wait(20)  # let the layout settle
    assert dialog.header_note.isVisible() and dialog.name_message.is_error and dialog.note.isVisible()
    assert cut_off_texts(dialog) == []
    assert dialog.width() + FRAME_ALLOWANCE_PX[0] <= SMALL_SCREEN[0]
    assert dialog.height() + FRAME_ALLOWANCE_PX[1] <= SMALL_SCREEN[1]
