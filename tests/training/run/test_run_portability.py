"""A run works whatever its spec is called, and its folder can be resumed from anywhere, moved, with its log kept.

Why these together: they are what a team meets when it shares runs -- spec files named "my spec.toml",
``init_from`` written relative to the spec file or the shell's folder, run folders moved to another disk
and continued by someone else.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from workbench.core.model.model_file import load_model
from workbench.child_command import STOP_FILE_NAME
from workbench.training.run.cancel import CancelToken
from workbench.training.run.progress import Progress
from workbench.training.run.run_request import DatasetArg, TrainRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training_data import QUICK_SPEC  # noqa: E402

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

from workbench.training.run.pipeline import run_training  # noqa: E402

QUICK_NAME_LINE = 'name = "quick_kws"\n'
START_MODEL = "start.tflite"
SEPARATOR_START = "----- resumed "
INITIALISED = f"weights initialised from {START_MODEL}"


class StopEarly:
    """Creates the run's stop file at the second batch of epoch 1: no epoch is saved, so a resumed run
    builds its model again from ``init_from`` -- the case that needs the starting model's path."""

    def __init__(self, stop_file: Path) -> None:
        self.stop_file = stop_file

    def emit(self, event: dict[str, Any]) -> None:
        if event["event"] == "batch" and event["epoch"] == 1 and event["batch"] == 2:
            self.stop_file.touch()


def _stopped_session(request: TrainRequest, out: Path) -> str:
    """Run ``request`` until :class:`StopEarly` stops it; the outcome's status."""
    stop_file = out.resolve() / STOP_FILE_NAME
    status = run_training(request, Progress(StopEarly(stop_file)), CancelToken(stop_file)).status
    stop_file.unlink(missing_ok=True)
    return status


def _resumed_session(out: Path) -> str:
    return _stopped_session(TrainRequest(datasets=(), out=out, resume=True), out)


def _spec_file(path: Path, name_line: str = QUICK_NAME_LINE, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(extra + QUICK_SPEC.format(epochs=1).replace(QUICK_NAME_LINE, name_line), encoding="utf-8")
    return path


def test_a_spec_named_with_spaces_and_accents_trains_into_files_of_that_name(
        speech_slice: Path, tmp_path: Path) -> None:
    spec = _spec_file(tmp_path / "my spec é.toml", name_line="")  # the name falls back to the file's stem
    out = tmp_path / "run"
    request = TrainRequest(datasets=(DatasetArg(speech_slice),), out=out, spec=str(spec), epochs=1, workers=1,
                           evaluate=False)
    outcome = run_training(request, Progress(), CancelToken())

    assert outcome.status == "done" and outcome.model_path == out / "my spec é.tflite"
    assert load_model(out / "my spec é.tflite").name == "my spec é"  # the metadata keeps the user's name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["name"] == "my spec é" and summary["model"] == "my spec é.tflite"
    for suffix in (".float32.tflite", ".keras", ".h5"):
        assert (out / f"my spec é{suffix}").is_file()


def test_init_from_next_to_the_spec_is_found_when_resuming_from_another_folder(
        speech_slice: Path, tmp_path: Path, reference_model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = tmp_path / "spécs"
    spec = _spec_file(specs / "quick.toml", extra=f'init_from = "{START_MODEL}"\n')
    shutil.copy(reference_model_path, specs / START_MODEL)
    out = tmp_path / "run"
    monkeypatch.chdir(tmp_path)
    request = TrainRequest(datasets=(DatasetArg(speech_slice),), out=out, spec=str(spec), epochs=2, workers=1,
                           evaluate=False)
    assert _stopped_session(request, out) == "cancelled"
    stored = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert stored["init_from"] is None  # the spec's, not the command line's
    assert f'init_from = "{(specs / START_MODEL).resolve()}"' in (out / "spec.toml").read_text(encoding="utf-8")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert _resumed_session(out) == "cancelled"  # not "model to start from not found: start.tflite"

    log = (out / "train" / "log.txt").read_text(encoding="utf-8").splitlines()
    separators = [i for i, line in enumerate(log) if line.startswith(SEPARATOR_START)]
    assert len(separators) == 1  # the first session's lines, then the resumed session's
    first, second = log[:separators[0]], log[separators[0] + 1:]
    assert any(INITIALISED in line for line in first) and any(INITIALISED in line for line in second)
    assert "stopped after 0 epochs" in first[-1] and "stopped after 0 epochs" in second[-1]
    assert "no epoch finished, so there is no checkpoint" in first[-1] and "epoch 0" not in first[-1]


def test_a_relative_init_from_and_out_survive_a_moved_folder_resumed_from_elsewhere(
        speech_slice: Path, tmp_path: Path, reference_model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(reference_model_path, tmp_path / START_MODEL)
    spec = _spec_file(tmp_path / "specs" / "quick.toml")
    (tmp_path / "cwd1").mkdir()
    monkeypatch.chdir(tmp_path / "cwd1")
    typed_out = Path("../runs/runC")
    request = TrainRequest(datasets=(DatasetArg(speech_slice),), out=typed_out, spec=str(spec), epochs=2,
                           workers=1, evaluate=False, init_from=f"../{START_MODEL}")
    assert _stopped_session(request, typed_out) == "cancelled"
    stored = json.loads((tmp_path / "runs" / "runC" / "run.json").read_text(encoding="utf-8"))
    assert stored["init_from"] == str((tmp_path / START_MODEL).resolve())
    assert stored["out"] == str((tmp_path / "runs" / "runC").resolve())

    moved = tmp_path / "moved" / "Run C été"
    moved.parent.mkdir()
    shutil.move(tmp_path / "runs" / "runC", moved)
    deeper = tmp_path / "a" / "b"  # where "../start.tflite" names no file
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    assert _resumed_session(moved) == "cancelled"
    assert INITIALISED in (moved / "train" / "log.txt").read_text(encoding="utf-8")
