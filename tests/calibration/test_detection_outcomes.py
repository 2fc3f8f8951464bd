"""Each detection's outcome and each miss: calibrate's counts exactly, known before the stream ends."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from workbench.calibration.results.detection_outcomes import FALSE_ACCEPT, HIT, MISS, NOT_SCORED, detection_outcomes
from workbench.calibration.results.false_accept_words import BETWEEN_WORDS, false_accept_words
from workbench.calibration.streams.labels import LabelEvent, StreamLabels
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.sweep.matching import KeywordEvents, evaluate_detections

CLASSES = ("yes", "no", "_unknown_", "_silence_")
TOLERANCE_S = 1.5
TRIALS = 40


def _random_stream(rng: np.random.Generator) -> tuple[DetectionArrays, StreamLabels]:
    """Words every ~1 s (keywords, other words, silences), some close together, and detections anywhere."""
    events, at = [], 0.0
    for _ in range(int(rng.integers(5, 30))):
        at += float(rng.uniform(0.1, 1.5))
        length = float(rng.uniform(0.2, 0.8))
        label = str(rng.choice(["yes", "no", "_unknown_", "_silence_"]))
        word = {"yes": "yes", "no": "no", "_unknown_": str(rng.choice(["go", "cat"])), "_silence_": ""}[label]
        speaker = f"s{rng.integers(4)}"
        events.append(LabelEvent(label, round(at, 3), round(at + length, 3), word, f"{word}/{speaker}_nohash_0.wav"))
        at += length
    n = int(rng.integers(0, 40))
    times = np.sort(rng.integers(0, int((at + 3) * 1000), n)).astype(np.int64)
    return DetectionArrays(times, rng.integers(0, 2, n).astype(np.int64), np.full(n, 200, np.int64)), \
        StreamLabels(tuple(events))


@pytest.mark.parametrize("seed", range(TRIALS))
def test_the_outcomes_add_up_to_calibrates_figures(seed: int) -> None:
    detections, labels = _random_stream(np.random.default_rng(seed))
    found = detection_outcomes(detections, labels, CLASSES, TOLERANCE_S).outcomes
    metrics = evaluate_detections(detections, KeywordEvents.from_labels(labels, CLASSES), TOLERANCE_S, 1.0)
    kinds = Counter(o.kind for o in found)
    assert (kinds[HIT], kinds[FALSE_ACCEPT], kinds[MISS]) == (
        metrics.hits, metrics.false_accepts_speech, metrics.keywords - metrics.hits)
    per_class = Counter((o.class_index, o.kind) for o in found)
    for c in range(2):
        assert per_class[(c, HIT)] == metrics.hits_per_class[c]
        assert per_class[(c, FALSE_ACCEPT)] == metrics.false_accepts_per_class[c]
    words = Counter((o.label, o.word or BETWEEN_WORDS) for o in found if o.kind == FALSE_ACCEPT)
    assert words == false_accept_words(detections, labels, KeywordEvents.from_labels(labels, CLASSES), TOLERANCE_S,
                                       CLASSES)
    assert [o.time_s for o in found] == sorted(o.time_s for o in found)
    assert all(o.event is not None and o.event.label == o.label for o in found if o.kind in (HIT, MISS))


@pytest.mark.parametrize("seed", range(TRIALS))
def test_what_is_known_midway_is_what_the_whole_stream_says(seed: int) -> None:
    """Cut the detections at any time: the outcomes before the first unsettled keyword are already final."""
    detections, labels = _random_stream(np.random.default_rng(seed))
    whole = detection_outcomes(detections, labels, CLASSES, TOLERANCE_S)
    assert whole.unsettled_s == math.inf
    for cut_ms in range(0, int(detections.time_ms.max(initial=0)) + 2000, 250):
        kept = detections.time_ms <= cut_ms
        prefix = DetectionArrays(detections.time_ms[kept], detections.class_index[kept], detections.score[kept])
        midway = detection_outcomes(prefix, labels, CLASSES, TOLERANCE_S, heard_s=cut_ms / 1000)
        settled = [o for o in midway.outcomes if o.time_s < min(cut_ms / 1000, midway.unsettled_s)]
        assert settled == list(whole.outcomes[:len(settled)])


def test_each_outcome_names_its_event_word_and_speaker() -> None:
    yes = LabelEvent("yes", 1.0, 1.5, "yes", "yes/abc_nohash_0.wav")
    go = LabelEvent("_unknown_", 3.0, 3.4, "go", "go/def_nohash_2.wav")
    silence = LabelEvent("_silence_", 5.0, 6.0)
    missed = LabelEvent("no", 10.0, 10.4, "no", "no/own_take.wav")
    labels = StreamLabels((yes, go, silence, missed))
    detections = DetectionArrays(np.array([1_600, 3_500, 6_200, 8_000], np.int64), np.array([0, 1, 0, 1], np.int64),
                                 np.array([210, 190, 180, 170], np.int64))
    found = detection_outcomes(detections, labels, CLASSES, TOLERANCE_S)
    assert [(o.kind, o.time_s, o.label, o.event, o.word, o.speaker, o.score) for o in found.outcomes] == [
        (HIT, 1.6, "yes", yes, "yes", "abc", 210), (FALSE_ACCEPT, 3.5, "no", go, "go", "def", 190),
        (FALSE_ACCEPT, 6.2, "yes", silence, "_silence_", None, 180), (FALSE_ACCEPT, 8.0, "no", None, None, None, 170),
        (MISS, 10.0, "no", missed, "no", None, None)]
    early = detection_outcomes(detections, labels, CLASSES, TOLERANCE_S, heard_s=11.9)  # "no" may still be hit
    assert [o.kind for o in early.outcomes] == [HIT, FALSE_ACCEPT, FALSE_ACCEPT, FALSE_ACCEPT]
    assert early.unsettled_s == 10.0


@pytest.mark.parametrize("seed", range(TRIALS))
def test_detections_of_classes_that_are_no_keywords_are_not_scored(seed: int) -> None:
    """TFLM's recognizer reports ``_unknown_`` and ``_silence_`` too: such a detection gets no outcome and no event,
    and the keywords' detections keep the outcomes they have without it -- calibrate's figures."""
    rng = np.random.default_rng(seed)
    detections, labels = _random_stream(rng)
    n = int(rng.integers(1, 40))
    other_ms = rng.integers(0, int(detections.time_ms.max(initial=0)) + 3000, n).astype(np.int64)
    times = np.concatenate([detections.time_ms, other_ms])
    order = np.argsort(times, kind="stable")
    mixed = DetectionArrays(times[order], np.concatenate([detections.class_index, rng.integers(2, 4, n)])[order],
                            np.concatenate([detections.score, np.full(n, 255, np.int64)])[order])
    found = detection_outcomes(mixed, labels, CLASSES, TOLERANCE_S)
    scored = [o for o in found.outcomes if o.kind != NOT_SCORED]
    assert scored == list(detection_outcomes(detections, labels, CLASSES, TOLERANCE_S).outcomes)
    others = [o for o in found.outcomes if o.kind == NOT_SCORED]
    assert sorted(o.time_s for o in others) == sorted((other_ms / 1000).tolist())
    assert all(o.label in ("_unknown_", "_silence_") and o.event is None and o.score == 255 for o in others)
    assert [o.time_s for o in found.outcomes] == sorted(o.time_s for o in found.outcomes)
