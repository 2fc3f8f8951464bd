"""Calibration speed: replay of a long stream against real time, and sweep parameter sets per second.

Builds a labelled stream (default 60 min, issue 16's mix, from the shared Speech Commands testing split;
or ``--stream S.wav`` with its labels), replays it once through the live engine and sweeps the default grid
on the stored scores. Baseline in the same run: the naive sweep -- the live ``Detector`` fed every stored
score one inference at a time, then the same matching -- on a few sets, per set. Goals (issue 16): a 1-hour
stream replays in under a minute, a sweep of >= 1,000 sets takes seconds. Last, the analysis after a large
sweep -- the Pareto front and the recommendation on a table the size of the per-class default grid (137,180
sets for two keywords) -- against its baseline, the old front's re-summing of the whole table for every set
(one re-sum measured, times the sets). With ``--per-class`` (on by default; ``--no-per-class`` skips it, it takes
minutes on one core) the per-class default grid is swept for real, in one process and on every usable CPU
(``kws calibrate``'s default): the one-process sweep is the baseline, and both tables must be the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

import numpy as np

from workbench.assets import default_model_path
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.streams.labels import load_labels
from workbench.calibration.sweep.matching import evaluate_detections
from workbench.calibration.replay import replay_samples
from workbench.calibration.streams.recipe_defaults import SNR_FILE
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.sweep.calibration_defaults import DEFAULT_TARGET_FA_PER_HOUR
from workbench.calibration.sweep.pareto import pareto_front, recommend
from workbench.calibration.sweep.scoring import CalibrationAudio, SweepTable, run_sweep
from workbench.calibration.sweep.sweep_workers import SweepWorkers
from workbench.calibration.sweep.grid import SweepRanges, parameter_grid
from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.detector import Detector
from workbench.core.detection.settings import DetectionSettings
from workbench.core.model.model_file import load_model
from workbench.usable_cpus import usable_cpus

from _streams import stream_to_measure  # the script's folder is on sys.path

NAIVE_SETS = 5
REPLAY_GOAL_S_PER_HOUR = 60.0
SWEEP_GOAL_SETS = 1000
ANALYSIS_SEED = 16


def _same(a: object, b: object) -> bool:
    """Equal figures, where a missing latency (nan, no hits) equals a missing latency."""
    return all(x == y or (x != x and y != y) for x, y in zip(dataclasses.astuple(a), dataclasses.astuple(b)))


def naive_set(audio: CalibrationAudio, pset, base: DetectionSettings, tolerance_s: float):  # type: ignore[no-untyped-def]
    """One set the straightforward way: the live detector over every stored score."""
    detector = Detector(audio.classes, pset.settings(base))
    found = [(t, d.class_index, d.score) for t, row in zip(audio.stream.time_ms.tolist(), audio.stream.scores)
             if (d := detector.process(row, t)) is not None]
    arrays = DetectionArrays(*(np.array(c, np.int64) for c in zip(*found))) if found else \
        DetectionArrays(*(np.zeros(0, np.int64),) * 3)
    return evaluate_detections(arrays, audio.events, tolerance_s, audio.stream_hours)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0, help="length of the built stream")
    parser.add_argument("--stream", type=Path, help="use this labelled stream instead of building one")
    parser.add_argument("--model", type=Path, help="model (default: the bundled model)")
    parser.add_argument("--per-class", action=argparse.BooleanOptionalAction, default=True,
                        help="also sweep the per-class default grid, in one process and on every CPU")
    args = parser.parse_args()
    model = load_model(args.model or default_model_path())

    with tempfile.TemporaryDirectory() as scratch:
        # the SNR reference of the stream the recorded timings were measured on (``word`` adds a pass)
        recipe = StreamRecipe(minutes=args.minutes, seed=16, snr_reference=SNR_FILE)
        stream = stream_to_measure(args.stream, scratch, recipe)
        if stream is None:
            return 1
        samples = load_audio(stream).samples
        labels = load_labels(stream.with_suffix(".json"))

    seconds = samples.size / 16000
    start = time.perf_counter()
    replay = replay_samples(model, samples, stream.name)
    replay_s = time.perf_counter() - start
    per_hour = replay_s * 3600 / seconds
    print(f"replay (live engine) : {seconds / 60:.1f} min of audio, {replay.inferences:,} inferences in "
          f"{replay_s:.1f} s = {seconds / replay_s:.0f}x real time, {per_hour:.1f} s per hour "
          f"(goal < {REPLAY_GOAL_S_PER_HOUR:.0f} s: {'met' if per_hour < REPLAY_GOAL_S_PER_HOUR else 'NOT met'})")

    audio = CalibrationAudio.from_replays(replay, labels)
    sets = parameter_grid(SweepRanges(), model.classes, replay.latency_ms)
    start = time.perf_counter()
    table = run_sweep(audio, sets, 1.5, workers=SweepWorkers(1))  # the vectorised detector's own speed
    sweep_s = time.perf_counter() - start
    rate = len(sets) / sweep_s
    print(f"vectorised sweep     : {len(sets):,} sets in {sweep_s:.2f} s = {rate:,.0f} sets/s; "
          f"{SWEEP_GOAL_SETS:,} sets take {SWEEP_GOAL_SETS / rate:.2f} s")

    base = DetectionSettings.from_params(model.params)
    picks = np.linspace(0, len(sets) - 1, NAIVE_SETS).astype(int).tolist()
    start = time.perf_counter()
    naive = [naive_set(audio, sets[i], base, 1.5) for i in picks]
    naive_s = (time.perf_counter() - start) / NAIVE_SETS
    same = all(_same(m, table.metrics(i)) for m, i in zip(naive, picks))
    print(f"baseline (naive loop): {naive_s:.2f} s per set = {1 / naive_s:.1f} sets/s; "
          f"{SWEEP_GOAL_SETS:,} sets would take {SWEEP_GOAL_SETS * naive_s:.0f} s "
          f"(vectorised is {naive_s * rate:.0f}x faster; same figures: {same})")
    large_analysis(table, model.classes)
    if args.per_class:
        per_class_sweep(audio, model.classes, replay.latency_ms)
    return 0


def _same_tables(a: SweepTable, b: SweepTable) -> bool:
    columns = ("hits_per_class", "false_accepts_per_class", "false_accepts_speech", "false_accepts_background",
               "latency_mean_s", "latency_p95_s")
    return a.sets == b.sets and all(np.array_equal(getattr(a, c), getattr(b, c), equal_nan=True) for c in columns)


def per_class_sweep(audio: CalibrationAudio, classes: tuple[str, ...], latency_ms: int) -> None:
    """The per-class default grid (``kws calibrate --per-class-thresholds``) swept in one process, then on every
    usable CPU; the first is the baseline."""
    sets = parameter_grid(SweepRanges(per_class_thresholds=True), classes, latency_ms)
    timings = []
    tables = []
    for workers in (SweepWorkers(1), SweepWorkers()):
        start = time.perf_counter()
        tables.append(run_sweep(audio, sets, 1.5, workers=workers))
        timings.append(time.perf_counter() - start)
    used = SweepWorkers().count_for(len(sets), audio.inferences)
    print(f"per-class sweep      : {len(sets):,} sets in {timings[1]:.1f} s on {used} processes "
          f"({usable_cpus()} usable CPUs); baseline, one process: {timings[0]:.1f} s "
          f"({timings[0] / timings[1]:.2f}x; same figures: {_same_tables(*tables)})")


def large_analysis(table: SweepTable, classes: tuple[str, ...]) -> None:
    """Time the Pareto front and the recommendation on a table of the per-class default grid's size.

    Its sets are that grid's; its figures are the swept table's rows drawn at random (sweeping 137,180 sets
    would add tens of seconds, and the analysis's cost follows the number of sets, not where they came from).
    """
    sets = parameter_grid(SweepRanges(per_class_thresholds=True), classes, DetectionSettings().latency_ms)
    rows = np.random.default_rng(ANALYSIS_SEED).integers(0, len(table), len(sets))
    large = dataclasses.replace(
        table, sets=tuple(sets), hits_per_class=table.hits_per_class[rows],
        false_accepts_per_class=table.false_accepts_per_class[rows],
        false_accepts_speech=table.false_accepts_speech[rows],
        false_accepts_background=table.false_accepts_background[rows], latency_mean_s=table.latency_mean_s[rows],
        latency_p95_s=table.latency_p95_s[rows])
    start = time.perf_counter()
    front = pareto_front(large)
    recommend(large, DEFAULT_TARGET_FA_PER_HOUR)
    analysis_s = time.perf_counter() - start
    start = time.perf_counter()  # baseline: the old front re-summed the whole table for every set it looked at
    for _ in range(NAIVE_SETS):
        (large.keywords - large.hits_per_class.sum(axis=1)) / max(large.keywords, 1)
    resum_s = (time.perf_counter() - start) / NAIVE_SETS
    print(f"large analysis       : {len(sets):,} sets (the per-class default grid), Pareto front ({front.size} sets) "
          f"and recommendation in {analysis_s:.2f} s (baseline: re-summing the table per set, "
          f"{resum_s * 1000:.1f} ms x {len(sets):,} = {resum_s * len(sets):.0f} s)")


if __name__ == "__main__":
    raise SystemExit(main())
