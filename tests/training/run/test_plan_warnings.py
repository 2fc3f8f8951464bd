"""A run says before it trains that a class has too few training clips (the ``[plan]`` lines)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training_data import SLICE, copy_slice  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402

FEW_NO_CLIPS = 12  # fewer than MIN_TRAINING_SAMPLES land in training whatever the split


class StopAfterPlan:
    """Keeps the ``plan`` messages and stops the run at its next check, before any training."""

    def __init__(self, cancel: CancelToken) -> None:
        self.cancel = cancel
        self.plan: list[str] = []

    def emit(self, event: dict[str, Any]) -> None:
        if event["phase"] == "plan":
            self.plan.append(event["message"])
            self.cancel.set("enough: the plan was said")


def _plan_lines(dataset: Path, out: Path, spec: Path) -> list[str]:
    cancel = CancelToken()
    sink = StopAfterPlan(cancel)
    request = TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec=str(spec), epochs=1, workers=1,
                           evaluate=False)
    run_training(request, Progress(sink), cancel)
    return sink.plan


def test_a_class_with_few_training_clips_is_warned_about_before_training(
        shared_dir: Path, tmp_path: Path, quick_spec: Path) -> None:
    sparse = copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "sparse",
                        {**SLICE, "no": FEW_NO_CLIPS})
    lines = _plan_lines(sparse, tmp_path / "run", quick_spec)
    assert lines[0].startswith("training: ")
    warnings = [line for line in lines if line.startswith("warning:")]
    assert len(warnings) == 1 and "no (" in warnings[0] and "yes (" not in warnings[0]
    assert "add clips of them" in warnings[0]


def test_enough_clips_of_every_class_gives_no_warning(speech_slice: Path, tmp_path: Path, quick_spec: Path) -> None:
    lines = _plan_lines(speech_slice, tmp_path / "run", quick_spec)
    assert [line.split(":")[0] for line in lines] == ["training", "validation", "testing"]
