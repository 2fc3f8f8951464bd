"""Which detections hit a spoken keyword, which are false accepts, and what one parameter set scores.

The rule (issue 16): a detection is true when it falls in ``[start_s, end_s + tolerance]`` of a
keyword event of its own class that no earlier detection has matched; every other detection is a false
accept. Detections are taken in time order and each takes the *earliest* unmatched event whose window
holds it. Because events of one class do not overlap, the windows that hold a detection form a
contiguous range of that class's events, both ends of which only move forward in time; so the
earliest unmatched event in range is simply ``max(first in range, last matched + 1)`` -- one integer
comparison per detection, cheap enough to run for every set of a sweep.

Latency is measured from the keyword's end (``detection time - end_s``; negative when the board fires
before the word is over). FA/h is reported for the labelled stream (non-keyword speech, silence and
noise between the words) and for background-only recordings separately; ``fa_per_hour`` is all false
accepts over all audio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import numpy.typing as npt

from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.streams.labels import LabelEvent, StreamLabels

LATENCY_PERCENTILE = 95
SECONDS_PER_HOUR = 3600.0


def class_events(labels: StreamLabels, name: str) -> list[LabelEvent]:
    """The keyword events of class ``name`` in start order: the events that :class:`KeywordEvents` and
    :class:`MatchResult` index."""
    return [e for e in labels.keyword_events if e.label == name]


@dataclass(frozen=True, eq=False)
class KeywordEvents:
    """The keyword events of a stream, grouped by model class index, sorted by start."""

    classes: tuple[str, ...]
    starts: tuple[npt.NDArray[np.float64], ...]  # per class index
    ends: tuple[npt.NDArray[np.float64], ...]

    @classmethod
    def from_labels(cls, labels: StreamLabels, classes: Sequence[str]) -> "KeywordEvents":
        starts, ends = [], []
        for name in classes:
            events = class_events(labels, name)
            starts.append(np.array([e.start_s for e in events], np.float64))
            ends.append(np.array([e.end_s for e in events], np.float64))
        return cls(tuple(classes), tuple(starts), tuple(ends))

    def count(self, class_index: int) -> int:
        return int(self.starts[class_index].size)

    @property
    def total(self) -> int:
        return sum(s.size for s in self.starts)


@dataclass(frozen=True, eq=False)
class MatchResult:
    true_detection: npt.NDArray[np.bool_]  # per detection
    matched_event: npt.NDArray[np.int64]  # per detection: index within its class's events, -1 if false
    latency_s: npt.NDArray[np.float64]  # per true detection, in detection order

    def hits_of(self, class_index: npt.NDArray[np.int64], n_classes: int) -> npt.NDArray[np.int64]:
        return np.bincount(class_index[self.true_detection], minlength=n_classes)

    def false_accepts_of(self, class_index: npt.NDArray[np.int64], n_classes: int) -> npt.NDArray[np.int64]:
        return np.bincount(class_index[~self.true_detection], minlength=n_classes)


def _earliest_unmatched(first: npt.NDArray[np.int64], last: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Per detection (time order), the event it matches or -1: ``max(first, last matched + 1)`` if in range.

    Detections whose range begins after every earlier range ends start an independent cluster (all
    earlier matches are below it). In a cluster where every range holds one event, the first detection
    in an event's window takes it; only clusters with a wider range are walked one by one.
    """
    picks = np.full(first.size, -1, np.int64)
    usable = np.flatnonzero(first <= last)
    if usable.size == 0:
        return picks
    lo, hi = first[usable], last[usable]
    reach = np.maximum.accumulate(hi)
    new_cluster = np.ones(usable.size, bool)
    new_cluster[1:] = lo[1:] > reach[:-1]
    cluster = np.cumsum(new_cluster) - 1
    wide = np.zeros(int(cluster[-1]) + 1, bool)
    wide[cluster[hi > lo]] = True
    walked = wide[cluster]
    simple = np.flatnonzero(~walked)
    _, first_in_window = np.unique(lo[simple], return_index=True)
    taken = simple[first_in_window]
    picks[usable[taken]] = lo[taken]
    previous = -1
    for k in np.flatnonzero(walked).tolist():
        pick = max(int(lo[k]), previous + 1)
        if pick <= hi[k]:
            previous = picks[usable[k]] = pick
    return picks


def match_detections(detections: DetectionArrays, events: KeywordEvents, tolerance_s: float) -> MatchResult:
    """Mark each detection true or false (see the module docstring)."""
    times = detections.time_s
    classes = detections.class_index
    matched = np.full(times.size, -1, np.int64)
    latency = np.zeros(times.size, np.float64)
    for class_index, starts in enumerate(events.starts):
        if starts.size == 0:
            continue
        where = np.flatnonzero(classes == class_index)
        if where.size == 0:
            continue
        ends = events.ends[class_index]
        t = times[where]
        first = np.searchsorted(ends + tolerance_s, t, side="left")  # first window not yet over
        last = np.searchsorted(starts, t, side="right") - 1  # last window already begun
        picks = _earliest_unmatched(first, last)
        matched[where] = picks
        hit = picks >= 0
        latency[where[hit]] = t[hit] - ends[picks[hit]]
    true = matched >= 0
    return MatchResult(true, matched, latency[true])


@dataclass(frozen=True)
class SetMetrics:
    """What one parameter set does on the calibration audio."""

    keywords: int
    hits: int
    false_accepts_speech: int
    false_accepts_background: int
    stream_hours: float
    background_hours: float
    keywords_per_class: tuple[int, ...]
    hits_per_class: tuple[int, ...]
    false_accepts_per_class: tuple[int, ...]  # stream and background together
    latency_mean_s: float  # nan without hits
    latency_p95_s: float

    @property
    def frr(self) -> float:
        return (self.keywords - self.hits) / self.keywords if self.keywords else math.nan

    @property
    def fa_per_hour_speech(self) -> float:
        return self.false_accepts_speech / self.stream_hours if self.stream_hours else math.nan

    @property
    def fa_per_hour_background(self) -> float:
        return self.false_accepts_background / self.background_hours if self.background_hours else math.nan

    @property
    def fa_per_hour(self) -> float:
        hours = self.stream_hours + self.background_hours
        return (self.false_accepts_speech + self.false_accepts_background) / hours if hours else math.nan


def latency_summary(latencies: npt.NDArray[np.float64]) -> tuple[float, float]:
    """(mean, 95th percentile) of keyword-end latencies; nan for none."""
    n = latencies.size
    if n == 0:
        return math.nan, math.nan
    ordered = np.sort(latencies)
    position = (n - 1) * LATENCY_PERCENTILE / 100.0  # numpy's default ("linear") percentile
    below = int(math.floor(position))
    above = min(below + 1, n - 1)
    p95 = ordered[below] + (ordered[above] - ordered[below]) * (position - below)
    return float(latencies.mean()), float(p95)


def evaluate_detections(stream: DetectionArrays, events: KeywordEvents, tolerance_s: float,
                        stream_hours: float, background: Sequence[DetectionArrays] = (),
                        background_hours: float = 0.0) -> SetMetrics:
    """Score one parameter set from its detections on the stream and on background-only audio."""
    n = len(events.classes)
    match = match_detections(stream, events, tolerance_s)
    hits = match.hits_of(stream.class_index, n)
    false = match.false_accepts_of(stream.class_index, n)
    for dets in background:
        false = false + np.bincount(dets.class_index, minlength=n)
    mean, p95 = latency_summary(match.latency_s)
    speech_fa = int(np.count_nonzero(~match.true_detection))
    return SetMetrics(
        keywords=events.total, hits=int(hits.sum()), false_accepts_speech=speech_fa,
        false_accepts_background=sum(len(d) for d in background),
        stream_hours=stream_hours, background_hours=background_hours,
        keywords_per_class=tuple(events.count(i) for i in range(n)),
        hits_per_class=tuple(int(h) for h in hits), false_accepts_per_class=tuple(int(f) for f in false),
        latency_mean_s=mean, latency_p95_s=p95)
