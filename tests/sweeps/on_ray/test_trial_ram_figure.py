"""A trial checks the same RAM figure before training (the spec's estimate) and after it (the trained model),
and shows that figure in the results: the CPU-only arena with accelerator = "none", the MVP arena with "mvp".

The trial runs outside Tune here (no Ray instance: its checks need none); the trained model is MLTK's
reference model (arena 9,248 B on the CPU, 11,264 B with the MVP; its summary's runtime_memory_size is the
larger one, as kws train stores it).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.run_folder_layout import SUMMARY_FILE, SUMMARY_MODEL_KEY
from workbench.sweeps.budget.spec_graph import estimate_spec
from workbench.sweeps.definition.sweep_file import SweepFile, load_sweep
from workbench.sweeps.definition.trial_spec import trial_spec
from workbench.sweeps.reporting.results import FINISHED, REJECTED
from workbench.sweeps.sweep_preflight import CANCEL_MARKER

from sweep_data import sweep_text, write_sweep

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")

from workbench.sweeps.on_ray.trial_runner import KwsTrainTrial, TrialContext  # noqa: E402

REFERENCE_MODEL = "tflite_micro_speech.tflite"
REFERENCE_ARENA_CPU, REFERENCE_ARENA_MVP = 9248, 11264  # its estimated arenas (docs/profiler.md: 9.2k, 11.3k)
BETWEEN_KB = 10  # a RAM budget the CPU-only arena meets and the MVP arena does not


def _sweep(tmp_path: Path, board: str) -> SweepFile:
    (tmp_path / "data" / "yes").mkdir(parents=True)
    return load_sweep(write_sweep(tmp_path, sweep_text(tmp_path / "data", board=board)))


def _trial(sweep: SweepFile, trials_dir: Path) -> KwsTrainTrial:
    """A trial object as Tune's worker holds it, without Tune (``trial_id`` is then "default"), in the trials folder
    the sweep's driver made."""
    trials_dir.mkdir(exist_ok=True)
    trial = KwsTrainTrial.__new__(KwsTrainTrial)
    trial._trial_info = None
    trial.setup({"params": {"layers.1.filters": 4}, "seed": 1}, TrialContext(sweep=sweep, trials_dir=trials_dir))
    return trial


def test_the_estimate_checked_and_shown_is_the_cpu_arena_without_the_accelerator(tmp_path: Path) -> None:
    sweep = _sweep(tmp_path, 'flash_kb = 1\nram_kb = 1000\naccelerator = "none"')  # rejected: flash alone
    trial = _trial(sweep, tmp_path / "trials")
    estimate = estimate_spec(trial_spec(sweep, "tflite_micro_speech", {"layers.1.filters": 4}), accelerator="none")
    assert estimate.arena_bytes < estimate.arena_bytes_mvp
    assert trial.record.status == REJECTED
    assert trial.record.estimated_arena_bytes == estimate.arena_bytes
    assert "RAM" not in trial.record.message


def _finished_run(trial: KwsTrainTrial, shared_dir: Path) -> None:
    """The trial folder as a finished kws train leaves it: the model and its summary."""
    shutil.copy(shared_dir / "reference-models" / REFERENCE_MODEL, trial.folder / REFERENCE_MODEL)
    summary = {SUMMARY_MODEL_KEY: REFERENCE_MODEL, "flash_bytes": (trial.folder / REFERENCE_MODEL).stat().st_size,
               "runtime_memory_size": REFERENCE_ARENA_MVP, "epochs": 2,
               "validation_evaluation": {"balanced_accuracy": 0.9}}
    (trial.folder / SUMMARY_FILE).write_text(json.dumps(summary), encoding="utf-8")


@pytest.mark.parametrize(("accelerator", "status", "arena"), [("none", FINISHED, REFERENCE_ARENA_CPU),
                                                              ("mvp", REJECTED, REFERENCE_ARENA_MVP)])
def test_the_trained_model_is_checked_on_the_boards_own_arena(tmp_path: Path, shared_dir: Path, accelerator: str,
                                                              status: str, arena: int) -> None:
    sweep = _sweep(tmp_path, f'ram_kb = {BETWEEN_KB}\naccelerator = "{accelerator}"')
    (tmp_path / "trials").mkdir()
    (tmp_path / "trials" / CANCEL_MARKER).touch()  # the trial then sets itself up without starting kws train
    trial = _trial(sweep, tmp_path / "trials")
    assert trial.child is None
    _finished_run(trial, shared_dir)
    trial._score()
    assert (trial.record.status, trial.record.arena_bytes) == (status, arena)
