"""Every place that sizes its work by the CPUs counts those this process may use (its affinity), not the machine's.

Run with the calling thread narrowed to one CPU (:mod:`one_cpu`, a real affinity as ``taskset`` sets): each place
must then choose one, where it chose ``os.cpu_count()`` before. Training's TensorFlow threads:
``tests/training/run/test_tensorflow_threads.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Callable

import pytest
from one_cpu import narrowed_to_one_cpu

from workbench.calibration.sweep.sweep_workers import MIN_WORK_FOR_WORKERS, SweepWorkers
from workbench.core.frontend_settings import FrontendSettings
from workbench.evaluation import clip_scores
from workbench.synthesis import dataset_builder
from workbench.sweeps.trial_slots import local_cpus
from workbench.training.data.features import FeatureMaker, FeatureSettings
from workbench.training.spec import AugmentationSettings
from workbench.usable_cpus import usable_cpus

WAIT_S = 60  # a safety net for a hung child, not a timing assertion


def _feature_workers() -> int:
    """The feature processes ``kws train`` starts when --workers is left out."""
    with FeatureMaker(FeatureSettings(FrontendSettings(), AugmentationSettings(), (), seed=0)) as maker:
        return maker.workers


def _calibration_sweep_workers() -> int:
    """The processes a sweep large enough for workers gets when --workers is left out."""
    return SweepWorkers().count_for(sets=MIN_WORK_FOR_WORKERS, inferences=1)


CHOICES: dict[str, Callable[[], int]] = {
    "evaluation workers": clip_scores.default_workers,
    "synthesis workers": dataset_builder.default_workers,
    "feature workers": _feature_workers,
    "calibration sweep workers": _calibration_sweep_workers,
    "local Ray CPUs": lambda: local_cpus(None),
}


@pytest.mark.parametrize("place", sorted(CHOICES))
def test_each_place_chooses_one_worker_on_one_usable_cpu(place: str) -> None:
    with narrowed_to_one_cpu():
        chosen = CHOICES[place]()
    assert chosen == 1, f"{place}: {chosen} on one usable CPU of the machine's {os.cpu_count()}"


def test_the_evaluation_keeps_its_cap_of_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    many = set(range(clip_scores.MAX_DEFAULT_WORKERS * 2))  # a process allowed on more CPUs than the cap
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: many, raising=False)
    assert clip_scores.default_workers() == clip_scores.MAX_DEFAULT_WORKERS


def test_a_process_started_under_a_narrowed_affinity_counts_one_cpu() -> None:
    code = "from workbench.usable_cpus import usable_cpus; print(usable_cpus())"
    with narrowed_to_one_cpu():  # as `taskset -c N kws ...`: the child inherits the affinity
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=WAIT_S)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_without_an_affinity_every_cpu_of_the_machine_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # macOS, Windows
    assert usable_cpus() == max(1, os.cpu_count() or 1)
