"""Score every parameter set of a grid on stored replays, and keep the figures as columns.

Why columns: the Pareto front, the recommendation, the DET plot, the CSV and the GUI table all read
the same few figures for thousands of sets; numpy columns make each of those a one-liner and keep a
10,000-set sweep a few hundred kilobytes. :func:`evaluate_set` scores a single set the same way (the
model's own parameters, the GUI's current sliders).
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Callable, Sequence

import numpy as np
import numpy.typing as npt

from workbench.calibration.sweep.fast_detector import ScoreTrack
from workbench.calibration.streams.labels import StreamLabels
from workbench.calibration.sweep.matching import KeywordEvents, SetMetrics, evaluate_detections
from workbench.calibration.replay import CalibrationCancelled, ReplayScores
from workbench.calibration.sweep.grid import ParameterSet
from workbench.calibration.sweep.sweep_workers import SweepWorkers, score_in_workers

PROGRESS_EVERY_SETS = 50


@dataclass(frozen=True, eq=False)
class CalibrationAudio:
    """Everything the sweep needs from the replays: scores, keyword events and hours of audio."""

    classes: tuple[str, ...]
    latency_ms: int
    stream: ScoreTrack
    events: KeywordEvents
    stream_hours: float
    backgrounds: tuple[ScoreTrack, ...] = ()
    background_hours: float = 0.0

    @classmethod
    def from_replays(cls, stream: ReplayScores, labels: StreamLabels,
                     backgrounds: Sequence[ReplayScores] = ()) -> "CalibrationAudio":
        def track(replay: ReplayScores) -> ScoreTrack:
            return ScoreTrack(replay.time_ms, replay.scores, replay.classes, replay.fed)

        return cls(classes=stream.classes, latency_ms=stream.latency_ms, stream=track(stream),
                   events=KeywordEvents.from_labels(labels, stream.classes), stream_hours=stream.hours,
                   backgrounds=tuple(track(b) for b in backgrounds),
                   background_hours=sum(b.hours for b in backgrounds))

    @property
    def inferences(self) -> int:
        """The inferences a set is scored on (stream and background): what one set's scoring costs follows it."""
        return len(self.stream) + sum(len(b) for b in self.backgrounds)

    def forget_smoothed(self) -> None:
        for track in (self.stream, *self.backgrounds):
            track.forget_smoothed()


def evaluate_set(audio: CalibrationAudio, pset: ParameterSet, tolerance_s: float) -> SetMetrics:
    """The figures of one parameter set."""
    args = (pset.average_window_duration_ms, pset.minimum_count, pset.threshold, pset.suppression_ms)
    return evaluate_detections(
        audio.stream.detect(*args), audio.events, tolerance_s, audio.stream_hours,
        [b.detect(*args) for b in audio.backgrounds], audio.background_hours)


@dataclass(frozen=True, eq=False)
class SweepTable:
    """One row per parameter set (``sets[i]``), figures as numpy columns."""

    sets: tuple[ParameterSet, ...]
    classes: tuple[str, ...]
    keywords_per_class: tuple[int, ...]
    stream_hours: float
    background_hours: float
    hits_per_class: npt.NDArray[np.int64]  # (sets, classes)
    false_accepts_per_class: npt.NDArray[np.int64]  # (sets, classes), stream + background
    false_accepts_speech: npt.NDArray[np.int64]
    false_accepts_background: npt.NDArray[np.int64]
    latency_mean_s: npt.NDArray[np.float64]
    latency_p95_s: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.sets)

    # The columns below are computed once per table: the Pareto front, the recommendation, the CSV and the
    # report read them per set, and re-summing ``hits_per_class`` on every read made a 137,000-set sweep's
    # analysis take minutes. The arrays are read-only, so a cached column can never be changed under a reader.
    @cached_property
    def keywords(self) -> int:
        return int(sum(self.keywords_per_class))

    @cached_property
    def hits(self) -> npt.NDArray[np.int64]:
        return _frozen(self.hits_per_class.sum(axis=1))

    @cached_property
    def frr(self) -> npt.NDArray[np.float64]:
        return _frozen((self.keywords - self.hits) / max(self.keywords, 1))

    @cached_property
    def fa_per_hour_speech(self) -> npt.NDArray[np.float64]:
        return _frozen(self.false_accepts_speech / self.stream_hours)

    @cached_property
    def fa_per_hour_background(self) -> npt.NDArray[np.float64]:
        hours = self.background_hours
        return _frozen(self.false_accepts_background / hours if hours else np.full(len(self), np.nan))

    @cached_property
    def fa_per_hour(self) -> npt.NDArray[np.float64]:
        total = self.false_accepts_speech + self.false_accepts_background
        return _frozen(total / (self.stream_hours + self.background_hours))

    def with_set(self, pset: ParameterSet, m: SetMetrics) -> "SweepTable":
        """This table with one more row, ``pset`` scored as ``m`` (the model's own set, when the grid lacks
        it, so that it competes in the front and the recommendation like any other)."""
        def grow(column: npt.NDArray, value: object) -> npt.NDArray:
            return np.concatenate([column, np.asarray([value], dtype=column.dtype)])

        return replace(self, sets=(*self.sets, pset),
                       hits_per_class=grow(self.hits_per_class, m.hits_per_class),
                       false_accepts_per_class=grow(self.false_accepts_per_class, m.false_accepts_per_class),
                       false_accepts_speech=grow(self.false_accepts_speech, m.false_accepts_speech),
                       false_accepts_background=grow(self.false_accepts_background, m.false_accepts_background),
                       latency_mean_s=grow(self.latency_mean_s, m.latency_mean_s),
                       latency_p95_s=grow(self.latency_p95_s, m.latency_p95_s))

    def metrics(self, index: int) -> SetMetrics:
        return SetMetrics(
            keywords=self.keywords, hits=int(self.hits[index]),
            false_accepts_speech=int(self.false_accepts_speech[index]),
            false_accepts_background=int(self.false_accepts_background[index]),
            stream_hours=self.stream_hours, background_hours=self.background_hours,
            keywords_per_class=self.keywords_per_class,
            hits_per_class=tuple(int(v) for v in self.hits_per_class[index]),
            false_accepts_per_class=tuple(int(v) for v in self.false_accepts_per_class[index]),
            latency_mean_s=float(self.latency_mean_s[index]), latency_p95_s=float(self.latency_p95_s[index]))


def _frozen(column: npt.NDArray) -> npt.NDArray:
    column.setflags(write=False)
    return column


@dataclass(frozen=True, eq=False)
class SweepColumns:
    """The figures of consecutive sets as a :class:`SweepTable` keeps them: a whole sweep's, or one chunk's (what a
    worker process sends back, see :mod:`~workbench.calibration.sweep.sweep_workers`)."""

    hits_per_class: npt.NDArray[np.int64]
    false_accepts_per_class: npt.NDArray[np.int64]
    false_accepts_speech: npt.NDArray[np.int64]
    false_accepts_background: npt.NDArray[np.int64]
    latency_mean_s: npt.NDArray[np.float64]
    latency_p95_s: npt.NDArray[np.float64]

    @classmethod
    def empty(cls, sets: int, classes: int) -> "SweepColumns":
        return cls(np.zeros((sets, classes), np.int64), np.zeros((sets, classes), np.int64), np.zeros(sets, np.int64),
                   np.zeros(sets, np.int64), np.full(sets, np.nan), np.full(sets, np.nan))

    def arrays(self) -> list[npt.NDArray]:
        """The columns in field order (the order :class:`SweepTable` takes them in)."""
        return [getattr(self, f.name) for f in dataclasses.fields(self)]

    def put(self, start: int, chunk: "SweepColumns") -> None:
        """Write ``chunk``'s rows over rows ``start``… of these columns."""
        for mine, theirs in zip(self.arrays(), chunk.arrays()):
            mine[start:start + len(theirs)] = theirs


def score_sets(audio: CalibrationAudio, sets: Sequence[ParameterSet], tolerance_s: float,
               progress: Callable[[float], None] | None = None,
               cancel: threading.Event | None = None) -> SweepColumns:
    """Every set's figures, in this process; raises :class:`CalibrationCancelled` when ``cancel`` is set."""
    n = len(sets)
    columns = SweepColumns.empty(n, len(audio.classes))
    done = 0
    for _, group in itertools.groupby(enumerate(sets), key=lambda item: (
            item[1].average_window_duration_ms, item[1].minimum_count)):
        for i, pset in group:
            if cancel is not None and done % PROGRESS_EVERY_SETS == 0 and cancel.is_set():
                raise CalibrationCancelled("calibration cancelled")
            m = evaluate_set(audio, pset, tolerance_s)
            columns.hits_per_class[i], columns.false_accepts_per_class[i] = m.hits_per_class, m.false_accepts_per_class
            columns.false_accepts_speech[i] = m.false_accepts_speech
            columns.false_accepts_background[i] = m.false_accepts_background
            columns.latency_mean_s[i], columns.latency_p95_s[i] = m.latency_mean_s, m.latency_p95_s
            done += 1
            if progress is not None and done % PROGRESS_EVERY_SETS == 0:
                progress(done / n)
        audio.forget_smoothed()
    return columns


def score_chunk(audio: CalibrationAudio, tolerance_s: float, sets: Sequence[ParameterSet]) -> SweepColumns:
    """A worker process's share of a sweep (:func:`score_sets` on a chunk of its sets)."""
    return score_sets(audio, sets, tolerance_s)


def run_sweep(audio: CalibrationAudio, sets: Sequence[ParameterSet], tolerance_s: float,
              progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None,
              workers: SweepWorkers | None = None) -> SweepTable:
    """Score every set, in this process or spread over worker processes (``workers``; default: one per usable CPU,
    for a sweep large enough to gain from them: :mod:`~workbench.calibration.sweep.sweep_workers`). The figures
    and their order are the same either way. Raises :class:`CalibrationCancelled` when ``cancel`` is set."""
    n = len(sets)
    plan = workers or SweepWorkers()
    count = plan.count_for(n, audio.inferences)
    if progress is not None:
        progress(0.0)  # the sweep has begun: a pool's first chunk takes a while to come back
    if count == 1:
        columns = score_sets(audio, sets, tolerance_s, progress, cancel)
    else:
        columns = SweepColumns.empty(n, len(audio.classes))
        for start, chunk in score_in_workers(score_chunk, (audio, tolerance_s), sets, plan.chunks(n, count), count,
                                             progress, cancel):
            columns.put(start, chunk)
    if progress is not None:
        progress(1.0)
    return SweepTable(tuple(sets), audio.classes, tuple(audio.events.count(i) for i in range(len(audio.classes))),
                      audio.stream_hours, audio.background_hours, *columns.arrays())
