"""Score every parameter set of a grid on stored replays, and keep the figures as columns.

Why columns: the Pareto front, the recommendation, the DET plot, the CSV and the GUI table all read
the same few figures for thousands of sets; numpy columns make each of those a one-liner and keep a
10,000-set sweep a few hundred kilobytes. :func:`evaluate_set` scores a single set the same way (the
model's own parameters, the GUI's current sliders).
"""

from __future__ import annotations

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


def run_sweep(audio: CalibrationAudio, sets: Sequence[ParameterSet], tolerance_s: float,
              progress: Callable[[float], None] | None = None,
              cancel: threading.Event | None = None) -> SweepTable:
    """Score every set; raises :class:`CalibrationCancelled` when ``cancel`` is set."""
    n, n_classes = len(sets), len(audio.classes)
    hits = np.zeros((n, n_classes), np.int64)
    false = np.zeros((n, n_classes), np.int64)
    speech = np.zeros(n, np.int64)
    background = np.zeros(n, np.int64)
    mean = np.full(n, np.nan)
    p95 = np.full(n, np.nan)
    done = 0
    for _, group in itertools.groupby(enumerate(sets), key=lambda item: (
            item[1].average_window_duration_ms, item[1].minimum_count)):
        for i, pset in group:
            if cancel is not None and done % PROGRESS_EVERY_SETS == 0 and cancel.is_set():
                raise CalibrationCancelled("calibration cancelled")
            m = evaluate_set(audio, pset, tolerance_s)
            hits[i], false[i] = m.hits_per_class, m.false_accepts_per_class
            speech[i], background[i] = m.false_accepts_speech, m.false_accepts_background
            mean[i], p95[i] = m.latency_mean_s, m.latency_p95_s
            done += 1
            if progress is not None and done % PROGRESS_EVERY_SETS == 0:
                progress(done / n)
        audio.forget_smoothed()
    if progress is not None:
        progress(1.0)
    return SweepTable(tuple(sets), audio.classes, tuple(audio.events.count(i) for i in range(n_classes)),
                      audio.stream_hours, audio.background_hours, hits, false, speech, background, mean, p95)
