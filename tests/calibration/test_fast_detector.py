"""The vectorised detector gives exactly the firmware detector's detections (``detector.py``).

Random score tracks and random parameter sets exercise every rule and quirk documented in
``detector.py``: integer mean over the queue, strict "older than the window" drop, the 50-result queue
refusing new results when full, ``minimum_count == 0`` (latest scores, no queue), first index of the
maximum, strictly-greater thresholds (global and per class), ``_`` labels never detected, suppression
only for a repeat of the previous class, the initial "class 0 at time 0" state, and inferences the
model did not run (activity detection) that the detector never sees.
"""

from __future__ import annotations

import numpy as np
import pytest

from workbench.calibration.sweep.fast_detector import ScoreTrack
from workbench.core.detection.detector import MAX_RESULTS, Detector
from workbench.core.detection.settings import DetectionSettings

CLASSES = ("yes", "no", "_unknown_", "_silence_")
RANDOM_CASES = 400


def live_detections(scores: np.ndarray, times: np.ndarray, fed: np.ndarray, settings: DetectionSettings) -> list:
    detector = Detector(CLASSES, settings)
    found = []
    for row, time_ms, ran in zip(scores, times, fed):
        if not ran:
            continue
        detection = detector.process(row, int(time_ms))
        if detection is not None:
            found.append((int(time_ms), detection.class_index, detection.score))
    return found


def fast_detections(scores: np.ndarray, times: np.ndarray, fed: np.ndarray, settings: DetectionSettings) -> list:
    track = ScoreTrack(times, scores, CLASSES, fed)
    threshold = settings.detection_threshold_list or settings.detection_threshold
    out = track.detect(settings.average_window_duration_ms, settings.minimum_count, threshold,
                       settings.suppression_ms)
    return list(zip(out.time_ms.tolist(), out.class_index.tolist(), out.score.tolist()))


def random_track(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = int(rng.integers(1, 1200))
    latency = int(rng.choice([10, 20, 50, 100, 130]))
    times = np.arange(1, n + 1, dtype=np.int64) * latency
    scores = rng.integers(0, 256, (n, len(CLASSES))).astype(np.uint8)
    if rng.random() < 0.5:  # keyword "humps": runs where one keyword dominates, as in speech
        for start in rng.integers(0, n, max(1, n // 40)):
            scores[start:start + int(rng.integers(1, 25)), int(rng.integers(0, 2))] = rng.integers(150, 256)
    if rng.random() < 0.2:
        scores[rng.random(n) < 0.3] = 0  # all-zero rows: top is class 0 with score 0
    if rng.random() < 0.2:
        scores[:, 1] = scores[:, 0]  # ties: the first index wins
    fed = rng.random(n) < 0.7 if rng.random() < 0.3 else np.ones(n, bool)
    return scores, times, fed


def random_settings(rng: np.random.Generator) -> DetectionSettings:
    settings = DetectionSettings(
        average_window_duration_ms=int(rng.choice([0, 1, 50, 200, 500, 1000, 3000, 6000, 9000])),
        minimum_count=int(rng.choice([0, 1, 2, 3, 5, 10, MAX_RESULTS - 1, MAX_RESULTS, MAX_RESULTS + 1])),
        suppression_ms=int(rng.choice([0, 1, 2, 100, 500, 750, 1500, 5000])),
        detection_threshold=int(rng.integers(0, 256)))
    if rng.random() < 0.3:
        settings = settings.replace(detection_threshold_list=tuple(int(v) for v in rng.integers(0, 256, 4)))
    return settings


def test_random_tracks_and_parameters_give_the_live_detections() -> None:
    rng = np.random.default_rng(16)
    compared = 0
    for _ in range(RANDOM_CASES):
        scores, times, fed = random_track(rng)
        settings = random_settings(rng)
        assert fast_detections(scores, times, fed, settings) == live_detections(scores, times, fed, settings), settings
        compared += 1
    assert compared == RANDOM_CASES


def test_the_cases_that_matter_are_exercised() -> None:
    """Guard against a random generator that never reaches the quirks (each must change the outcome)."""
    rng = np.random.default_rng(3)
    seen = {"detections": 0, "queue_full": 0, "suppressed_repeat": 0}
    for _ in range(100):
        scores, times, fed = random_track(rng)
        settings = random_settings(rng)
        found = live_detections(scores, times, fed, settings)
        seen["detections"] += bool(found)
        latency = int(times[0])
        seen["queue_full"] += settings.minimum_count > 0 and settings.average_window_duration_ms // latency + 1 > MAX_RESULTS
        unsuppressed = live_detections(scores, times, fed, settings.replace(suppression_ms=2))
        seen["suppressed_repeat"] += len(unsuppressed) > len(found)
    assert all(count >= 5 for count in seen.values()), seen


def test_full_queue_refuses_the_new_result() -> None:
    """At 10 ms per result a 1 s window would hold 101 results; the firmware's queue stops at 50."""
    n = 300
    times = np.arange(1, n + 1) * 10
    scores = np.zeros((n, 4), np.uint8)
    scores[:, 2] = 200  # _unknown_ everywhere...
    scores[60:, 0] = 255  # ...then "yes" from 600 ms on
    settings = DetectionSettings(average_window_duration_ms=1000, minimum_count=1, suppression_ms=500,
                                 detection_threshold=200)
    live = live_detections(scores, times, np.ones(n, bool), settings)
    assert live == fast_detections(scores, times, np.ones(n, bool), settings)
    # Without the cap the mean over all 101 results would pass 200 first at 1.40 s; with it the queue
    # holds the stale 10–500 ms results until they expire, so "yes" needs 10 ms more.
    window = [(times >= t - 1000) & (times <= t) for t in times]  # older than now - window: dropped
    uncapped = next(int(t) for t, w in zip(times, window) if scores[w, 0].astype(int).sum() // w.sum() > 200)
    assert uncapped == 1400
    assert live[0][:2] == (1410, 0)


def test_initial_state_suppresses_class_zero_near_time_zero() -> None:
    times = np.array([100, 200, 900, 1000])
    scores = np.zeros((4, 4), np.uint8)
    scores[:, 0] = 250
    settings = DetectionSettings(minimum_count=0, suppression_ms=750, detection_threshold=200)
    got = fast_detections(scores, times, np.ones(4, bool), settings)
    assert got == live_detections(scores, times, np.ones(4, bool), settings) == [(900, 0, 250)]


@pytest.mark.parametrize("count", [0, 3])
def test_underscore_classes_are_never_detected(count: int) -> None:
    times = np.arange(1, 51) * 100
    scores = np.zeros((50, 4), np.uint8)
    scores[:, 3] = 255
    settings = DetectionSettings(minimum_count=count, detection_threshold=0, suppression_ms=2)
    assert fast_detections(scores, times, np.ones(50, bool), settings) == []
