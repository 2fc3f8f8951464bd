"""A run's log is on disk after every epoch (a run killed later still says what its epochs did), and a resume with
no checkpoint says it starts from epoch 1 rather than silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workbench.child_command import STOP_FILE_NAME
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402

EPOCHS = 2


class Watch:
    """Reads the run's log from disk at the first batch of ``epoch``; stops the run there (its stop file)."""

    def __init__(self, out: Path, epoch: int) -> None:
        self.out, self.epoch = out, epoch
        self.log_then: str | None = None
        self.events: list[dict[str, Any]] = []

    def emit(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if event["event"] == "batch" and event["epoch"] == self.epoch and event["batch"] == 1:
            log = self.out / "train" / "log.txt"
            self.log_then = log.read_text() if log.exists() else ""
            (self.out / STOP_FILE_NAME).touch()


def _request(dataset: Path, out: Path, spec: Path) -> TrainRequest:
    return TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec=str(spec), epochs=EPOCHS, workers=1,
                        evaluate=False)


def test_the_log_is_written_after_each_epoch(speech_slice: Path, quick_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    watch = Watch(out, epoch=2)
    run_training(_request(speech_slice, out, quick_spec), Progress(watch), CancelToken(out / STOP_FILE_NAME))
    assert watch.log_then and "epoch 1/2" in watch.log_then  # written before epoch 2 began, as SIGKILL would find it


def test_a_resume_without_a_checkpoint_says_it_starts_over(speech_slice: Path, quick_spec: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "run"
    watch = Watch(out, epoch=1)
    outcome = run_training(_request(speech_slice, out, quick_spec), Progress(watch), CancelToken(out / STOP_FILE_NAME))
    assert outcome.status == "cancelled"
    (out / STOP_FILE_NAME).unlink(missing_ok=True)
    events: list[dict[str, Any]] = []

    class Sink:
        def emit(self, event: dict[str, Any]) -> None:
            events.append(event)

    run_training(TrainRequest(datasets=(), out=out, resume=True, epochs=1), Progress(Sink()), CancelToken())
    said = [e.get("message", "") for e in events]
    assert any(m.startswith("no checkpoint to resume from") and m.endswith("training from epoch 1") for m in said)
