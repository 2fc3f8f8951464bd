"""A training run gives TensorFlow one thread per CPU the run may use (its affinity), not per CPU of the machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from one_cpu import narrowed_to_one_cpu

from workbench.core.errors import WorkbenchError
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.model import keras_builder  # noqa: E402
from workbench.training.run.pipeline import run_training  # noqa: E402

SEEN = "threads seen"  # the recorder's stop: the run ends where TensorFlow would be configured


def test_tensorflow_gets_one_thread_on_one_usable_cpu(speech_slice: Path, tmp_path: Path, quick_spec: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []

    def record(seed: int, count: int) -> None:
        threads.append(count)
        raise WorkbenchError(SEEN)

    monkeypatch.setattr(keras_builder, "configure_tensorflow", record)
    request = TrainRequest(datasets=(DatasetArg(speech_slice),), out=tmp_path / "run", spec=str(quick_spec),
                           epochs=1, workers=1, evaluate=False)
    with narrowed_to_one_cpu(), pytest.raises(WorkbenchError, match=SEEN):
        run_training(request, Progress(), CancelToken())
    assert threads == [1]
