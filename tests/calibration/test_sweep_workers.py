"""A sweep spread over worker processes gives the one-process sweep's table, reports progress, and stops on Cancel.

Real parts: a two-minute stream of Speech Commands clips and 30 s of kitchen noise replayed through the live engine
with the reference model, and a pool of real spawned worker processes. The size from which a sweep uses the pool is
set to 0 here (``min_work``), so that a sweep of a few hundred sets goes to the workers.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import numpy as np
import pytest

from workbench.calibration.replay import CalibrationCancelled, replay_file
from workbench.calibration.streams.labels import load_labels
from workbench.calibration.sweep.grid import ParameterSet, SweepRanges, parameter_grid
from workbench.calibration.sweep.scoring import CalibrationAudio, SweepTable, run_sweep
from workbench.calibration.sweep.sweep_workers import SweepWorkers
from workbench.core.errors import SettingsError
from workbench.core.model.model_file import LoadedModel

TOLERANCE_S = 1.5
CHUNKS_PER_WORKER = 4
POOL_NAME = "kws-sweep"  # the names the pool gives its processes
COLUMNS = ("hits_per_class", "false_accepts_per_class", "false_accepts_speech", "false_accepts_background",
           "latency_mean_s", "latency_p95_s")
ON_WORKERS = SweepWorkers(2, min_work=0, chunks_per_worker=CHUNKS_PER_WORKER)


@pytest.fixture(scope="module")
def audio(reference_model: LoadedModel, real_stream: Path, noise_recording: Path) -> CalibrationAudio:
    return CalibrationAudio.from_replays(replay_file(reference_model, real_stream),
                                         load_labels(real_stream.with_suffix(".json")),
                                         [replay_file(reference_model, noise_recording)])


@pytest.fixture(scope="module")
def sets(reference_model: LoadedModel, audio: CalibrationAudio) -> list[ParameterSet]:
    """A per-class grid of 800 sets over four (window, count) pairs and two suppressions, from thresholds low enough
    for false accepts in the kitchen noise."""
    ranges = SweepRanges(thresholds=tuple(range(60, 241, 20)), windows_ms=(300, 1000), suppressions_ms=(500, 1500),
                         counts=(1, 3), per_class_thresholds=True)
    return parameter_grid(ranges, reference_model.classes, audio.latency_ms)


def pool_processes() -> list[str]:
    return [p.name for p in multiprocessing.active_children() if p.name.startswith(POOL_NAME)]


def assert_same(a: SweepTable, b: SweepTable) -> None:
    assert a.sets == b.sets
    for column in COLUMNS:
        assert np.array_equal(getattr(a, column), getattr(b, column), equal_nan=True), column


def test_the_workers_table_is_the_one_process_table(audio: CalibrationAudio, sets: list[ParameterSet]) -> None:
    seen_workers: list[list[str]] = []
    fractions: list[float] = []

    def progress(fraction: float) -> None:
        fractions.append(fraction)
        seen_workers.append(pool_processes())

    alone = run_sweep(audio, sets, TOLERANCE_S, workers=SweepWorkers(1))
    spread = run_sweep(audio, sets, TOLERANCE_S, progress, workers=ON_WORKERS)
    assert_same(spread, alone)
    assert alone.false_accepts_background.any() and alone.hits.any() and alone.false_accepts_speech.any()
    assert any(len(names) == 2 for names in seen_workers)  # scored by two worker processes, not here
    assert not pool_processes()  # and they are gone afterwards
    # progress: the start, one step per chunk in order, the end
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert len(fractions) == len(ON_WORKERS.chunks(len(sets), 2)) + 2


def test_cancel_stops_the_workers_at_the_first_chunk_back(audio: CalibrationAudio, sets: list[ParameterSet]) -> None:
    cancel = threading.Event()
    fractions: list[float] = []

    def progress(fraction: float) -> None:
        fractions.append(fraction)
        if fraction > 0:  # a chunk came back: Cancel pressed now
            cancel.set()

    with pytest.raises(CalibrationCancelled):
        run_sweep(audio, sets, TOLERANCE_S, progress, cancel, workers=ON_WORKERS)
    assert len(fractions) == 2 and fractions[1] < 1  # the start and one chunk: the other chunks were not waited for
    assert not pool_processes()  # the busy worker was ended, not left to finish


def test_a_small_sweep_stays_in_this_process(audio: CalibrationAudio, sets: list[ParameterSet]) -> None:
    seen_workers: list[list[str]] = []
    run_sweep(audio, sets, TOLERANCE_S, lambda _fraction: seen_workers.append(pool_processes()),
              workers=SweepWorkers(2))  # the measured size from which the pool pays: 800 sets are far below it
    assert seen_workers and not any(seen_workers)
    assert SweepWorkers(2).count_for(len(sets), audio.inferences) == 1
    assert SweepWorkers(2).count_for(len(sets) * 1000, audio.inferences) == 2
    assert SweepWorkers(1).count_for(len(sets) * 1000, audio.inferences) == 1


def test_the_chunks_cover_every_set_once_in_order() -> None:
    chunks = SweepWorkers(chunks_per_worker=CHUNKS_PER_WORKER).chunks(101, 3)
    assert [start for start, _ in chunks] == sorted(start for start, _ in chunks)
    assert [i for start, stop in chunks for i in range(start, stop)] == list(range(101))
    assert len(chunks) <= 3 * CHUNKS_PER_WORKER


def test_fewer_than_one_worker_is_refused() -> None:
    with pytest.raises(SettingsError, match="at least 1 worker process, not 0"):
        SweepWorkers(0)
