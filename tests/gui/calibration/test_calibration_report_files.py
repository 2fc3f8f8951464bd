"""The Calibration workspace with a saved report (a real `kws calibrate` output): opened from its folder or
its calibration.json, and "Save into model…" saying why it cannot (model gone) or which name it refuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.calibration.conftest import real_stream, speech_commands  # noqa: F401  (fixtures)
from workbench.cli.main import main
from workbench.core.model.model_file import load_model
from workbench.gui.calibration.calibration_dialogs import choose_save_into_model


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, real_stream: Path,  # noqa: F811
           reference_model_path: Path) -> Path:
    """A calibration report folder whose model is a copy of the reference model (so a test can delete it)."""
    root = tmp_path_factory.mktemp("report")
    model = root / "model.tflite"
    shutil.copy(reference_model_path, model)
    folder = root / "run"
    assert main(["calibrate", "--model", str(model), "--stream", str(real_stream), "--thresholds", "150:250:50",
                 "--windows-ms", "500", "--suppressions-ms", "1000", "--counts", "1,3", "--out", str(folder),
                 "--progress", "none"]) == 0
    return folder


def test_a_report_opens_from_its_calibration_json(qtbot, workspace, report) -> None:  # type: ignore[no-untyped-def]
    assert workspace.open_report(report / "calibration.json") and workspace.host.errors == []
    assert workspace.output is not None and workspace.output.folder == report
    assert not workspace.open_report(report / "sweep.csv")
    assert workspace.host.errors[-1] == (f"{report / 'sweep.csv'} is a file: choose the calibration report's folder "
                                         "(the one holding calibration.json)")


def test_save_into_model_adds_tflite_and_refuses_other_suffixes(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path) -> None:
    assert workspace.open_report(report) and workspace.output.pareto
    workspace.table.select_row(0)
    saved = workspace.save_into_model(tmp_path / "tuned")
    assert saved == tmp_path / "tuned.tflite" and load_model(saved).params, workspace.host.errors
    assert workspace.save_into_model(tmp_path / "x.txt") is None and not (tmp_path / "x.txt").exists()
    assert workspace.host.errors == ["Cannot save the model copy as x.txt: name it with the .tflite suffix."]
    assert workspace.save_into_model(tmp_path / "upper.TFLITE") == tmp_path / "upper.TFLITE"


def test_save_into_model_says_the_model_is_gone_instead_of_doing_nothing(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path) -> None:
    moved = tmp_path / "report"
    shutil.copytree(report, moved)
    document = json.loads((moved / "calibration.json").read_text())
    document["model"]["file"] = str(tmp_path / "deleted.tflite")
    (moved / "calibration.json").write_text(json.dumps(document))
    assert workspace.open_report(moved)
    workspace.table.select_row(0)  # this report recommends none: Save acts on the selected set
    assert workspace.save_model_button.isEnabled()
    choose_save_into_model(workspace)  # no file dialog: the message, as "Use selected set" gives it
    assert workspace.host.errors == [f"the calibrated model {tmp_path / 'deleted.tflite'} was not found"]
    workspace.use_selected()
    assert workspace.host.errors[-1] == workspace.host.errors[0]


def own_copy(report: Path, tmp_path: Path, model: Path) -> Path:
    """A copy of ``report`` in ``tmp_path`` whose calibrated model is ``model`` (a copy a test may write over)."""
    moved = tmp_path / "report"
    shutil.copytree(report, moved)
    document = json.loads((moved / "calibration.json").read_text())
    shutil.copy(document["model"]["file"], model)
    document["model"]["file"] = str(model)
    (moved / "calibration.json").write_text(json.dumps(document))
    return moved


def test_a_report_that_recommends_nothing_says_the_fewest_and_waits_for_a_selected_set(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    asked: list[object] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: asked.append(args) or ("", "")))
    assert workspace.open_report(report) and workspace.output.recommended is None
    fewest = min(p["fa_per_hour"] for p in workspace.output.pareto)
    assert f"No set reaches 100 FA/h; the fewest is {fewest:.1f} FA/h" in workspace.status.text()
    assert "Select a set in the table to use or save it." in workspace.status.text()
    assert workspace.table.selected_row() is None
    assert not workspace.use_button.isEnabled() and not workspace.save_model_button.isEnabled()
    workspace.use_selected()
    choose_save_into_model(workspace)
    assert workspace.save_into_model(tmp_path / "x.tflite") is None and not (tmp_path / "x.tflite").exists()
    assert workspace.host.errors == ["select a set in the table first"] * 3 and asked == []  # no file dialog
    workspace.table.select_row(1)
    assert workspace.use_button.isEnabled() and workspace.save_model_button.isEnabled()


def test_save_report_refuses_when_the_opened_files_are_gone_and_keeps_the_target(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path) -> None:
    opened = tmp_path / "opened"
    shutil.copytree(report, opened)
    assert workspace.open_report(opened)
    target = tmp_path / "target"
    shutil.copytree(report, target)  # another report already there
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    (opened / "scores.npz").unlink()
    statuses = list(workspace.host.statuses)
    assert workspace.save_report(target) == []
    assert workspace.host.errors == [f"cannot save the report: scores.npz is no longer in {opened}; nothing was "
                                     f"written into {target}"]
    assert workspace.host.statuses == statuses  # no "saved"
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_a_set_is_saved_into_the_calibrated_models_own_file_as_the_tuning_panel_saves(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path) -> None:
    model = tmp_path / "model.tflite"
    assert workspace.open_report(own_copy(report, tmp_path, model))
    item = workspace.output.pareto[0]
    workspace.table.select_row(0)
    assert workspace.save_into_model(model) == model, workspace.host.errors  # not loaded: a file like any other
    assert load_model(model).params["detection_threshold"] == item["detection_threshold"]

    controller = workspace.host.controller  # loaded: the window's model, Reset and sliders follow the file
    assert controller.load_model(model) and controller.tuning.set(detection_threshold=100)
    workspace.table.select_row(1)
    item = workspace.output.pareto[1]
    assert workspace.save_into_model(model) == model, workspace.host.errors
    assert load_model(model).params["minimum_count"] == item["minimum_count"]
    assert controller.model.params["detection_threshold"] == item["detection_threshold"]
    assert controller.tuning.settings.detection_threshold == item["detection_threshold"]
    assert controller.tuning.model_defaults == controller.tuning.settings and not controller.tuning.is_modified
    assert "the model open in the window" in workspace.host.statuses[-1]

    other = tmp_path / "other.tflite"  # another model open: its file never gets the calibrated one's network
    shutil.copy(model, other)
    assert controller.load_model(other)
    assert workspace.save_into_model(other) is None
    assert workspace.host.errors[-1] == ("other.tflite is the model open in the window, not the calibrated "
                                         "model.tflite: choose another file.")


def test_a_set_that_misses_every_keyword_is_not_saved_into_a_model(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path) -> None:
    """Such a set on the board would never wake: the status already said "Nothing to ship"; Save says why not."""
    missing = tmp_path / "report"
    shutil.copytree(report, missing)
    document = json.loads((missing / "calibration.json").read_text())
    for entry in document["pareto"]:
        entry["frr"] = 1.0
    (missing / "calibration.json").write_text(json.dumps(document))
    assert workspace.open_report(missing), workspace.host.errors
    workspace.table.select_row(0)
    assert workspace.save_into_model(tmp_path / "dead") is None and not (tmp_path / "dead.tflite").exists()
    assert workspace.host.errors[-1].startswith("This set misses every keyword of the stream (FRR 100")
    assert workspace.host.errors[-1].endswith("choose a set that detects keywords.")


def test_a_first_version_report_whose_labels_are_not_found_asks_for_them(  # type: ignore[no-untyped-def]
        qtbot, workspace, report, tmp_path, monkeypatch, real_stream) -> None:  # noqa: F811
    """The first version kept no copy of the labels and named them relative to the folder it ran in."""
    from PySide6.QtWidgets import QFileDialog

    old = tmp_path / "c-old"
    shutil.copytree(report, old)
    (old / "labels.json").unlink()
    document = json.loads((old / "calibration.json").read_text())
    del document["labels_file"]
    document["stream"].update(audio="streams/s.wav", labels="streams/s.json")
    (old / "calibration.json").write_text(json.dumps(document))
    monkeypatch.chdir(tmp_path)
    asked: list[tuple[object, ...]] = []
    answer = ""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *args: asked.append(args) or (answer, "")))
    assert not workspace.open_report(old) and workspace.output is None
    assert asked[0][1] == "Choose the labels file of the report (streams/s.json was not found)"
    assert workspace.host.errors == [
        f"the calibration report in {old} was made by an older version of the workbench, which stored its labels file "
        f"as a path relative to the folder it ran in (streams/s.json), and it is neither in the report's folder nor in "
        f"the working folder {tmp_path}: choose the labels file its stream was made with (Open report… asks for it)"]
    answer = str(real_stream.with_suffix(".json"))  # the user chooses the stream's labels
    assert workspace.open_report(old) and workspace.output is not None and workspace.output.pareto
    assert len(workspace.host.errors) == 1
