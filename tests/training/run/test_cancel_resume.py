"""A run stopped mid-epoch keeps its best checkpoint, and resuming it gives the uninterrupted run's model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from workbench.child_command import STOP_FILE_NAME
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.model.keras_builder import keras  # noqa: E402
from workbench.training.run.pipeline import run_training  # noqa: E402

EPOCHS = 3


class StopAt:
    """Creates the run's stop file at the first batch of ``epoch`` (as the GUI's Cancel does)."""

    def __init__(self, stop_file: Path, epoch: int, batch: int = 2) -> None:
        self.stop_file, self.epoch, self.batch = stop_file, epoch, batch
        self.events: list[dict[str, Any]] = []

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if event["event"] == "batch" and event["epoch"] == self.epoch and event["batch"] == self.batch:
            self.stop_file.touch()


def _request(dataset: Path, out: Path, spec: Path, **changes: Any) -> TrainRequest:
    base = dict(datasets=(DatasetArg(dataset),), out=out, spec=str(spec), epochs=EPOCHS, workers=1, evaluate=False)
    base.update(changes)
    return TrainRequest(**base)  # type: ignore[arg-type]


def _weights(path: Path) -> list[np.ndarray]:
    return [np.asarray(w) for w in keras.models.load_model(path).get_weights()]


def test_cancel_mid_epoch_keeps_the_best_checkpoint_and_resume_matches_an_uninterrupted_run(
        speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    stopped = tmp_path / "stopped"
    stopper = StopAt(stopped / STOP_FILE_NAME, epoch=2)
    outcome = run_training(_request(speech_slice, stopped, quick_spec), Progress(stopper),
                           CancelToken(stopped / STOP_FILE_NAME))

    assert outcome.status == "cancelled"
    assert not (stopped / "quick_kws.tflite").exists()  # no model from a stopped run
    state = json.loads((stopped / "train" / "state.json").read_text())
    assert state["epochs_done"] == 1 and state["best_epoch"] == 1  # the unfinished epoch 2 is discarded
    assert (stopped / "train" / "checkpoints" / state["files"]["best"]).is_file()
    assert (stopped / "train" / "checkpoints" / state["files"]["last"]).is_file()
    assert [e["phase"] for e in stopper.events][-1] == "cancelled"
    batches = [e for e in stopper.events if e["event"] == "batch" and e["epoch"] == 2]
    assert batches[-1]["batch"] < batches[-1]["batches"]  # it stopped inside the epoch
    assert len((stopped / "train" / "training-history.csv").read_text().splitlines()) == 2

    (stopped / STOP_FILE_NAME).unlink(missing_ok=True)
    resumed = run_training(TrainRequest(datasets=(), out=stopped, resume=True), Progress(), CancelToken())
    assert resumed.status == "done"
    straight = run_training(_request(speech_slice, tmp_path / "straight", quick_spec), Progress(), CancelToken())
    assert straight.status == "done"

    for a, b in zip(_weights(stopped / "quick_kws.keras"), _weights(tmp_path / "straight" / "quick_kws.keras")):
        np.testing.assert_array_equal(a, b)  # same data, order, dropout masks and optimizer state
    history = lambda run: json.loads((run / "train" / "training-history.json").read_text())  # noqa: E731
    assert history(stopped) == history(tmp_path / "straight")


def test_resume_with_no_more_epochs_finishes_from_the_best_checkpoint(
        speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    stopper = StopAt(out / STOP_FILE_NAME, epoch=2, batch=1)
    assert run_training(_request(speech_slice, out, quick_spec), Progress(stopper),
                        CancelToken(out / STOP_FILE_NAME)).status == "cancelled"
    (out / STOP_FILE_NAME).unlink()
    finished = run_training(TrainRequest(datasets=(), out=out, resume=True, epochs=0), Progress(), CancelToken())
    assert finished.status == "done" and (out / "quick_kws.tflite").is_file()
    assert json.loads((out / "summary.json").read_text())["epochs"] == 1


class StopAtPhase:
    """Creates the run's stop file when ``phase`` starts: after the last epoch, while the run finishes."""

    def __init__(self, stop_file: Path, phase: str) -> None:
        self.stop_file, self.phase = stop_file, phase
        self.events: list[dict[str, Any]] = []

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if event["phase"] == self.phase and event["event"] == "start":
            self.stop_file.touch()


@pytest.mark.parametrize("phase, step", [("convert", "the conversion"),
                                         ("evaluate", "the evaluation on the validation split")])
def test_a_stop_while_finishing_ends_a_stopped_run_that_resume_finishes(
        speech_slice: Path, quick_spec: Path, tmp_path: Path, phase: str, step: str) -> None:
    out = tmp_path / "run"
    stopper = StopAtPhase(out / STOP_FILE_NAME, phase)
    outcome = run_training(_request(speech_slice, out, quick_spec, epochs=1, evaluate=True), Progress(stopper),
                           CancelToken(out / STOP_FILE_NAME))

    assert outcome.status == "cancelled" and outcome.model_path is None
    last = stopper.events[-1]
    assert last["phase"] == "cancelled" and f"stopped during {step}, after 1 epoch (" in last["message"]
    assert "--resume" in last["message"]
    assert "write" not in {e["phase"] for e in stopper.events}  # nothing of the model was written
    assert not any((out / name).exists() for name in ("quick_kws.tflite", "quick_kws.float32.tflite",
                                                      "quick_kws.keras", "summary.json", "eval"))
    state = json.loads((out / "train" / "state.json").read_text())
    assert (out / "train" / "checkpoints" / state["files"]["best"]).is_file()

    (out / STOP_FILE_NAME).unlink()
    resumed = run_training(TrainRequest(datasets=(), out=out, resume=True), Progress(), CancelToken())
    assert resumed.status == "done" and (out / "quick_kws.tflite").is_file()
    assert json.loads((out / "summary.json").read_text())["epochs"] == 1
