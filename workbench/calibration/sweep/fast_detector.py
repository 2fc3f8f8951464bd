"""The firmware's keyword detector over stored scores, for thousands of parameter sets at once.

Why a second implementation: :class:`~workbench.core.detection.detector.Detector` decides one
inference at a time in Python, which is right for a live stream but far too slow for a sweep
(1,000 sets × 36,000 inferences an hour). This module computes exactly the same detections -- the
tests compare both on many random parameter sets -- in two vectorised steps:

1. **Smoothing** (depends only on ``average_window_duration_ms`` and ``minimum_count``, so it is shared
   by every threshold and suppression): the results queue of the detector holds the results whose time
   is not older than ``now - window`` (strictly older ones are dropped) -- a contiguous range found
   with ``searchsorted`` -- and the integer mean is a difference of prefix sums. The queue's quirk,
   a full queue (``MAX_RESULTS``) refusing the *new* result, depends only on the timestamps; it is
   replayed with a cheap integer loop when a window can hold that many results.
2. **Decisions**: a candidate is an inference whose averaged top class (first index of the maximum)
   is a keyword scoring strictly above its threshold. The detector's only memory is the previous
   detection (initially class 0 at time 0), and after a detection of class ``c`` at ``t`` the next
   one is the first candidate of another class or later than ``t + suppression_ms`` -- so every
   candidate's successor is computed at once and the detections are the chain from the first
   candidate that passes the initial state.

Only the MLTK firmware rules (``semantics="mltk"``) are implemented; the frontend reset the firmware
does after a detection when ``suppression_ms <= 1`` is a property of the replay, not of this detector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import numpy.typing as npt

from workbench.core.detection.detector import MAX_RESULTS, is_keyword_class

INITIAL_PREVIOUS_CLASS = 0  # the firmware starts as if class 0 had been detected at time 0
INITIAL_PREVIOUS_TIME_MS = 0


@dataclass(frozen=True, eq=False)
class DetectionArrays:
    """Detections of one parameter set on one recording, in time order."""

    time_ms: npt.NDArray[np.int64]
    class_index: npt.NDArray[np.int64]
    score: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.time_ms.size)

    @property
    def time_s(self) -> npt.NDArray[np.float64]:
        return self.time_ms / 1000.0  # the live detector's Detection.time_s is time_ms / 1000 too


@dataclass(frozen=True, eq=False)
class SmoothedTrack:
    """The averaged top class and score of every inference the detector saw, for one window/count."""

    window_ms: int
    minimum_count: int
    time_ms: npt.NDArray[np.int64]  # timestamps of the fed inferences
    top: npt.NDArray[np.int64]  # first index of the largest averaged score
    top_score: npt.NDArray[np.int64]  # that score; 0 where too few results were queued (no decision)
    is_keyword: npt.NDArray[np.bool_]  # the top class is a keyword (label without the "_" prefix)


class ScoreTrack:
    """Stored raw scores of one recording, and their smoothed versions (computed once, cached)."""

    def __init__(self, time_ms: npt.ArrayLike, scores: npt.ArrayLike, classes: Sequence[str],
                 fed: npt.ArrayLike | None = None) -> None:
        times = np.asarray(time_ms, dtype=np.int64).reshape(-1)
        raw = np.asarray(scores, dtype=np.uint8).reshape(times.size, -1)
        mask = np.ones(times.size, bool) if fed is None else np.asarray(fed, dtype=bool).reshape(-1)
        if raw.shape[1] != len(classes):
            raise ValueError(f"scores have {raw.shape[1]} classes but {len(classes)} class names were given")
        if times.size > 1 and np.any(np.diff(times) < 0):
            raise ValueError("inference times must not go backwards")
        self.classes = tuple(classes)
        self.time_ms = times[mask]  # the detector never sees inferences the model did not run
        self.scores = raw[mask]
        self.keyword_classes = np.array([is_keyword_class(c) for c in self.classes], bool)
        self._smoothed: dict[tuple[int, int], SmoothedTrack] = {}

    def __len__(self) -> int:
        return int(self.time_ms.size)

    # -- step 1: averaging ------------------------------------------------------------------------
    def smoothed(self, window_ms: int, minimum_count: int) -> SmoothedTrack:
        key = (int(window_ms), int(minimum_count))
        if key not in self._smoothed:
            self._smoothed[key] = self._smooth(*key)
        return self._smoothed[key]

    def forget_smoothed(self) -> None:
        """Drop the cached averages (memory) once a sweep has finished with a window/count."""
        self._smoothed.clear()

    def __getstate__(self) -> dict[str, object]:
        """The track without its cached averages: a sweep's worker processes get the scores with every chunk, and
        compute the averages their chunk needs themselves."""
        return {**self.__dict__, "_smoothed": {}}

    def _queue_membership(self, window_ms: int) -> tuple[np.ndarray, np.ndarray]:
        """(first index of each inference's window, whether the queue accepted each result)."""
        times = self.time_ms
        first = np.searchsorted(times, times - window_ms, side="left")  # dropped: time < now - window
        accepted = np.ones(times.size, bool)
        if times.size and int(np.max(np.arange(times.size) - first)) + 1 >= MAX_RESULTS:
            # A full queue refuses the new result: replay the queue's length from the timestamps.
            first_list = first.tolist()
            prefix = [0] * (times.size + 1)
            previous_first = 0
            for i in range(times.size):
                queued = prefix[i] - prefix[previous_first] if i else 0  # queue left by step i-1
                ok = queued < MAX_RESULTS
                accepted[i] = ok
                prefix[i + 1] = prefix[i] + ok
                previous_first = first_list[i]
        return first, accepted

    def _smooth(self, window_ms: int, minimum_count: int) -> SmoothedTrack:
        scores = self.scores.astype(np.int64)
        if minimum_count == 0:  # the latest scores as they are; the queue is not used at all
            averaged = scores
            valid = np.ones(len(self), bool)
        else:
            first, accepted = self._queue_membership(window_ms)
            weighted = scores * accepted[:, None]
            sums = np.zeros((len(self) + 1, scores.shape[1]), np.int64)
            np.cumsum(weighted, axis=0, out=sums[1:])
            counts = np.zeros(len(self) + 1, np.int64)
            np.cumsum(accepted, out=counts[1:])
            stop = np.arange(1, len(self) + 1)
            queued = counts[stop] - counts[first]
            valid = queued >= max(minimum_count, 1)
            averaged = (sums[stop] - sums[first]) // np.maximum(queued, 1)[:, None]
        top = np.argmax(averaged, axis=1) if averaged.size else np.zeros(0, np.int64)
        top_score = np.take_along_axis(averaged, top[:, None], axis=1)[:, 0] if averaged.size else top
        top_score = np.where(valid, top_score, 0)
        return SmoothedTrack(int(window_ms), int(minimum_count), self.time_ms, top.astype(np.int64),
                             top_score.astype(np.int64), self.keyword_classes[top])

    # -- step 2: decisions ------------------------------------------------------------------------
    def detect(self, window_ms: int, minimum_count: int, threshold: int | Sequence[int],
               suppression_ms: int) -> DetectionArrays:
        """The detections the firmware makes with these parameters (threshold: global or per class)."""
        return detect_smoothed(self.smoothed(window_ms, minimum_count), threshold, suppression_ms)


def _candidates(track: SmoothedTrack, threshold: int | Sequence[int]) -> np.ndarray:
    if np.ndim(threshold) == 0:
        passes = track.top_score > int(threshold)  # type: ignore[arg-type]
    else:
        per_class = np.asarray(threshold, dtype=np.int64)
        passes = track.top_score > per_class[track.top]
    return np.flatnonzero(passes & track.is_keyword)


def detect_smoothed(track: SmoothedTrack, threshold: int | Sequence[int], suppression_ms: int) -> DetectionArrays:
    """Detections on an averaged track (see the module docstring, step 2)."""
    chosen = _candidates(track, threshold)
    times = track.time_ms[chosen]
    classes = track.top[chosen]
    suppression = int(suppression_ms)
    passes_initial = (classes != INITIAL_PREVIOUS_CLASS) | (times - INITIAL_PREVIOUS_TIME_MS > suppression)
    begin = int(np.argmax(passes_initial)) if passes_initial.any() else chosen.size
    chosen, times, classes = chosen[begin:], times[begin:], classes[begin:]
    picked = _chain(times, classes, suppression)
    return DetectionArrays(times[picked], classes[picked], track.top_score[chosen[picked]])


def _chain(times: np.ndarray, classes: np.ndarray, suppression: int) -> np.ndarray:
    """Indices of the detections among candidates whose first one is detected.

    A candidate is detected after a detection ``d`` when its class differs from ``d``'s or it is more
    than ``suppression`` after ``d``. Cut the candidates into segments at every class change and every
    gap longer than the suppression: each segment's first candidate is always detected (the last
    detection is of another class, or no later than the previous candidate). A segment no longer than
    the suppression holds nothing else; in a longer one the next detection is the first candidate
    more than ``suppression`` after the last, followed with ``searchsorted`` jumps.
    """
    n = times.size
    if n == 0:
        return np.zeros(0, np.int64)
    starts_segment = np.ones(n, bool)
    starts_segment[1:] = (classes[1:] != classes[:-1]) | (np.diff(times) > suppression)
    segment_starts = np.flatnonzero(starts_segment)
    segment_ends = np.append(segment_starts[1:], n)  # exclusive
    long = np.flatnonzero(times[segment_ends - 1] - times[segment_starts] > suppression)
    if long.size == 0:
        return segment_starts
    next_after = np.searchsorted(times, times + suppression, side="right").tolist()
    extra: list[int] = []
    for first, end in zip(segment_starts[long].tolist(), segment_ends[long].tolist()):
        k = next_after[first]
        while k < end:
            extra.append(k)
            k = next_after[k]
    return np.sort(np.concatenate((segment_starts, np.asarray(extra, np.int64))))
