"""The Training workspace shows a run it did not start: copied, from ``kws train`` or from an earlier session.

The runs are real: ``kws train`` in a child process on a slice of Speech Commands, stopped with its stop
file after the first epoch (a stopped run), then a copy of it finished with ``--resume`` (a finished run
that was moved to another folder while it was stopped -- as a colleague's run would be).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.child_command import kws_command
from workbench.gui.training.evaluation.evaluation_report_view import EMPTY_HEADLINE
from workbench.gui.training.data_list.dataset_folder_table import WEIGHT_COLUMN
from workbench.gui.training.data_list.dataset_weights import DatasetFolder
from workbench.gui.training.run_folder_state import RunKind, inspect_run_folder, run_spec
from workbench.gui.training.training_workspace import PROGRESS_STEPS, READY, STOPPED_REPORT, TrainingWorkspace
from workbench.training.run.run_request import DatasetArg, TrainRequest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "training"))
from training_data import QUICK_SPEC, copy_slice, stop_after_first_epoch  # noqa: E402

CHILD_LIMIT_S = 600  # a safety net for a hung child, not a timing of the test
MAX_EPOCHS = 40
MODEL_NAME = "quick_kws.tflite"
KEYWORD_CLASSES = 4  # yes, no, _unknown_, _silence_


def _kws(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(kws_command(*args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def runs(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``{"stopped": folder, "finished": folder}``, both written by real ``kws train`` children."""
    root = tmp_path_factory.mktemp("runs")
    speech = copy_slice(shared_dir / "datasets" / "speech_commands", root / "speech")
    spec = root / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=MAX_EPOCHS))
    stopped = root / "stopped"
    child = _kws("train", "--out", str(stopped), "--spec", str(spec), "--dataset", str(speech), "--workers", "1",
                 "--progress", "jsonl", cwd=root)
    stop_after_first_epoch(child, stopped, CHILD_LIMIT_S)
    epochs_done = json.loads((stopped / "train" / "state.json").read_text())["epochs_done"]

    finished = root / "finished"
    shutil.copytree(stopped, finished)
    child = _kws("train", "--out", str(finished), "--resume", "--epochs", str(epochs_done), "--progress", "none",
                 cwd=root)
    _out, err = child.communicate(timeout=CHILD_LIMIT_S)
    assert child.returncode == 0, err
    assert (finished / MODEL_NAME).is_file() and (finished / "summary.json").is_file()
    return {"stopped": stopped, "finished": finished}


@pytest.fixture
def copied(runs: dict[str, Path], tmp_path: Path):  # type: ignore[no-untyped-def]
    """``copied("finished")``: a fresh copy of a run, in another folder than the one it was trained in."""
    def copy(kind: str) -> Path:
        return Path(shutil.copytree(runs[kind], tmp_path / f"colleague's {kind} run"))
    return copy


@pytest.fixture
def workspace(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    host = WorkspaceHostDouble(tmp_path)
    ws = TrainingWorkspace(host)
    qtbot.addWidget(ws)
    ws.resize(1300, 820)
    ws.show()
    yield ws, host
    ws.shutdown()


def _history_epochs(folder: Path) -> list[int]:
    return [int(row["epoch"]) for row in json.loads((folder / "train" / "training-history.json").read_text())]


def _assert_finished_run_shown(ws: TrainingWorkspace, folder: Path) -> None:
    assert ws.report.summary is not None and ws.report.folder == folder
    assert ws.report.table.rowCount() == KEYWORD_CLASSES and ws.report.plots
    assert "balanced accuracy" in ws.report.headline.text()
    assert ws.tabs.currentWidget() is ws._report_scroll
    assert ws.curves.epochs == _history_epochs(folder) and ws.curves.best_epoch >= 1
    assert ws.use_button.isEnabled() and not ws.resume_button.isEnabled() and ws.train_button.isEnabled()
    assert ws.phase.text().startswith("Finished run in") and ws.progress.value() == PROGRESS_STEPS


def _assert_new_run(ws: TrainingWorkspace) -> None:
    assert ws.report.summary is None and ws.report.table.rowCount() == 0 and not ws.report.plots
    assert ws.report.headline.text() == EMPTY_HEADLINE
    assert ws.curves.epochs == [] and ws.model_path is None
    assert not ws.use_button.isEnabled() and not ws.resume_button.isEnabled()
    assert ws.phase.text() == READY and ws.progress.value() == 0


def test_a_copied_finished_run_shows_its_report_curves_and_model(workspace, copied) -> None:
    ws, host = workspace
    folder = copied("finished")
    ws.settings.out.setText(str(folder))
    _assert_finished_run_shown(ws, folder)
    ws.use_button.click()
    assert host.opened == [folder / MODEL_NAME] and host.shown == ["live"]
    assert host.controller.model is not None and host.controller.model.name == "quick_kws"
    assert not host.errors


def test_a_finished_run_chosen_with_the_button_is_shown(workspace, copied, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    ws, _ = workspace
    folder = copied("finished")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_args: str(folder)))
    ws.settings.out_button.click()
    _assert_finished_run_shown(ws, folder)


def test_the_run_of_an_earlier_session_is_shown_at_start_up(qtbot, copied, tmp_path: Path) -> None:
    folder = copied("finished")
    first = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(first)
    first.settings.out.setText(str(folder))
    first.shutdown()  # the window's close saves the form

    again = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(again)
    _assert_finished_run_shown(again, folder)
    again.shutdown()


def test_a_stopped_run_enables_resume_and_says_so(workspace, copied) -> None:
    ws, _ = workspace
    folder = copied("stopped")
    ws.settings.out.setText(str(folder))
    epochs = _history_epochs(folder)
    assert ws.resume_button.isEnabled() and not ws.use_button.isEnabled()
    assert ws.phase.text().endswith("holds a stopped run (1 epoch trained): Resume continues it.")
    assert ws.report.headline.text() == STOPPED_REPORT and ws.report.summary is None
    assert ws.curves.epochs == epochs == [1]
    log = (folder / "train" / "log.txt").read_text(encoding="utf-8").splitlines()
    shown = ws.log.toPlainText().splitlines()
    assert len(shown) == len(log) and shown[:-1] == log[:-1]  # the Log tab shows the run's own log ...
    stop = log[-1].index("Continue with: kws train --out ")
    assert log[-1].endswith(" --resume")  # ... whose last line tells the command line how to continue,
    assert shown[-1] == log[-1][:stop] + "Resume continues it."  # and the window how to


def test_a_folder_without_a_run_looks_like_a_new_run(workspace, copied, tmp_path: Path) -> None:
    ws, _ = workspace
    ws.settings.out.setText(str(copied("finished")))
    assert ws.use_button.isEnabled()
    empty = tmp_path / "empty"
    empty.mkdir()
    ws.settings.out.setText(str(empty))
    _assert_new_run(ws)
    ws.settings.out.setText(str(copied("stopped")))
    ws.settings.out.setText(str(tmp_path / "not yet there"))
    _assert_new_run(ws)
    assert ws.log.toPlainText() == ""  # no run, no log


def _summary_not_json(folder: Path) -> None:
    (folder / "summary.json").write_text('{"model": "quick_kws.tflite", "epochs": ')  # cut off mid-copy


def _summary_not_an_object(folder: Path) -> None:
    (folder / "summary.json").write_text("[1, 2, 3]")


def _summary_a_folder(folder: Path) -> None:
    (folder / "summary.json").unlink()
    (folder / "summary.json").mkdir()


def _model_missing(folder: Path) -> None:
    (folder / MODEL_NAME).unlink()


@pytest.mark.parametrize("damage, words", [
    (_summary_not_json, "is not a run summary (not valid JSON)"),
    (_summary_not_an_object, "names no model file"),
    (_summary_a_folder, "Cannot read"),
    (_model_missing, f"has no model file {MODEL_NAME}"),
])
def test_a_damaged_run_is_one_sentence(workspace, copied, damage, words: str) -> None:
    ws, host = workspace
    folder = copied("finished")
    damage(folder)
    ws.settings.out.setText(str(folder))
    note = ws.phase.text()
    assert words in note and note.endswith(".") and note.count(". ") == 0, note
    assert not ws.use_button.isEnabled() and not ws.resume_button.isEnabled() and ws.model_path is None
    assert not host.errors  # typing a path opens no message box
    if damage is _model_missing:  # the figures are still worth seeing
        assert ws.report.summary is not None and "balanced accuracy" in ws.report.headline.text()
    else:
        assert ws.report.summary is None and ws.report.headline.text() == note


def test_a_damaged_history_leaves_the_curves_empty_and_the_run_usable(workspace, copied) -> None:
    ws, _ = workspace
    folder = copied("finished")
    (folder / "train" / "training-history.json").write_text('[{"epoch": "one"}]')
    ws.settings.out.setText(str(folder))
    assert ws.curves.epochs == [] and ws.use_button.isEnabled() and ws.report.summary is not None
    assert ws.phase.text().endswith("its training curves are unreadable (training-history.json is damaged).")


def test_the_auditors_layout_reads_without_qt(copied) -> None:
    """The state on its own: a finished run names its model, a stopped one its epochs, neither raises."""
    finished = inspect_run_folder(copied("finished"))
    assert finished.kind is RunKind.FINISHED and finished.model_path is not None and finished.model_path.is_file()
    assert finished.curve_events()[-1]["best_epoch"] == finished.best_epoch >= 1
    stopped = inspect_run_folder(copied("stopped"))
    assert stopped.kind is RunKind.STOPPED and stopped.model_path is None and stopped.summary is None


def test_absurd_or_deeply_nested_files_are_damage_not_a_crash(copied) -> None:
    huge = 10 ** 400  # a float cannot hold it
    finished = copied("finished")
    summary = json.loads((finished / "summary.json").read_text())
    (finished / "summary.json").write_text(json.dumps({**summary, "best_epoch": huge}))
    assert inspect_run_folder(finished).best_epoch == 0
    (finished / "summary.json").write_text("[" * 100_000)
    assert inspect_run_folder(finished).kind is RunKind.DAMAGED
    stopped = copied("stopped")
    state = stopped / "train" / "state.json"
    if state.is_file():
        state.write_text(json.dumps({**json.loads(state.read_text()), "best_epoch": huge}))
    (stopped / "train" / "training-history.json").write_text("[" * 100_000)
    assert inspect_run_folder(stopped).kind is RunKind.STOPPED and inspect_run_folder(stopped).history == []


def test_a_finished_run_puts_its_spec_and_keywords_in_the_form(workspace, copied, qtbot) -> None:
    """Train again (in another folder) repeats the run: its resolved spec.toml, its keywords, no override."""
    ws, _ = workspace
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=60_000)  # the spec list arrived
    ws.settings.select_spec("ds_cnn_small")
    ws.settings.keywords.setText("up,down")
    folder = copied("finished")
    ws.settings.choose_out_folder(folder)
    _assert_finished_run_shown(ws, folder)
    assert ws.settings.spec.currentText() == f"quick_kws ({folder.name}/spec.toml)"
    assert ws.settings.keywords.text() == "yes,no" and ws.datasets.keywords == ["yes", "no"]
    assert ws.settings.arguments() == ["--spec", str(folder / "spec.toml")]


def test_a_stopped_run_shows_its_datasets_and_locks_them_as_resume_repeats_them(workspace, copied, runs,
                                                                              tmp_path: Path) -> None:
    ws, _ = workspace
    other = tmp_path / "other dataset"
    other.mkdir()
    ws.datasets.set_folders([other])
    ws.settings.choose_out_folder(copied("stopped"))
    assert ws.datasets.folders() == [runs["stopped"].parent / "speech"]  # the folder the run trained on
    assert ws.resume_button.isEnabled() and not ws.datasets.isEnabled()  # Resume would not use an edited list
    ws.settings.choose_out_folder(tmp_path / "a new run")
    assert ws.datasets.isEnabled() and ws.datasets.folders() == [runs["stopped"].parent / "speech"]


def _run_with_datasets(folder: Path, datasets: list[Any]) -> Path:
    """A stopped run's folder whose run.json records ``datasets`` ({"path": ..., "weight": ...} entries)."""
    folder.mkdir(parents=True)
    record = TrainRequest(datasets=(), out=folder, spec="tflite_micro_speech").to_record()
    (folder / "run.json").write_text(json.dumps({**record, "datasets": datasets}), encoding="utf-8")
    return folder


def test_a_run_chosen_from_disk_shows_its_dataset_weights_and_train_again_repeats_them(workspace,
                                                                                        tmp_path: Path) -> None:
    ws, _ = workspace
    speech, synthetic = tmp_path / "speech", tmp_path / "synthetic"
    record = TrainRequest(datasets=(DatasetArg(speech), DatasetArg(synthetic, 0.5)), out=tmp_path).to_record()
    ws.settings.choose_out_folder(_run_with_datasets(tmp_path / "weighed", record["datasets"]))
    weighted = [DatasetFolder(speech.resolve()), DatasetFolder(synthetic.resolve(), 0.5)]
    assert ws.datasets.weighted_folders() == weighted and ws.datasets.list.item(1, WEIGHT_COLUMN).text() == "0.5"
    ws.settings.choose_out_folder(tmp_path / "again")  # Train again, elsewhere: the run's weights stay
    assert ws.datasets.isEnabled() and ws.datasets.weighted_folders() == weighted


@pytest.mark.parametrize("weight", [0, "half", None, True])
def test_a_run_whose_weights_kws_train_would_refuse_leaves_the_list_alone(workspace, tmp_path: Path,
                                                                          weight: Any) -> None:
    ws, _ = workspace
    ws.datasets.set_folders([DatasetFolder(tmp_path, 2.0)])
    datasets = [{"path": str(tmp_path / "speech")}, {"path": str(tmp_path / "synthetic"), "weight": weight}]
    folder = _run_with_datasets(tmp_path / "damaged", datasets)
    ran_with = run_spec(folder)
    assert ran_with is not None and ran_with.datasets == []
    ws.settings.choose_out_folder(folder)
    assert ws.datasets.weighted_folders() == [DatasetFolder(tmp_path, 2.0)]


def test_a_run_recorded_without_weights_weighs_its_folders_one(tmp_path: Path) -> None:
    """As kws train --resume reads such a record."""
    folder = _run_with_datasets(tmp_path / "older", [{"path": str(tmp_path / "speech")}])
    ran_with = run_spec(folder)
    assert ran_with is not None and ran_with.datasets == [DatasetFolder(tmp_path / "speech", 1.0)]


def test_at_start_up_the_runs_keywords_win_over_the_remembered_ones(qtbot, copied, tmp_path: Path) -> None:
    folder = copied("stopped")
    first = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(first)
    first.settings.choose_out_folder(folder)
    first.settings.keywords.setText("up,down")  # edited after the run was shown: remembered
    first.shutdown()

    again = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(again)
    assert again.resume_button.isEnabled() and again.settings.keywords.text() == "yes,no"
    assert again.settings.spec.currentData() == str(folder / "spec.toml")
    again.shutdown()


def test_typing_a_path_through_a_run_folder_leaves_the_form_alone(workspace, copied, qtbot) -> None:
    """"runs/finished" on the way to "runs/finished2": the report shows that run while it is named, but the spec and
    keywords set for the new run stay until a folder is chosen (Enter, leaving the field, Browse)."""
    ws, _ = workspace
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=60_000)  # the spec list arrived
    ws.settings.select_spec("ds_cnn_small")
    ws.settings.keywords.setText("left,right")
    folder = copied("finished")
    ws.settings.out.clear()
    qtbot.keyClicks(ws.settings.out, str(folder) + "2")
    assert ws.settings.spec.currentData() == "ds_cnn_small" and ws.settings.keywords.text() == "left,right"
    assert ws.settings.arguments()[:4] == ["--spec", "ds_cnn_small", "--keywords", "left,right"]
    qtbot.keyClick(ws.settings.out, Qt.Key.Key_Backspace)  # now it names the finished run, and Enter chooses it
    qtbot.keyClick(ws.settings.out, Qt.Key.Key_Return)
    assert ws.settings.spec.currentData() == str(folder / "spec.toml") and ws.settings.keywords.text() == "yes,no"


def test_a_finished_run_lists_its_test_clips_and_plays_one_in_live(workspace, copied) -> None:
    """The Evaluation tab's clips are the run's eval/predictions.csv, its mistakes shown, and play through the host."""
    import csv

    ws, host = workspace
    folder = copied("finished")
    ws.settings.out.setText(str(folder))
    with (folder / "eval" / "predictions.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    clips = ws.report.clips
    assert rows and sorted(str(clip.path) for clip in clips.clips) == sorted(row["path"] for row in rows)
    assert len(clips.shown()) == sum(row["label"] != row["predicted"] for row in rows)
    assert clips.live_note.text().startswith("Live has no model loaded")
    ws.use_button.click()  # the run's model in Live: its scores are the ones heard
    assert clips.live_note.text() == ""
    clips.mistakes_only.setChecked(False)
    clips.table.selectRow(0)
    clips.play_button.click()
    assert host.audio == [clips.shown()[0].path] and host.shown == ["live", "live"] and not host.errors
