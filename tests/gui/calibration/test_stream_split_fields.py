"""The stream dialog's split boxes: they start from kws stream make's own defaults, or from the spec.toml of the
calibrated model's training run (written as kws train writes it) with a line saying so, and warn once edited
away from it; a spec that does not load prefills nothing; the Calibration workspace gives the dialog the model it
calibrates; and the dialog still fits a 1280x720 screen at a large font."""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication

from tests.calibration.conftest import small_dataset, speech_commands  # noqa: F401  (fixtures)
from workbench.cli.data.dataset_commands import add_split_options
from workbench.gui.calibration import stream_dialog
from workbench.gui.calibration.stream_dialog import StreamDialog
from workbench.gui.calibration.stream_split_fields import NO_RUN_NOTE
from workbench.run_folder_layout import SPEC_FILE
from workbench.training.spec.model_spec import load_spec

from tests.gui.calibration.stream_dialog_opening import dialog_of_build

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_fit import cut_off_texts  # noqa: E402

SMALL_SCREEN = (1280, 720)
BUILD_TIMEOUT_MS = 120_000
MODEL_NAME = "kws_yes_no.tflite"  # the model file of a run folder (only its folder is read here)
RUN_SPLIT = {"testing_percent": 20.0, "validation_percent": 12.5, "split_method": "stratified"}


def run_model(folder: Path, **split: object) -> Path:
    """A training run folder with its resolved spec.toml as kws train writes it ([data] split as given)."""
    spec = load_spec("default")
    spec = spec.replace(data=dataclasses.replace(spec.data, **split))
    folder.mkdir()
    (folder / SPEC_FILE).write_text(spec.to_toml(), encoding="utf-8")
    return folder / MODEL_NAME


def split_options(args: list[str]) -> dict[str, str]:
    return {option: args[args.index(option) + 1]
            for option in ("--testing-percent", "--validation-percent", "--split-method")}


def type_into(qtbot, box: QAbstractSpinBox, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the box's text by ``text`` typed key by key (no Return: in the dialog, that is Build)."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)


def dialog_for(qtbot, model: Path | None) -> StreamDialog:  # type: ignore[no-untyped-def]
    dialog = StreamDialog(("yes", "no"), dataset=Path("dataset"), model=model)
    qtbot.addWidget(dialog)
    dialog.out_edit.setText("stream.wav")
    return dialog


def test_without_a_run_the_boxes_hold_the_commands_defaults(qtbot) -> None:  # type: ignore[no-untyped-def]
    parser = argparse.ArgumentParser()
    add_split_options(parser)
    cli = parser.parse_args([])
    dialog = dialog_for(qtbot, None)
    fields = dialog.split_fields
    assert (fields.testing_spin.value(), fields.validation_spin.value(), fields.method_combo.currentText()) == (
        cli.testing_percent, cli.validation_percent, cli.split_method)
    assert [fields.method_combo.itemText(i) for i in range(fields.method_combo.count())] == list(
        parser._option_string_actions["--split-method"].choices)
    assert fields.run is None and fields.note.text() == NO_RUN_NOTE and not fields.note.is_error


def test_the_runs_spec_prefills_the_split_and_the_line_says_so(  # type: ignore[no-untyped-def]
        qtbot, tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, run_model(tmp_path / "run", **RUN_SPLIT))
    fields = dialog.split_fields
    assert (fields.testing_spin.value(), fields.validation_spin.value(), fields.method_combo.currentText()) == (
        20.0, 12.5, "stratified")
    assert fields.note.text() == "split as the model's run: testing 20 %, validation 12.5 %, stratified"
    assert split_options(dialog.arguments() or []) == {"--testing-percent": "20", "--validation-percent": "12.5",
                                                       "--split-method": "stratified"}
    type_into(qtbot, fields.testing_spin, "10")  # away from the run's split: said, in the error colour
    assert fields.note.is_error and "may hold clips it trained on" in fields.note.text()
    assert "testing 20 %" in fields.note.text()
    type_into(qtbot, fields.testing_spin, "20")
    assert not fields.note.is_error and fields.note.text().startswith("split as the model's run")
    assert not dialog.child.running


@pytest.mark.parametrize("spec_text", ['[data]\nsplit_method = "random"\n', "[data]\ntesting_percent = 90\n",
                                       '[data]\ntesting_percent = "ten"\n', "not toml ["])
def test_a_spec_the_training_would_refuse_prefills_nothing(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           spec_text: str) -> None:
    (tmp_path / SPEC_FILE).write_text(spec_text, encoding="utf-8")
    fields = dialog_for(qtbot, tmp_path / MODEL_NAME).split_fields
    assert fields.run is None and fields.note.text() == NO_RUN_NOTE
    assert (fields.testing_spin.value(), fields.validation_spin.value()) == (10.0, 15.0)


def test_the_workspace_gives_the_dialog_the_model_it_calibrates(  # type: ignore[no-untyped-def]
        workspace, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = run_model(tmp_path / "run", **RUN_SPLIT)
    workspace.inputs.use_loaded.setChecked(False)
    workspace.inputs.model_edit.setText(str(model))
    opened: list[StreamDialog] = []

    def exec_(dialog: StreamDialog) -> int:
        opened.append(dialog)
        return 0  # cancelled

    monkeypatch.setattr(stream_dialog.StreamDialog, "exec", exec_)
    workspace.build_stream()
    [dialog] = opened
    assert dialog.split_fields.run is not None and dialog.split_fields.testing_spin.value() == 20.0
    assert dialog.keywords_edit.text() == "yes,no"  # a run folder without a model file: the loaded model's words


def test_the_stream_is_built_for_the_calibrated_models_keywords(  # type: ignore[no-untyped-def]
        workspace, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keywords came from the model loaded in the window, the split from the calibrated one: a stream of one
    model's words split as another's run. Both come from the calibrated model now."""
    from tests.bundled_model_paths import yes_no_model_path
    from workbench.cli.main import main

    model = run_model(tmp_path / "run", **RUN_SPLIT)
    assert main(["params", str(yes_no_model_path()), "-o", str(model), "classes=up,left,_unknown_,_silence_"]) == 0
    dialog = dialog_of_build(workspace, model, monkeypatch)
    assert dialog.keywords_edit.text() == "up,left" and dialog.split_fields.testing_spin.value() == 20.0


def test_the_dialog_fits_a_small_screen_at_a_large_font(large_font, qtbot,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, run_model(tmp_path / "run", **RUN_SPLIT))
    dialog.show()
    qtbot.waitExposed(dialog)
    for testing in ("20", "30"):  # the line as prefilled, then its longer warning
        type_into(qtbot, dialog.split_fields.testing_spin, testing)
        QApplication.processEvents()
        dialog.adjustSize()
        qtbot.wait(20)  # let the layouts settle
        assert dialog.width() <= SMALL_SCREEN[0] and dialog.height() <= SMALL_SCREEN[1]
        assert cut_off_texts(dialog) == []
    assert dialog.split_fields.note.is_error and not dialog.child.running


def test_the_dialog_fits_a_small_screen_at_a_large_font_with_its_refusal(  # type: ignore[no-untyped-def]
        large_font, qtbot, small_dataset: Path, tmp_path: Path) -> None:  # noqa: F811
    """The Noise rows made the dialog taller: at 16 pt, with the split's warning and the refusal of one's own takes
    (no _background_noise_ folder) that names those rows, it was 728 px high, its Build button below a 720 px
    screen; No noise now sits beside the Noise list."""
    takes = tmp_path / "takes"
    shutil.copytree(small_dataset, takes, ignore=shutil.ignore_patterns("_background_noise_"))
    dialog = dialog_for(qtbot, run_model(tmp_path / "run", **RUN_SPLIT))
    dialog.dataset_edit.setText(str(takes))
    dialog.out_edit.setText(str(tmp_path / "stream.wav"))
    dialog.show()
    qtbot.waitExposed(dialog)
    type_into(qtbot, dialog.split_fields.testing_spin, "30")  # the split's longer warning
    dialog.build_button.click()
    qtbot.waitUntil(lambda: not dialog.child.running and dialog.build_button.isEnabled(), timeout=BUILD_TIMEOUT_MS)
    assert "“No noise”" in dialog.status.text()
    QApplication.processEvents()
    dialog.adjustSize()
    qtbot.wait(20)  # let the layouts settle
    assert dialog.width() <= SMALL_SCREEN[0] and dialog.height() <= SMALL_SCREEN[1], dialog.size()
    assert cut_off_texts(dialog) == []
