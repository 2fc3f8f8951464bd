"""A full disk while a run writes its checkpoints or its Keras files: one sentence, no temporary files, resumable.

The disk is a real small tmpfs (mounting needs root; the tests are skipped otherwise). It is filled
either by its size (the ``kws train`` child: the checkpoint does not fit) or by a file written at a
chosen progress event (in process), so the failing write is always the one under test.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from small_disk import fill, mounted_tmpfs, resize  # noqa: E402

from workbench.child_command import kws_command  # noqa: E402
from workbench.core.errors import WorkbenchError  # noqa: E402
from workbench.training.run.cancel import CancelToken  # noqa: E402
from workbench.training.run.progress import Progress  # noqa: E402
from workbench.training.run.run_request import DatasetArg, TrainRequest  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.model.keras_builder import keras  # noqa: E402
from workbench.training.run.pipeline import run_training  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
# the first checkpoint's .keras (~230 kB) fits, its best weights (~230 kB more) do not: the HDF5 write fails
CHECKPOINT_DISK = "400k"
ROOMY_DISK = "16m"
DISK_FULL = os.strerror(errno.ENOSPC)


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of ``CHECKPOINT_DISK``, unmounted after the test."""
    with mounted_tmpfs(tmp_path / "disk", CHECKPOINT_DISK) as disk:
        yield disk


@pytest.fixture()
def roomy_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of ``ROOMY_DISK`` (filled by the test when it wants), unmounted after the test."""
    with mounted_tmpfs(tmp_path / "disk", ROOMY_DISK) as disk:
        yield disk


class FillAt:
    """Fills the disk at the first progress event with ``phase`` and ``event`` (and ``epoch``, when given)."""

    def __init__(self, disk: Path, phase: str, event: str, epoch: int | None = None) -> None:
        self.disk, self.phase, self.event, self.epoch = disk, phase, event, epoch
        self.filler: Path | None = None

    def emit(self, event: dict[str, Any]) -> None:
        if self.filler is None and event.get("phase") == self.phase and event.get("event") == self.event and \
                (self.epoch is None or event.get("epoch") == self.epoch):
            self.filler = fill(self.disk)


def _request(dataset: Path, out: Path, spec: Path, epochs: int) -> TrainRequest:
    return TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec=str(spec), epochs=epochs, workers=1,
                        evaluate=False)


def _hidden(folder: Path) -> list[Path]:
    """Temporary files (all are hidden: atomic_write's and Keras' staging names start with a dot)."""
    return [p for p in folder.rglob(".*")]


def _resume(out: Path) -> None:
    outcome = run_training(TrainRequest(datasets=(), out=out, resume=True), Progress(), CancelToken())
    assert outcome.status == "done" and (out / "quick_kws.tflite").is_file()


def test_kws_train_on_a_full_disk_exits_2_with_one_sentence_and_resumes_once_there_is_room(
        speech_slice: Path, quick_spec: Path, small_disk: Path) -> None:
    out = small_disk / "run"
    args = ("train", "--dataset", str(speech_slice), "--out", str(out), "--spec", str(quick_spec), "--epochs", "1",
            "--progress", "none")
    failed = subprocess.run(kws_command(*args), capture_output=True, text=True, cwd=REPO)

    assert failed.returncode == 2  # not 139: no HDF5 file left open to crash the interpreter at exit
    last = failed.stderr.strip().splitlines()[-1]
    assert re.fullmatch(rf"kws: error: Cannot write {re.escape(str(out))}/train/checkpoints/[\w.-]+: "
                        rf"{DISK_FULL}\.", last), failed.stderr
    assert "Traceback" not in failed.stderr and "h5py" not in failed.stderr
    assert _hidden(out) == []
    assert sorted(p.name for p in (out / "train" / "checkpoints").iterdir()) == []  # this epoch's files removed
    assert (out / "run.json").is_file()  # the epoch was trained: the run is kept for --resume

    resize(small_disk, ROOMY_DISK)
    resumed = subprocess.run(kws_command("train", "--out", str(out), "--resume", "--progress", "none"),
                             capture_output=True, text=True, cwd=REPO)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((out / "summary.json").read_text())["epochs"] == 1


def test_a_checkpoint_that_does_not_fit_keeps_the_previous_one(speech_slice: Path, quick_spec: Path,
                                                                roomy_disk: Path) -> None:
    out = roomy_disk / "run"
    filler = FillAt(roomy_disk, "train", "epoch", epoch=1)  # after epoch 1's checkpoint, before epoch 2's
    with pytest.raises(WorkbenchError) as failure:
        run_training(_request(speech_slice, out, quick_spec, epochs=2), Progress(filler), CancelToken())

    checkpoints = out / "train" / "checkpoints"
    assert str(failure.value) == f"Cannot write {checkpoints / 'last-0002.keras'}: {DISK_FULL}."
    assert _hidden(out) == []
    state = json.loads((out / "train" / "state.json").read_text())
    assert state["epochs_done"] == 1
    assert sorted(p.name for p in checkpoints.iterdir()) == sorted(state["files"].values())
    keras.models.load_model(checkpoints / state["files"]["last"])  # intact and readable

    assert filler.filler is not None
    filler.filler.unlink()
    _resume(out)
    assert json.loads((out / "summary.json").read_text())["epochs"] == 2


def test_a_keras_model_that_does_not_fit_names_its_file_and_the_run_finishes_on_resume(
        speech_slice: Path, quick_spec: Path, roomy_disk: Path) -> None:
    out = roomy_disk / "run"
    filler = FillAt(roomy_disk, "write", "start")  # just before the .keras and .h5 files are written
    with pytest.raises(WorkbenchError) as failure:
        run_training(_request(speech_slice, out, quick_spec, epochs=1), Progress(filler), CancelToken())

    assert str(failure.value) == f"Cannot write {out / 'quick_kws.keras'}: {DISK_FULL}."
    assert _hidden(out) == []
    assert not (out / "quick_kws.keras").exists() and not (out / "quick_kws.h5").exists()

    assert filler.filler is not None
    filler.filler.unlink()
    _resume(out)  # epochs done = epochs asked: it finishes from the best checkpoint at once
    for suffix in (".keras", ".h5"):
        keras.models.load_model(out / f"quick_kws{suffix}")
