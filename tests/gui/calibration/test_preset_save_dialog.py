"""The Calibration workspace's "Save selected set as preset…": its dialog (a name from the stream, checked as typed;
the description kws calibrate writes; the model file) and what it writes -- the set as a named preset, the model's
own parameters unchanged, the window's Values choice offering it at once, never a bundled model -- on a real
`kws calibrate` report of a copy of the reference model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from tests.bundled_model_paths import yes_no_model_path
from tests.calibration import conftest as calibration_fixtures
from tests.gui.calibration import test_calibration_report_files as report_files_tests
from workbench.core.detection.presets import presets_in
from workbench.core.detection.settings import DetectionSettings
from workbench.core.model.model_file import load_model
from workbench.core.model.model_params import HASH_PARAM
from workbench.gui.calibration.preset_save_dialog import INTO_CALIBRATED, choose_save_as_preset
from workbench.gui.calibration.preset_save_dialog import SetPresetSaveDialog as PresetSaveDialog
from workbench.gui.model.preset_save_dialog import EMPTY_NAME
from workbench.gui.stream.preset_choice import OWN_TEXT

# the fixtures a report is made with: a real stream calibrated by kws calibrate on a copy of the reference model
real_stream, speech_commands = calibration_fixtures.real_stream, calibration_fixtures.speech_commands
report, own_copy = report_files_tests.report, report_files_tests.own_copy
STREAM_NAME = "office_stream.wav"
PRESET_KEYS = ("detection_threshold", "average_window_duration_ms", "suppression_ms", "minimum_count")


def office_report(report: Path, tmp_path: Path, every_keyword_missed: bool = False) -> Path:
    """A copy of ``report`` whose calibrated model is a copy in ``tmp_path`` and whose stream is an office's (with
    ``every_keyword_missed``, each of its sets misses every keyword)."""
    moved = own_copy(report, tmp_path, tmp_path / "model.tflite")
    document = json.loads((moved / "calibration.json").read_text())
    document["stream"]["audio"] = str(tmp_path / STREAM_NAME)
    for entry in document["pareto"] if every_keyword_missed else ():
        entry["frr"] = 1.0
    (moved / "calibration.json").write_text(json.dumps(document))
    return moved


def detecting_row(workspace) -> int:  # type: ignore[no-untyped-def]
    """Select and return a Pareto row whose set detects keywords (one missing them all is never saved)."""
    row = next(i for i, entry in enumerate(workspace.output.pareto) if entry["frr"] < 1.0)
    workspace.table.select_row(row)
    return row


def answering(monkeypatch, answer=None) -> list[PresetSaveDialog]:  # type: ignore[no-untyped-def]
    """Stand in for the user at the dialog: ``answer(dialog)`` fills it in and Save is pressed, or (None) Cancel.
    The dialogs shown are returned."""
    shown: list[PresetSaveDialog] = []

    def exec_(dialog: PresetSaveDialog) -> int:
        shown.append(dialog)
        if answer is None:
            return 0
        answer(dialog)
        assert dialog.save_button.isEnabled()
        return 1

    monkeypatch.setattr(PresetSaveDialog, "exec", exec_)
    return shown


def test_the_dialog_offers_the_streams_name_the_calibrate_sentence_and_a_copy_beside_it(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path, monkeypatch) -> None:
    shown = answering(monkeypatch)
    assert workspace.open_report(office_report(report, tmp_path))
    item = workspace.output.pareto[detecting_row(workspace)]
    qtbot.mouseClick(workspace.save_preset_button, Qt.MouseButton.LeftButton)
    (dialog,) = shown
    assert dialog.name_edit.text() == "office_stream"
    assert dialog.name_message.text() == ("Saved as office_stream; the Tuning panel's Values choice shows it as "
                                          "\u201cOffice stream\u201d.")
    # as kws calibrate --as-preset writes it; without the target, which this report's sets with keywords exceed
    assert dialog.description_edit.text() == (f"calibrated by kws calibrate on {STREAM_NAME}: there it missed "
                                              f"{item['frr'] * 100:.1f} % of the keywords and fired "
                                              f"{item['fa_per_hour']:.1f} times an hour")
    assert dialog.file_edit.text() == str(tmp_path / "model-calibrated.tflite")
    assert dialog.save_button.isEnabled() and not dialog.file_note.isVisibleTo(dialog)
    assert workspace.host.statuses[-1].startswith("opened the calibration")  # cancelled: nothing saved


def test_a_name_or_file_the_save_refuses_disables_save_with_its_sentence(  # type: ignore[no-untyped-def]
        qtbot, tmp_path) -> None:
    from workbench.gui.calibration.preset_save_dialog import PresetSaveChoice

    model = tmp_path / "model.tflite"
    shutil.copy(yes_no_model_path(), model)
    dialog = PresetSaveDialog(PresetSaveChoice("office_stream", "", tmp_path / "copy.tflite"), model,
                              "FRR 9.0 % at 3.0 FA/h", existing=("quiet_room",))
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("office-stream")
    assert not dialog.save_button.isEnabled() and dialog.choice() is None and dialog.name_message.is_error
    assert dialog.name_message.text() == ("A preset name takes only lowercase letters, digits and underscores "
                                          "(e.g. quiet_room), not 'office-stream'.")
    dialog.name_edit.setText("  ")
    assert not dialog.save_button.isEnabled() and dialog.name_message.text() == EMPTY_NAME
    dialog.name_edit.setText("Quiet room")  # read as kws calibrate --as-preset reads it: the model has that one
    assert dialog.save_button.isEnabled() and not dialog.name_message.is_error
    assert dialog.name_message.text() == ("The calibrated model has a preset quiet_room already: Save replaces it "
                                          "with this set.")
    dialog.file_edit.setText(str(tmp_path / "copy.txt"))
    assert not dialog.save_button.isEnabled()
    assert dialog.file_note.text() == "Cannot save the model copy as copy.txt: name it with the .tflite suffix."
    dialog.file_edit.setText(str(yes_no_model_path()))
    assert not dialog.save_button.isEnabled() and dialog.file_note.is_error
    assert dialog.file_note.text() == (f"{yes_no_model_path()} would overwrite the bundled model "
                                       f"{yes_no_model_path().name}; choose another output file.")
    dialog.file_edit.setText(str(model))
    assert dialog.save_button.isEnabled() and dialog.file_note.text() == INTO_CALIBRATED
    dialog.file_edit.setText(str(tmp_path / "copy"))
    assert dialog.choice().model_file == tmp_path / "copy.tflite" and dialog.choice().name == "quiet_room"


def test_saving_writes_the_selected_set_as_a_preset_and_keeps_the_models_own(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path, monkeypatch) -> None:
    def as_office(dialog: PresetSaveDialog) -> None:
        dialog.name_edit.setText("office")
        dialog.description_edit.setText("for the open-plan office")

    shown = answering(monkeypatch, as_office)
    assert workspace.open_report(office_report(report, tmp_path))
    item = workspace.output.pareto[detecting_row(workspace)]
    qtbot.mouseClick(workspace.save_preset_button, Qt.MouseButton.LeftButton)
    copy, calibrated = tmp_path / "model-calibrated.tflite", load_model(tmp_path / "model.tflite")
    assert workspace.host.errors == [] and copy.is_file() and len(shown) == 1
    written = load_model(copy)
    own = DetectionSettings.from_params(written.params)
    assert own == DetectionSettings.from_params(calibrated.params)  # what the board uses: as it was
    assert {k: v for k, v in written.params.items() if not k.startswith("preset.") and k != HASH_PARAM} == \
        {k: v for k, v in calibrated.params.items() if k != HASH_PARAM}
    (preset,) = presets_in(written.params, own, written.classes)
    assert (preset.name, preset.description) == ("office", "for the open-plan office")
    assert {key: getattr(preset.settings, key) for key in PRESET_KEYS} == {key: item[key] for key in PRESET_KEYS}
    assert preset.settings.detection_threshold_list == (tuple(item["detection_threshold_list"])
                                                        if item.get("detection_threshold_list") else None)
    assert preset.settings.latency_ms == workspace.output.latency_ms
    figures = f"FRR {item['frr'] * 100:.1f} % at {item['fa_per_hour']:.1f} FA/h"
    assert workspace.host.statuses[-1] == f"saved preset office ({figures}) into {copy}"
    assert workspace.host.remembered == [copy]

    # into the calibrated model's own file (not open in the window): a file like any other
    assert workspace.save_as_preset(tmp_path / "model.tflite", "office", "") == tmp_path / "model.tflite"
    assert [p.name for p in presets_in(load_model(tmp_path / "model.tflite").params, own)] == ["office"]
    shown = answering(monkeypatch)
    qtbot.mouseClick(workspace.save_preset_button, Qt.MouseButton.LeftButton)
    shown[0].name_edit.setText("office")
    assert shown[0].name_message.text().startswith("The calibrated model has a preset office already")


def test_the_preset_button_follows_save_into_model_and_refuses_as_it_does(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path, monkeypatch) -> None:
    shown = answering(monkeypatch)
    assert not workspace.save_preset_button.isEnabled()
    choose_save_as_preset(workspace)
    assert workspace.host.errors == ["run a calibration or open a report first"] and shown == []
    assert workspace.open_report(report) and workspace.output.recommended is None  # nothing selected
    assert not workspace.save_preset_button.isEnabled() and not workspace.save_model_button.isEnabled()
    choose_save_as_preset(workspace)
    assert workspace.save_as_preset(tmp_path / "x.tflite", "office", "") is None
    assert workspace.host.errors[1:] == ["select a set in the table first"] * 2 and shown == []
    workspace.table.select_row(1)
    assert workspace.save_preset_button.isEnabled() and workspace.save_model_button.isEnabled()

    assert workspace.open_report(office_report(report, tmp_path, every_keyword_missed=True))
    workspace.table.select_row(0)
    assert workspace.save_as_preset(tmp_path / "x.tflite", "office", "") is None
    assert workspace.host.errors[-1].startswith("This set misses every keyword of the stream (FRR 100")
    assert not (tmp_path / "x.tflite").exists()

    shutil.rmtree(tmp_path / "report")
    gone = office_report(report, tmp_path)  # its calibrated model deleted since
    (tmp_path / "model.tflite").unlink()
    assert workspace.open_report(gone)
    detecting_row(workspace)
    choose_save_as_preset(workspace)
    assert workspace.host.errors[-1] == f"the calibrated model {tmp_path / 'model.tflite'} was not found"
    assert shown == []


def test_a_bundled_model_is_never_written_and_its_copy_is_offered_in_the_home_folder(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path, monkeypatch) -> None:
    """The report names a bundled model as its calibrated one (its file is refused before its network is read)."""
    bundled = yes_no_model_path()
    before = bundled.read_bytes()
    moved = tmp_path / "report"
    shutil.copytree(report, moved)
    document = json.loads((moved / "calibration.json").read_text())
    document["model"]["file"] = str(bundled)
    (moved / "calibration.json").write_text(json.dumps(document))
    shown = answering(monkeypatch)
    assert workspace.open_report(moved) and workspace.model_of_run == bundled
    detecting_row(workspace)
    choose_save_as_preset(workspace)
    assert Path(shown[0].file_edit.text()).parent == Path.home()
    refusal = f"{bundled} would overwrite the bundled model {bundled.name}; choose another output file."
    assert workspace.save_as_preset(bundled, "office", "") is None and workspace.host.errors == [refusal]
    assert workspace.host.controller.load_model(bundled)  # open in the window, too: refused the same
    assert workspace.save_as_preset(bundled, "office", "") is None and workspace.host.errors[-1] == refusal
    assert bundled.read_bytes() == before


def test_saving_into_the_open_models_file_shows_the_preset_in_the_values_choice_at_once(  # type: ignore[no-untyped-def]
        qtbot, window, report, tmp_path) -> None:
    model = tmp_path / "model.tflite"
    calibration, controller, choice = window.calibration, window.controller, window.tuning_panel.preset_choice
    assert calibration.open_report(office_report(report, tmp_path)) and window.open_model(model)
    item = calibration.output.pareto[detecting_row(calibration)]
    assert controller.tuning.set(detection_threshold=item["detection_threshold"] - 1, minimum_count=2)
    tuned, own = controller.tuning.settings, controller.tuning.model_defaults
    assert choice.isHidden()  # the model carries no preset yet

    assert calibration.save_as_preset(model, "office stream", "for the office") == model, window.last_error
    assert [choice.combo.itemText(i) for i in range(choice.combo.count())] == [OWN_TEXT, "Office stream"]
    assert choice.isVisibleTo(window.tuning_panel) and choice.combo.itemData(1, Qt.ItemDataRole.ToolTipRole) == \
        "for the office"
    assert controller.tuning.settings == tuned and controller.tuning.model_defaults == own  # the sliders kept
    assert window.tuning_panel.rows["detection_threshold"].value == item["detection_threshold"] - 1
    assert "preset.office_stream.detection_threshold" in controller.model.params
    assert window.statusBar().currentMessage().endswith("(the model open in the window: its Values choice offers "
                                                        "the preset now)")
    while choice.combo.currentIndex() != 1:  # the user chooses it with the keyboard: the sliders take the set
        qtbot.keyClick(choice.combo, Qt.Key.Key_Down)
    assert controller.tuning.settings.detection_threshold == item["detection_threshold"]
    # the window's model is the file as it reads now: the Tuning panel's own save neither refuses nor drops it
    assert controller.save_parameters_into_model(model) == model
    assert "preset.office_stream.description" in load_model(model).params
