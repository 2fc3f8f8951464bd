"""The Training workspace under pytest-qt with real ``kws`` children: train, watch, cancel, resume, use."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.datasets.layout import scan_dataset
from workbench.datasets.summary import dataset_summary
from workbench.gui.training.data_list.dataset_weights import DatasetFolder, recalled_folders
from workbench.gui.training.training_workspace import RESUME_LOG_LINE, TrainingWorkspace

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "training"))
sys.path.insert(0, str(REPO / "tests"))
from dataset_builders import make_dataset, pack_dataset, speaker_names  # noqa: E402
from training_data import QUICK_SPEC, copy_slice  # noqa: E402

START_TIMEOUT_MS = 120_000  # TensorFlow's import in the child, on a busy machine
RUN_TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def speech(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("gui-slice"))


@pytest.fixture
def workspace(qtbot, tmp_path: Path, speech: Path):  # type: ignore[no-untyped-def]
    host = WorkspaceHostDouble(tmp_path)
    ws = TrainingWorkspace(host)
    qtbot.addWidget(ws)
    ws.resize(1300, 820)
    ws.show()
    spec = tmp_path / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=40))
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=60_000)  # the spec list arrived
    ws.datasets.set_folders([speech])
    ws.settings.select_spec(str(spec))
    ws.settings.out.setText(str(tmp_path / "run"))
    qtbot.waitUntil(lambda: ws.datasets.summary is not None, timeout=30_000)
    yield ws, host
    ws.shutdown()


def test_dataset_table_shows_what_dataset_info_counts(workspace, speech: Path) -> None:
    ws, _ = workspace
    expected = dataset_summary(scan_dataset(speech), ["yes", "no"])
    table = ws.datasets.table
    assert table.rowCount() == 4
    for row, item in enumerate(expected.classes):
        assert table.item(row, 0).text() == item.label
        assert [int(table.item(row, c).text()) for c in (1, 2, 3)] == [
            item.counts.get(s, 0) for s in ("training", "validation", "testing")]
    specs = [ws.settings.spec.itemData(i) for i in range(ws.settings.spec.count())]
    assert {"tflite_micro_speech", "ds_cnn_small", "default"} <= set(specs)  # from `kws specs --json`
    texts = {ws.settings.spec.itemData(i): ws.settings.spec.itemText(i) for i in range(ws.settings.spec.count())}
    assert texts["default"] == "default — 420k MACs per member" and texts["tflite_micro_speech"].endswith("336k MACs")


def test_train_watch_cancel_resume_and_use_the_model(workspace, qtbot, tmp_path: Path) -> None:
    ws, host = workspace
    assert ws.start()
    assert ws.running and not ws.train_button.isEnabled() and ws.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: len(ws.curves.epochs) >= 2, timeout=START_TIMEOUT_MS)
    epochs, values = ws.curves.curve_points("val_accuracy")
    assert epochs[:2] == [1, 2] and all(0.0 <= v <= 1.0 for v in values)
    assert ws.progress.value() > 0 and ws.eta.text().startswith("ETA")
    ws.cancel()
    qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
    assert "Stopped" in ws.phase.text() and ws.resume_button.isEnabled() and not ws.use_button.isEnabled()
    assert ws.progress.value() == 0 and ws.eta.text() == ""  # nothing left to run
    log = ws.log.toPlainText().splitlines()
    assert sum("best checkpoint" in line and "stopped after" in line for line in log) == 1, log
    state = json.loads((tmp_path / "run" / "train" / "state.json").read_text())
    assert state["epochs_done"] >= 2 and state["best_epoch"] >= 1
    assert not list((tmp_path / "run").glob("*.tflite"))

    ws.settings.epochs.setValue(state["epochs_done"] + 1)  # one more epoch, then finish
    ws.resume_button.click()
    qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
    assert not host.errors, host.errors
    assert ws.phase.text() == "Finished." and ws.use_button.isEnabled()
    assert ws.curves.epochs[-1] == state["epochs_done"] + 1
    ticks = [v for _spacing, values in ws.curves.plots["loss"].getAxis("bottom").tickValues(
        1, ws.curves.epochs[-1], 400) for v in values]
    assert ticks and all(float(v).is_integer() for v in ticks)  # whole epochs only
    assert ws.report.summary is not None and ws.report.table.rowCount() == 4 and ws.report.plots
    assert "balanced accuracy" in ws.report.headline.text()
    ws.use_button.click()
    assert host.opened == [tmp_path / "run" / "quick_kws.tflite"] and host.shown == ["live"]
    assert host.controller.model is not None and host.controller.model.name == "quick_kws"
    ws.grab().save(str(tmp_path / "training.png"))


def test_a_stop_is_said_once_in_the_windows_terms_and_resume_keeps_the_log_and_takes_the_mltk_box(
        workspace, qtbot, tmp_path: Path) -> None:
    ws, host = workspace
    assert ws.start()
    qtbot.waitUntil(lambda: len(ws.curves.epochs) >= 1, timeout=START_TIMEOUT_MS)
    ws.cancel()
    qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
    state = json.loads((tmp_path / "run" / "train" / "state.json").read_text())
    done = state["epochs_done"]
    sentence = (f"Stopped after {done} epoch{'s' if done > 1 else ''}: the best checkpoint (epoch "
                f"{state['best_epoch']}) is kept; Resume continues the run.")
    assert ws.phase.text() == sentence
    first_session = ws.log.toPlainText()
    said = [line for line in first_session.splitlines() if "stopped" in line.lower()]
    assert said == ["[cancelled] " + sentence[0].lower() + sentence[1:]], said
    assert not [line for line in first_session.splitlines() if "kws train" in line or "SIGTERM" in line]

    assert not ws.settings.keywords.isEnabled() and ws.settings.resume_note.isVisible()  # what Resume keeps
    ws.settings.mltk_zip.setChecked(True)
    ws.settings.epochs.setValue(done)  # no more epochs: finish the run now
    ws.resume_button.click()
    qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)
    assert not host.errors, host.errors
    assert ws.phase.text() == "Finished." and (tmp_path / "run" / "quick_kws.mltk.zip").is_file()
    assert ws.log.toPlainText().startswith(first_session + "\n" + RESUME_LOG_LINE + "\n")
    assert not ws.settings.resume_note.isVisible() and ws.settings.keywords.isEnabled()


def test_closing_during_a_run_asks_and_stops_the_child(workspace, qtbot) -> None:
    ws, _ = workspace
    assert ws.start()
    qtbot.waitUntil(lambda: ws.curves.epochs or ws.phase.text().startswith("Training"), timeout=START_TIMEOUT_MS)
    questions: list[str] = []
    ws.ask = lambda _parent, question: questions.append(question) or False
    assert ws.confirm_close() is False and "in progress" in questions[0]
    ws.ask = lambda _parent, _question: True
    assert ws.confirm_close() is True
    ws.shutdown()
    assert not ws.running
    ws.ask = lambda _parent, _question: False
    assert ws.confirm_close() is True  # nothing runs any more: no question


def test_datasets_output_folder_and_keywords_come_back_in_the_next_session(qtbot, tmp_path: Path, speech: Path,
                                                                          monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    first = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(first)
    first.datasets.set_folders([speech])
    first.settings.out.setText(str(tmp_path / "runs" / "run1"))
    first.settings.keywords.setText("up,down")
    first.shutdown()  # the window's close saves the form

    again = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(again)
    assert again.datasets.folders() == [speech]
    assert again.settings.out.text() == str(tmp_path / "runs" / "run1")
    assert again.settings.keywords.text() == "up,down" and again.datasets.keywords == ["up", "down"]
    starts: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda _parent, _caption, start="", *_args: starts.append(start) or ""))
    again.settings._choose_out()
    assert starts == [str(tmp_path / "runs")]  # a new run's folder: beside the last one
    again.shutdown()


def test_dataset_weights_come_back_in_the_next_session(qtbot, tmp_path: Path) -> None:
    """An edited weight is remembered as it is edited (a crash loses nothing), and shown again with its folder."""
    from PySide6.QtWidgets import QApplication, QDoubleSpinBox

    speech, synthetic = tmp_path / "speech", tmp_path / "synthetic"
    speech.mkdir()
    synthetic.mkdir()
    first = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(first)
    first.show()
    first.datasets.set_folders([speech, synthetic])
    first.datasets.list.setFocus()
    first.datasets.list.setCurrentCell(1, 0)
    qtbot.keyClick(first.datasets.list, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QDoubleSpinBox), timeout=2000)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "0.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    weighted = [DatasetFolder(speech), DatasetFolder(synthetic, 0.5)]
    qtbot.waitUntil(lambda: first.datasets.weighted_folders() == weighted, timeout=2000)
    assert recalled_folders(first.host.settings.qsettings, "training/") == weighted
    first.shutdown()

    again = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(again)
    assert again.datasets.weighted_folders() == weighted
    again.shutdown()


def test_an_ensemble_members_batches_say_which_member_trains(workspace) -> None:
    ws, _ = workspace
    batch = {"phase": "train", "event": "batch", "epoch": 3, "epochs": 120, "batch": 5, "batches": 20, "eta_s": 30}
    ws._event(batch)
    assert ws.phase.text() == "Training: epoch 3 of at most 120"
    ws._event({**batch, "member": 2, "members": 4})
    assert ws.phase.text() == "Training: member 2 of 4, epoch 3 of at most 120"


def test_refusals_are_messages(workspace, tmp_path: Path) -> None:
    ws, host = workspace
    ws.datasets.set_folders([])
    assert not ws.start() and "dataset" in host.errors[-1]
    ws.settings.out.setText("")
    assert not ws.start() and "output folder" in host.errors[-1]
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "run.json").write_text("{}")
    ws.settings.out.setText(str(tmp_path / "used"))
    ws.datasets.add_folder(tmp_path)
    assert not ws.start() and "already holds a training run" in host.errors[-1]
    (tmp_path / "copied").mkdir()  # a finished run copied without its run.json
    (tmp_path / "copied" / "summary.json").write_text('{"model": "m.tflite"}')
    ws.settings.out.setText(str(tmp_path / "copied"))
    assert not ws.start() and "already holds a training run" in host.errors[-1]
    assert not ws.running


def test_download_adds_the_unpacked_dataset(workspace, qtbot, tmp_path: Path) -> None:
    ws, _ = workspace
    source = make_dataset(tmp_path / "src", {"yes": speaker_names(3), "no": speaker_names(3)})
    archive = pack_dataset(source, tmp_path / "speech_commands_v0.02.tar.gz")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    dest = tmp_path / "downloaded"
    ws.datasets.start_download(dest, url=archive.as_uri(), sha256=digest)
    assert ws.datasets.downloading and ws.datasets.download_progress.isVisible()
    qtbot.waitUntil(lambda: not ws.datasets.downloading, timeout=60_000)
    assert str(dest) in [str(f) for f in ws.datasets.folders()]
    assert (dest / "yes").is_dir()


def test_synthesize_opens_the_dataset_builder_and_its_dataset_joins_the_list(qtbot, tmp_path: Path) -> None:
    workspace = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(workspace)
    workspace.show()
    workspace.datasets.synth_button.click()
    dialogs = [w for w in workspace.findChildren(QDialog) if w.isVisible()]
    assert len(dialogs) == 1 and type(dialogs[0]).__name__ == "DatasetBuilderDialog"
    built = tmp_path / "synthetic"
    built.mkdir()
    dialogs[0].built.emit(str(built))
    assert workspace.datasets.folders() == [built]
    dialogs[0].close()
