"""The Training form trains what it shows: it refuses an empty keyword list and a relative output folder, locks
what a resumed run keeps, says only what applies to the folder it names, and reads that folder again when it is
chosen again. The children are real ``kws train`` processes, stopped before TensorFlow has loaded or refused at
their first check.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.gui.training.child_command_line import CHILD_TIMEOUT_MS, running_child_command
from workbench.core.errors import SettingsError
from workbench.gui.datasets.build_folder import output_folder
from workbench.gui.training.data_list.dataset_folder_table import FOLDER_COLUMN
from workbench.gui.training.data_list.dataset_weights import DatasetFolder
from workbench.gui.training.training_workspace import READY
from workbench.run_folder_layout import RUN_FILE, SUMMARY_FILE
from workbench.training.run.run_request import DatasetArg, TrainRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import make_dataset, speaker_names  # noqa: E402

SCAN_TIMEOUT_MS = 30_000
NOTHING_TRAINED = "Stopped before the training began: nothing was trained."


def _stopped_run(folder: Path) -> Path:
    """A run folder as ``kws train`` leaves it when stopped early: its run.json (the request's record)."""
    folder.mkdir(parents=True, exist_ok=True)
    record = TrainRequest(datasets=(), out=folder, spec="tflite_micro_speech").to_record()
    (folder / RUN_FILE).write_text(json.dumps(record), encoding="utf-8")
    return folder


@pytest.fixture
def ws(training_workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The workspace with a dataset folder in its list (the form's first check)."""
    (tmp_path / "data").mkdir()
    training_workspace.datasets.add_folder(tmp_path / "data")
    return training_workspace


def test_a_stopped_run_locks_the_fields_resume_keeps_and_another_folder_frees_them(ws, tmp_path: Path) -> None:
    settings = ws.settings
    kept = (settings.spec, settings.keywords, settings.settings_button, settings.seed, settings.init_from,
            settings.init_button)
    free = (settings.epochs, settings.workers, settings.mltk_zip, settings.out, settings.out_button)
    assert all(widget.isEnabled() for widget in kept + free) and not settings.resume_note.isVisible()
    settings.choose_out_folder(_stopped_run(tmp_path / "stopped"))
    assert ws.resume_button.isEnabled()
    assert not any(widget.isEnabled() for widget in kept) and all(widget.isEnabled() for widget in free)
    assert settings.resume_note.isVisible() and "Resume keeps its spec, keywords" in settings.resume_note.text()
    settings.mltk_zip.setChecked(True)
    settings.epochs.setValue(5)
    assert settings.resume_arguments() == ["--epochs", "5", "--mltk-zip"]  # kws train --resume takes all three
    settings.choose_out_folder(tmp_path / "new")
    assert all(widget.isEnabled() for widget in kept) and not settings.resume_note.isVisible()


def test_train_into_a_run_folder_says_only_what_applies(ws, tmp_path: Path) -> None:
    errors = ws.host.errors
    ws.settings.choose_out_folder(_stopped_run(tmp_path / "stopped"))
    assert not ws.start() and "already holds a training run" in errors[-1] and "press Resume" in errors[-1]
    finished = tmp_path / "finished"
    finished.mkdir()
    (finished / SUMMARY_FILE).write_text('{"model": "m.tflite"}')
    ws.settings.choose_out_folder(finished)
    assert not ws.resume_button.isEnabled()
    assert not ws.start() and "already holds a training run" in errors[-1] and "Resume" not in errors[-1], errors


def test_an_empty_keywords_field_is_refused_not_trained_as_the_specs(ws, tmp_path: Path) -> None:
    ws.settings.out.setText(str(tmp_path / "run"))
    ws.settings.keywords.setText(" , ,")
    assert not ws.start() and not ws.running
    assert "\u201cKeywords\u201d is empty" in ws.host.errors[-1] and "yes, no" in ws.host.errors[-1]
    assert not (tmp_path / "run").exists()


def test_a_relative_output_folder_is_refused_as_the_dataset_builder_refuses_it(ws, tmp_path: Path,
                                                                              monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # where kws train would have put it
    _stopped_run(tmp_path / "relative_run")
    ws.settings.choose_out_folder(Path("relative_run"))
    assert not ws.resume_button.isEnabled() and ws.phase.text() == READY  # it names no folder of the user's
    assert not ws.start() and not ws.running
    with pytest.raises(SettingsError) as refused:
        output_folder("relative_run")
    assert ws.host.errors[-1] == str(refused.value)
    assert not ws.start(resume=True) and ws.host.errors[-1] == str(refused.value)


def test_choosing_the_same_folder_again_reads_it_again(ws, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    ws.settings.choose_out_folder(folder)
    assert not ws.resume_button.isEnabled() and ws.phase.text() == READY
    _stopped_run(folder)  # written meanwhile (kws train on the command line, a copy)
    ws.settings.choose_out_folder(folder)
    assert ws.resume_button.isEnabled() and "holds a stopped run" in ws.phase.text()


def test_cancel_before_the_first_epoch_says_nothing_was_trained_and_leaves_no_folder(ws, qtbot,
                                                                                      tmp_path: Path) -> None:
    assert "once an epoch has finished" in ws.cancel_button.toolTip()
    ws.settings.out.setText(str(tmp_path / "runs" / "first"))
    assert ws.start()
    ws.cancel()  # TensorFlow is still loading: no epoch, no run.json
    qtbot.waitUntil(lambda: not ws.running, timeout=CHILD_TIMEOUT_MS)
    assert ws.phase.text() == NOTHING_TRAINED and not ws.resume_button.isEnabled()
    assert ws.log.toPlainText().splitlines() == ["[cancelled] " + NOTHING_TRAINED[0].lower() + NOTHING_TRAINED[1:]]
    assert not (tmp_path / "runs").exists()  # the stop file's folder went with it, as a failed start's


def test_a_childs_error_is_logged_once_in_the_forms_terms(ws, qtbot, tmp_path: Path) -> None:
    ws.settings.out.setText(str(tmp_path / "run"))
    ws.settings.keywords.setText("yes,yes")
    assert ws.start()
    qtbot.waitUntil(lambda: not ws.running, timeout=CHILD_TIMEOUT_MS)
    said = [line for line in ws.log.toPlainText().splitlines() if "distinct" in line]
    assert said == [ws.host.errors[-1]] and said[0].startswith("\u201cKeywords\u201d"), said


def test_the_data_table_names_the_datasets_splits_and_a_keyword_in_the_wrong_case(ws, qtbot, tmp_path: Path) -> None:
    """The columns are the dataset's own splits (training may re-split them: the run's Log has its samples), and a
    keyword no folder holds is named, with the folder it resembles."""
    data = make_dataset(tmp_path / "words", {word: speaker_names(2) for word in ("yes", "no", "go")})
    ws.datasets.set_folders([data])
    ws.settings.keywords.setText(" Yes , NO ")
    ws.settings.keywords.editingFinished.emit()
    qtbot.waitUntil(lambda: ws.datasets.summary is not None and ws.datasets.summary.keywords == ["Yes", "NO"]
                    and not ws.datasets.scanning, timeout=SCAN_TIMEOUT_MS)
    status = ws.datasets.status.text()
    assert "no clips of Yes, NO (did you mean yes, no?)" in status, status
    assert "dataset's own splits" in status and "Log lists the samples training uses" in status
    assert all("dataset's own" in ws.datasets.table.horizontalHeaderItem(column).toolTip() for column in (1, 2, 3))



def test_a_long_status_sentence_wraps_instead_of_widening_the_window(window, qtbot, tmp_path: Path) -> None:
    """A finished run's status names its folder: it pushed a 1280 px window wider (to 1347 px at 16 pt)."""
    window.show_workspace("training")
    window.resize(1280, 720)
    qtbot.wait(50)
    width = window.width()
    folder = tmp_path / ("a-long-folder-name-" * 12)
    window.training.training.phase.setText(f"Finished run in {folder}: its report is in the Evaluation tab.")
    qtbot.wait(50)
    assert window.width() == width


def test_a_zero_weight_is_refused_in_one_sentence_before_a_run_starts(ws, qtbot, tmp_path: Path) -> None:
    """Typed as a user who means "leave it out" would: the command line would refuse it, the form says so first."""
    from PySide6.QtWidgets import QApplication, QDoubleSpinBox

    ws.settings.out.setText(str(tmp_path / "runs" / "run"))
    table = ws.datasets.list
    table.setFocus()
    table.setCurrentCell(0, FOLDER_COLUMN)
    qtbot.keyClick(table, Qt.Key.Key_0)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QDoubleSpinBox), timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.datasets.weighted_folders()[0].weight == 0.0, timeout=2000)
    assert not ws.start() and not ws.running
    sentence = ws.host.errors[-1]
    assert sentence.startswith(f"The weight of dataset {tmp_path / 'data'} must be a positive number, not 0")
    assert "remove it from the Data list" in sentence and sentence.count(". ") == 0, sentence
    assert not (tmp_path / "runs").exists() and ws.phase.text() == READY


@pytest.mark.skipif(not Path("/proc/self/cmdline").is_file(), reason="reads the child's command line from /proc")
def test_the_weights_reach_kws_train_as_it_reads_them(ws, qtbot, tmp_path: Path) -> None:
    """The child's own command line, read back by kws train's parser: 1 is left out, a ":" in a folder's name is
    not taken for a weight."""
    folders = [DatasetFolder(tmp_path / "data"), DatasetFolder(tmp_path / "synthetic", 0.5),
               DatasetFolder(tmp_path / "take:2")]
    for folder in folders[1:]:
        folder.path.mkdir()
    ws.datasets.set_folders(folders)
    ws.settings.out.setText(str(tmp_path / "run"))
    assert ws.start()
    command = running_child_command(qtbot, ws)
    given = [command[i + 1] for i, arg in enumerate(command) if arg == "--dataset"]
    assert given == [str(tmp_path / "data"), f"{tmp_path / 'synthetic'}:0.5", f"{tmp_path / 'take:2'}:1"]
    assert [DatasetFolder(d.path, d.weight) for d in map(DatasetArg.parse, given)] == folders
