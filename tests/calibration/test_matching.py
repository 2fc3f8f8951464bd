"""Hits, false accepts and latency: hand-made cases with known answers, and a naive reference."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.streams.labels import LabelEvent, StreamLabels
from workbench.calibration.sweep.matching import KeywordEvents, evaluate_detections, latency_summary, match_detections

CLASSES = ("yes", "no", "_unknown_", "_silence_")
YES, NO = 0, 1


def detections(*items: tuple[int, int]) -> DetectionArrays:
    times = np.array([t for t, _ in items], np.int64)
    classes = np.array([c for _, c in items], np.int64)
    return DetectionArrays(times, classes, np.full(len(items), 200, np.int64))


def events(*items: tuple[str, float, float]) -> KeywordEvents:
    return KeywordEvents.from_labels(StreamLabels(tuple(LabelEvent(*i) for i in items)), CLASSES)


def test_window_is_start_to_end_plus_tolerance() -> None:
    ev = events(("yes", 10.0, 10.5))
    found = match_detections(detections((9_999, YES), (10_000, YES)), ev, 1.5)
    assert found.true_detection.tolist() == [False, True]
    found = match_detections(detections((12_000, YES)), ev, 1.5)  # exactly end + tolerance
    assert found.true_detection.tolist() == [True]
    found = match_detections(detections((12_100, YES)), ev, 1.5)
    assert found.true_detection.tolist() == [False]


def test_second_detection_of_one_keyword_and_wrong_class_are_false() -> None:
    ev = events(("yes", 10.0, 10.5), ("no", 20.0, 20.4))
    found = match_detections(detections((10_300, YES), (11_000, YES), (20_300, YES), (25_000, NO)), ev, 1.5)
    assert found.true_detection.tolist() == [True, False, False, False]
    assert found.latency_s.tolist() == pytest.approx([-0.2])


def test_close_keywords_of_one_class_are_matched_earliest_first() -> None:
    """Two "yes" 0.8 s apart: a detection inside both windows takes the first, the next one the second."""
    ev = events(("yes", 10.0, 10.4), ("yes", 11.2, 11.6))
    found = match_detections(detections((11_300, YES), (11_800, YES), (12_000, YES)), ev, 1.5)
    assert found.matched_event.tolist() == [0, 1, -1]


def test_metrics_split_speech_and_background_false_accepts() -> None:
    ev = events(("yes", 10.0, 10.5), ("no", 20.0, 20.5), ("no", 30.0, 30.5))
    stream = detections((10_600, YES), (20_900, NO), (40_000, YES))
    background = [detections((1_000, NO)), detections()]
    m = evaluate_detections(stream, ev, 1.5, stream_hours=0.5, background=background, background_hours=0.25)
    assert (m.keywords, m.hits, m.false_accepts_speech, m.false_accepts_background) == (3, 2, 1, 1)
    assert m.frr == pytest.approx(1 / 3)
    assert (m.fa_per_hour_speech, m.fa_per_hour_background, m.fa_per_hour) == (2.0, 4.0, pytest.approx(2 / 0.75))
    assert m.hits_per_class[:2] == (1, 1) and m.false_accepts_per_class[:2] == (1, 1)
    assert (m.latency_mean_s, m.latency_p95_s) == (pytest.approx(0.25), pytest.approx(0.1 + (0.4 - 0.1) * 0.95))


def naive_match(times: np.ndarray, classes: np.ndarray, starts: list, ends: list, tolerance: float) -> list[int]:
    used: list[set[int]] = [set() for _ in starts]
    out = []
    for t, c in zip(times, classes):
        pick = -1
        if c < len(starts):
            for k in range(len(starts[c])):
                if k not in used[c] and starts[c][k] <= t <= ends[c][k] + tolerance:
                    pick = k
                    used[c].add(k)
                    break
        out.append(pick)
    return out


def test_random_cases_equal_a_naive_earliest_unmatched_search() -> None:
    rng = np.random.default_rng(5)
    for _ in range(300):
        starts, ends = [], []
        for _ in range(4):
            n = int(rng.integers(0, 15))
            s = np.cumsum(rng.uniform(0.2, 4.0, n))
            e = np.minimum(s + rng.uniform(0.1, 0.9, n), np.append(s[1:], np.inf) - 1e-3)
            starts.append(s)
            ends.append(e)
        ev = KeywordEvents(CLASSES, tuple(starts), tuple(ends))
        times = np.sort(rng.choice(np.arange(0, 70_000, 100), int(rng.integers(0, 60)), replace=False)).astype(np.int64)
        classes = rng.integers(0, 4, times.size).astype(np.int64)
        tolerance = float(rng.choice([0.0, 0.5, 1.5, 3.0]))
        got = match_detections(DetectionArrays(times, classes, classes), ev, tolerance).matched_event.tolist()
        assert got == naive_match(times / 1000.0, classes, starts, ends, tolerance)


def test_latency_percentile_is_numpys_linear_one() -> None:
    values = np.random.default_rng(1).normal(size=37)
    mean, p95 = latency_summary(values)
    assert mean == pytest.approx(values.mean()) and p95 == pytest.approx(np.percentile(values, 95))
    assert all(np.isnan(v) for v in latency_summary(np.zeros(0)))
