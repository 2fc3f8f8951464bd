"""A trial's frr calibration makes no folder it does not own: a trial folder deleted (or moved) while ``kws calibrate``
replays its model is not made again by the calibration's files -- it used to be, with only a ``calibration/`` in it,
because ``kws calibrate --out`` makes the folders above its own -- and the trial fails with one sentence.

The trial runs outside Tune (no Ray instance: its scoring needs none) on MLTK's reference model as the finished run's
model; the calibration is the real ``kws calibrate`` child, which removes the trial folder just before it writes its
files (the moment the sweep's user may delete it: the replay takes minutes on a real stream).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.core.folder_lock import gone_sentence
from workbench.sweeps.definition import objectives
from workbench.sweeps.definition.objectives import ObjectiveStream
from workbench.sweeps.definition.sweep_file import load_sweep
from workbench.sweeps.reporting.results import FAILED, FINISHED
from workbench.sweeps.sweep_preflight import CANCEL_MARKER

from sweep_data import sweep_text, write_sweep

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")

from tests.sweeps.on_ray.test_trial_ram_figure import _finished_run  # noqa: E402
from workbench.sweeps.on_ray.child_process import ChildProcess  # noqa: E402
from workbench.sweeps.on_ray.trial_runner import (CALIBRATION_DIR, CHILD_STDERR_FILE, KwsTrainTrial,  # noqa: E402
                                                  TrialContext)

STREAM_MINUTES = 0.5
FRR_OBJECTIVE = f'\n[objective]\nmetric = "frr"\nstream_minutes = {STREAM_MINUTES}\n'
# kws calibrate as the sweep runs it, but the folder named first is removed ("rm -rf") just before it writes its files
CALIBRATE_AFTER_REMOVAL = """
import shutil
import sys

import workbench.calibration.results.output_files as output_files
from workbench.cli.main import main

removed = sys.argv.pop(1)
write = output_files._write_outputs


def written_after_removal(*args, **kwargs):
    shutil.rmtree(removed)
    return write(*args, **kwargs)


output_files._write_outputs = written_after_removal
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> ObjectiveStream:
    """A short stream of the shared dataset, with its labels: what the sweep's ``kws stream make`` leaves."""
    audio = tmp_path_factory.mktemp("objective") / "validation-stream.wav"
    write_stream(make_dataset_stream([shared_dir / "datasets" / "speech_commands"],
                                     StreamRecipe(minutes=STREAM_MINUTES, seed=5)), audio)
    return ObjectiveStream(audio, audio.with_suffix(".json"))


def _finished_trial(tmp_path: Path, shared_dir: Path, stream: ObjectiveStream) -> KwsTrainTrial:
    """A frr trial whose kws train has finished (its model and summary in its folder; a child that ended well in its
    place), about to be scored."""
    (tmp_path / "data" / "yes").mkdir(parents=True)
    sweep = load_sweep(write_sweep(tmp_path, sweep_text(tmp_path / "data") + FRR_OBJECTIVE))
    trials = tmp_path / "trials"
    trials.mkdir()
    (trials / CANCEL_MARKER).touch()  # the trial then sets itself up without starting kws train
    trial = KwsTrainTrial.__new__(KwsTrainTrial)
    trial._trial_info = None
    trial.setup({"params": {"layers.1.filters": 4}, "seed": 1},
                TrialContext(sweep=sweep, trials_dir=trials, stream=stream))
    (trials / CANCEL_MARKER).unlink()
    _finished_run(trial, shared_dir)
    trial.child, trial.final = ChildProcess([sys.executable, "-c", ""], trial.folder / CHILD_STDERR_FILE), None
    return trial


def test_a_trial_is_scored_with_its_calibration_in_its_folder(tmp_path: Path, shared_dir: Path,
                                                              stream: ObjectiveStream) -> None:
    trial = _finished_trial(tmp_path, shared_dir, stream)
    trial._finish("")
    assert trial.record.status == FINISHED, trial.record.message
    calibration = trial.folder / CALIBRATION_DIR
    assert {"calibration.json", "sweep.csv", "scores.npz"} <= {path.name for path in calibration.iterdir()}
    assert trial.record.frr is not None and trial.record.detection


def test_a_trial_folder_removed_during_its_calibration_is_not_made_again(tmp_path: Path, shared_dir: Path,
                                                                         stream: ObjectiveStream,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    trial = _finished_trial(tmp_path, shared_dir, stream)
    monkeypatch.setattr(objectives, "kws_command",
                        lambda *args: [sys.executable, "-c", CALIBRATE_AFTER_REMOVAL, str(trial.folder), *args])
    trial._finish("")
    assert not trial.folder.exists()  # no trial folder holding a calibration/ alone
    assert (trial.record.status, trial.record.message) == (FAILED, gone_sentence(trial.folder))
    assert (tmp_path / "trials").is_dir()  # (the trials folder itself stays, as the sweep left it)
