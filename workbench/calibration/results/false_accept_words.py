"""On which words the false accepts fall: "no" fired on "go" 36 times an hour tells what to train on.

A false accept of the stream is attributed to the labelled event whose window ``[start_s, end_s +
tolerance]`` holds it (the latest such event), named by its ``word`` (or its label when it has none:
``_silence_``, or a keyword detected as the other keyword); a false accept outside every window is
"between words". Background recordings are reported by file name.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np
import numpy.typing as npt

from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.streams.labels import StreamLabels
from workbench.calibration.sweep.matching import KeywordEvents, match_detections

BETWEEN_WORDS = "(between words)"
TOP_WORDS = 10
NO_EVENT = -1  # events_under: the time falls between words


def events_under(times_s: npt.NDArray[np.float64], labels: StreamLabels,
                 tolerance_s: float) -> npt.NDArray[np.int64]:
    """Per time, the index in ``labels.events`` of the latest event whose ``[start_s, end_s + tolerance]``
    holds it, or ``NO_EVENT`` (between words)."""
    if not labels.events:
        return np.full(times_s.shape, NO_EVENT, np.int64)
    starts = np.array([e.start_s for e in labels.events], np.float64)
    ends = np.array([e.end_s for e in labels.events], np.float64)
    latest = np.searchsorted(starts, times_s, side="right") - 1
    inside = (latest >= 0) & (times_s <= ends[np.maximum(latest, 0)] + tolerance_s)
    return np.where(inside, latest, NO_EVENT).astype(np.int64)


def false_accept_words(detections: DetectionArrays, labels: StreamLabels, events: KeywordEvents,
                       tolerance_s: float, classes: Sequence[str]) -> Counter[tuple[str, str]]:
    """Counts of (detected class, word under it) over the stream's false accepts."""
    false = ~match_detections(detections, events, tolerance_s).true_detection
    counts: Counter[tuple[str, str]] = Counter()
    for k, class_index in zip(events_under(detections.time_s[false], labels, tolerance_s),
                              detections.class_index[false]):
        word = BETWEEN_WORDS if k == NO_EVENT else labels.events[k].word or labels.events[k].label
        counts[(classes[int(class_index)], word)] += 1
    return counts


def top_false_accept_words(counts: Counter[tuple[str, str]], hours: float,
                           limit: int = TOP_WORDS) -> list[dict[str, object]]:
    """The most frequent (class, word) pairs with their count and rate per hour of stream."""
    return [{"detected": detected, "word": word, "false_accepts": n, "per_hour": n / hours if hours else None}
            for (detected, word), n in counts.most_common(limit)]
