"""The Training workspace's "Preview augmentation…" with the real ``kws train --preview-augmentation`` child: it runs
the form's command (datasets with weights, ``--set`` changes, keywords, output folder), lists what the child wrote,
leaves a run already in the folder alone, stops on Cancel (showing the samples it finished, when they add up) and says
a failure in one sentence."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from tests.gui.training.child_command_line import CHILD_TIMEOUT_MS, running_child_command
from tests.gui.training.preview.preview_checks import grey_pixels, index_rows, played_calls
from workbench.cli.main import build_parser
from workbench.gui.training.data_list.dataset_weights import DatasetFolder
from workbench.gui.kws_child_process import CANCELLED
from workbench.gui.training.preview.augmentation_preview import PREVIEW_SAMPLES
from workbench.gui.training.preview.augmentation_preview_view import CLASS_COLUMN, TRANSFORMS_COLUMN
from workbench.gui.training.training_workspace import PROGRESS_STEPS
from workbench.gui.window.shortcuts_dialog import Shortcut, control_shortcuts
from workbench.run_folder_layout import RUN_FILE
from workbench.training.run.run_request import DatasetArg, TrainRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from dataset_builders import make_dataset, speaker_names  # noqa: E402

PREVIEW = "augmentation-preview"
MASKS = {"augmentation.mask_share": "1.0"}  # every sample masked: the index shows the --set change took effect
SLOW_SAMPLES = 1000  # seconds of rendering: Cancel comes while the child is writing samples


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the preview's, by its relative path."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and PREVIEW not in path.relative_to(folder).parts}


@pytest.fixture
def ws(training_workspace, speech: Path, quick_spec: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The workspace with the speech slice, the quick spec and a new output folder in its form."""
    training_workspace.datasets.set_folders([speech])
    training_workspace.settings.select_spec(str(quick_spec))
    training_workspace.settings.out.setText(str(tmp_path / "run"))
    return training_workspace


def _wait_for_preview(ws, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not ws.preview.running, timeout=CHILD_TIMEOUT_MS)


def test_the_button_runs_the_forms_command_and_the_view_lists_plays_and_shows_its_samples(
        ws, qtbot, speech: Path, quick_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = make_dataset(tmp_path / "extra", {"yes": speaker_names(4), "up": speaker_names(4)})
    ws.datasets.set_folders([DatasetFolder(speech), DatasetFolder(extra, 0.5)])
    ws.settings.set_spec_settings(MASKS)
    ws.settings.keywords.setText("yes,no,up")
    ws.settings.keywords.editingFinished.emit()  # the user leaves the field
    assert ws.preview_button.isEnabled()
    qtbot.mouseClick(ws.preview_button, Qt.MouseButton.LeftButton)
    assert ws.preview.running and not ws.train_button.isEnabled() and ws.cancel_button.isEnabled()
    assert not ws.settings.isEnabled() and not ws.datasets.isEnabled()  # the form is what is being previewed
    _wait_for_preview(ws, qtbot)

    args = build_parser().parse_args(list(ws.preview.process.arguments))
    given = [DatasetArg.parse(text) for text in args.dataset]
    assert [DatasetFolder(d.path, d.weight) for d in given] == [DatasetFolder(speech), DatasetFolder(extra, 0.5)]
    assert args.settings == ["augmentation.mask_share=1.0"] and args.keywords == "yes,no,up"
    assert (args.spec, args.out, args.preview_augmentation) == (str(quick_spec), tmp_path / "run", PREVIEW_SAMPLES)

    folder = tmp_path / "run" / PREVIEW
    view = ws.preview.view
    assert view is not None and view.isVisible() and not view.isModal(), ws.phase.text()
    written = index_rows(folder)
    assert len(written) == PREVIEW_SAMPLES == view.table.rowCount()
    classes = [view.table.item(row, CLASS_COLUMN).text() for row in range(view.table.rowCount())]
    assert classes == [values["class"] for values in written]
    assert set(classes) == {"yes", "no", "up", "_unknown_", "_silence_"}  # the form's keywords
    assert all("mask" in view.table.item(row, TRANSFORMS_COLUMN).text() for row in range(len(written)))
    assert ws.phase.text() == (f"Wrote {PREVIEW_SAMPLES} augmented samples (WAV and spectrogram PNG each) and "
                               f"index.csv to {folder}.")
    assert ws.progress.value() == PROGRESS_STEPS and ws.host.errors == []
    assert ws.train_button.isEnabled() and not ws.cancel_button.isEnabled() and ws.preview_button.isEnabled()

    view.table.selectRow(5)
    png = folder / written[5]["spectrogram"]
    assert np.array_equal(grey_pixels(view.image.pixmap.toImage()), grey_pixels(QImage(str(png))))
    calls = played_calls(monkeypatch)
    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    samples, rate = sf.read(str(folder / written[5]["audio"]), dtype="int16")
    assert len(calls) == 1 and calls[0][1] == rate and np.array_equal(calls[0][0], samples)

    assert ws.preview.start()  # again: the same window shows the new preview
    _wait_for_preview(ws, qtbot)
    assert ws.preview.view is view and view.table.rowCount() == PREVIEW_SAMPLES


@pytest.mark.skipif(not Path("/proc/self/cmdline").is_file(), reason="reads the child's command line from /proc")
def test_the_preview_runs_the_command_train_runs(ws, qtbot, speech: Path) -> None:
    """Train's own child, read back from /proc, has the preview's arguments but --preview-augmentation N."""
    ws.datasets.set_folders([DatasetFolder(speech, 2.0)])
    ws.settings.set_spec_settings(MASKS)
    assert ws.preview.start()
    _wait_for_preview(ws, qtbot)
    previewed = list(ws.preview.process.arguments)
    assert ws.start()  # the folder holds no run, only the preview: Train takes it
    command = running_child_command(qtbot, ws)
    trained = [arg for arg in command[command.index("train"):] if arg]
    at = previewed.index("--preview-augmentation")
    assert previewed[at + 1] == str(PREVIEW_SAMPLES)
    assert previewed[:at] + previewed[at + 2:] == trained


def test_a_run_in_the_output_folder_is_left_alone(ws, qtbot, tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "train").mkdir(parents=True)
    record = TrainRequest(datasets=(), out=run, spec="tflite_micro_speech").to_record()
    (run / RUN_FILE).write_text(json.dumps(record), encoding="utf-8")
    (run / "train" / "log.txt").write_text("epoch 1 ...\n", encoding="utf-8")
    (run / "train" / "weights.keras").write_bytes(bytes(range(256)))
    ws.settings.choose_out_folder(run)
    assert ws.resume_button.isEnabled() and ws.preview_button.isEnabled()  # Train would refuse it, the preview not
    before = folder_files(run)
    assert ws.preview.start()
    _wait_for_preview(ws, qtbot)
    assert ws.preview.view is not None, ws.phase.text()
    assert folder_files(run) == before
    assert sorted(path.name for path in run.iterdir()) == sorted([RUN_FILE, "train", PREVIEW])  # no lock file left
    assert ws.resume_button.isEnabled()  # the stopped run is still there to resume


def test_cancel_stops_the_child_and_the_view_lists_the_samples_it_finished(ws, qtbot, speech: Path,
                                                                         tmp_path: Path) -> None:
    """A long preview cancelled: the window lists the samples the child finished, says it was cancelled after K of
    N, and plays them (it showed an empty list, though the child had left those samples and their index)."""
    assert ws.preview.start()
    _wait_for_preview(ws, qtbot)
    view = ws.preview.view
    assert view is not None and view.table.rowCount() == PREVIEW_SAMPLES, ws.phase.text()
    ws.datasets.set_folders([DatasetFolder(speech, 10.0)])
    ws.preview.count = SLOW_SAMPLES
    ws.preview.progress.connect(lambda done: done > 0 and ws.cancel_button.isEnabled() and ws.cancel_button.click())
    assert ws.preview.start()
    assert view.table.rowCount() == 0  # the new preview removes the files the list named
    pid = ws.preview.process.pid
    _wait_for_preview(ws, qtbot)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped
    folder = tmp_path / "run" / PREVIEW
    written = index_rows(folder)  # the samples written before Cancel stay, listed: a consistent folder
    assert 0 < len(written) < SLOW_SAMPLES  # stopped while it wrote samples
    assert sorted(path.name for path in folder.glob("*.wav")) == sorted(row["audio"] for row in written)
    assert [path.name for path in (tmp_path / "run").iterdir()] == [PREVIEW]  # it let go of the folder: no lock
    assert ws.phase.text() == (f"Augmentation preview cancelled after {len(written)} of {SLOW_SAMPLES} samples; the "
                               "preview window lists them.") and ws.host.errors == []
    assert ws.preview.view is view and view.isVisible() and view.table.rowCount() == len(written)
    assert [view.table.item(row, CLASS_COLUMN).text() for row in range(len(written))] == [
        values["class"] for values in written]
    assert view.summary.text().startswith(f"Cancelled after {len(written)} of {SLOW_SAMPLES} samples of the first "
                                          "epoch of spec quick_kws, augmented as the training augments them: ")
    assert view.selected_row() is view.rows[0] and view.play_button.isEnabled()
    assert ws.progress.value() == int(PROGRESS_STEPS * len(written) / SLOW_SAMPLES)
    assert ws.train_button.isEnabled() and not ws.cancel_button.isEnabled() and ws.preview_button.isEnabled()


def test_a_cancelled_preview_whose_files_do_not_add_up_is_not_shown(ws, qtbot, written_preview: Path) -> None:
    """The child's last line names the folder, but its record counts other samples than its index lists, or a
    sample's file is gone: the list stays empty and the status line says why."""
    record_path = written_preview / "preview.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    written = record["written"]
    record.update(interrupted=True, chosen=PREVIEW_SAMPLES, written=written + 1)
    record_path.write_text(json.dumps(record), encoding="utf-8")
    message = f"interrupted: {written + 1} of {PREVIEW_SAMPLES} samples written to {written_preview}"
    ws.preview.process.finished.emit(CANCELLED, message, str(written_preview))
    assert ws.phase.text() == (f"Augmentation preview cancelled; the samples it wrote cannot be shown: "
                               f"{written_preview / 'index.csv'} lists {written} samples where {record_path} counts "
                               f"{written + 1} written.")
    assert ws.preview.view is None and ws.progress.value() == 0 and ws.host.errors == []

    record.update(written=written)  # as the child leaves it: shown ...
    record_path.write_text(json.dumps(record), encoding="utf-8")
    ws.preview.process.finished.emit(CANCELLED, message, str(written_preview))
    view = ws.preview.view
    assert view is not None and view.table.rowCount() == written, ws.phase.text()
    next(written_preview.glob("*.png")).unlink()  # ... unless a sample's file is gone
    ws.preview.process.finished.emit(CANCELLED, message, str(written_preview))
    assert ws.phase.text().startswith("Augmentation preview cancelled; the samples it wrote cannot be shown: ")
    assert ws.phase.text().endswith(" is missing.") and view.table.rowCount() == 0


def test_a_failure_is_one_sentence_in_the_status_line(ws, qtbot) -> None:
    ws.settings.set_spec_settings({"augmentation.mask_share": "2"})  # kws train refuses it
    assert ws.preview.start()
    _wait_for_preview(ws, qtbot)
    sentence = ws.phase.text()
    assert sentence.startswith("Augmentation preview failed: ") and "mask_share" in sentence, sentence
    assert "\n" not in sentence and "Traceback" not in sentence and sentence.endswith(".")
    assert ws.host.errors == [] and ws.preview.view is None and ws.progress.value() == 0
    assert ws.train_button.isEnabled() and ws.preview_button.isEnabled()


def test_the_button_follows_the_forms_checks_and_has_its_own_alt_letter(training_workspace, tmp_path: Path) -> None:
    ws = training_workspace
    assert not ws.preview_button.isEnabled()  # no dataset, no output folder
    (tmp_path / "data").mkdir()
    ws.datasets.add_folder(tmp_path / "data")
    assert not ws.preview_button.isEnabled()
    ws.settings.out.setText("runs/relative")
    assert not ws.preview_button.isEnabled()
    assert not ws.preview.start() and ws.phase.text().startswith("Give the output folder as a full path")
    ws.settings.out.setText(str(tmp_path / "run"))
    assert ws.preview_button.isEnabled()
    ws.settings.keywords.setText("")
    ws.settings.keywords.editingFinished.emit()
    assert not ws.preview_button.isEnabled()
    ws.settings.keywords.setText("yes")
    ws.settings.keywords.editingFinished.emit()
    assert ws.preview_button.isEnabled()
    ws.datasets.set_folders([])
    assert not ws.preview_button.isEnabled()
    found = control_shortcuts(ws)
    assert Shortcut("Alt+A", "Preview augmentation…", ws.preview_button.toolTip()) in found
    assert [shortcut.keys for shortcut in found].count("Alt+A") == 1
