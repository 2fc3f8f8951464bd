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

from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.streams.labels import StreamLabels
from workbench.calibration.sweep.matching import KeywordEvents, match_detections

BETWEEN_WORDS = "(between words)"
TOP_WORDS = 10


def false_accept_words(detections: DetectionArrays, labels: StreamLabels, events: KeywordEvents,
                       tolerance_s: float, classes: Sequence[str]) -> Counter[tuple[str, str]]:
    """Counts of (detected class, word under it) over the stream's false accepts."""
    match = match_detections(detections, events, tolerance_s)
    starts = np.array([e.start_s for e in labels.events], np.float64)
    counts: Counter[tuple[str, str]] = Counter()
    for time_s, class_index in zip(detections.time_s[~match.true_detection],
                                   detections.class_index[~match.true_detection]):
        k = int(np.searchsorted(starts, time_s, side="right")) - 1
        word = BETWEEN_WORDS
        if k >= 0 and time_s <= labels.events[k].end_s + tolerance_s:
            word = labels.events[k].word or labels.events[k].label
        counts[(classes[int(class_index)], word)] += 1
    return counts


def top_false_accept_words(counts: Counter[tuple[str, str]], hours: float,
                           limit: int = TOP_WORDS) -> list[dict[str, object]]:
    """The most frequent (class, word) pairs with their count and rate per hour of stream."""
    return [{"detected": detected, "word": word, "false_accepts": n, "per_hour": n / hours if hours else None}
            for (detected, word), n in counts.most_common(limit)]
