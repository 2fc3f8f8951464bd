"""Detector truth tables, straight from the firmware's rules (recognize_commands.cc)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.detector import Detector, TflmDetector, keyword_classes, make_detector
from workbench.core.errors import SettingsError

CLASSES = ("yes", "no", "_unknown_", "_silence_")
YES, NO, UNK, SIL = [200, 0, 0, 0], [0, 200, 0, 0], [0, 0, 250, 0], [0, 0, 0, 250]
BASE = DetectionSettings(average_window_duration_ms=1000, detection_threshold=150, suppression_ms=500,
                         minimum_count=1, latency_ms=100)


T0 = 10_000  # the firmware starts with "previous detection = class 0 at 0 ms": start well after that


def run(feed, settings=BASE, cls=Detector, t0=T0):
    det = cls(CLASSES, settings)
    found = (det.process(scores, t + t0) for t, scores in feed)
    return [(round(d.time_s * 1000) - t0, d.label, d.score) for d in found if d is not None]


@pytest.mark.parametrize("name,settings,feed,expected", [
    ("above threshold", BASE, [(100, YES)], [(100, "yes", 200)]),
    ("equal is not enough", BASE.replace(detection_threshold=200), [(100, YES)], []),
    ("underscore labels never", BASE, [(100, UNK), (200, SIL)], []),
    ("tie goes to first index", BASE, [(100, [180, 180, 0, 0])], [(100, "yes", 180)]),
    ("same label suppressed within", BASE, [(100, YES), (500, YES), (600, YES)], [(100, "yes", 200)]),
    ("same label again after", BASE, [(100, YES), (601, YES)], [(100, "yes", 200), (601, "yes", 200)]),
    ("other label not suppressed", BASE.replace(minimum_count=0), [(100, YES), (200, NO)], [(100, "yes", 200), (200, "no", 200)]),
    ("minimum count not reached", BASE.replace(minimum_count=3), [(100, YES), (200, YES)], []),
    ("minimum count reached", BASE.replace(minimum_count=3), [(100, YES), (200, YES), (300, YES)],
     [(300, "yes", 200)]),
    ("integer mean not above", BASE.replace(minimum_count=2), [(100, [201, 0, 0, 0]), (200, [100, 0, 0, 0])],
     []),
    ("integer mean above", BASE.replace(minimum_count=2), [(100, [203, 0, 0, 0]), (200, [100, 0, 0, 0])],
     [(200, "yes", 151)]),
    ("old results expire", BASE.replace(minimum_count=2, average_window_duration_ms=300),
     [(100, YES), (500, [0, 0, 0, 0]), (600, YES)], []),
    ("window edge kept", BASE.replace(minimum_count=2, average_window_duration_ms=300),
     [(100, YES), (400, YES)], [(400, "yes", 200)]),
    ("count 0 uses latest only", BASE.replace(minimum_count=0), [(100, [0, 0, 0, 0]), (200, YES)],
     [(200, "yes", 200)]),
    ("per-class thresholds", BASE.replace(minimum_count=0, detection_threshold_list=(210, 100, 0, 0)), [(100, YES), (200, NO)],
     [(200, "no", 200)]),
])
def test_mltk_truth_table(name, settings, feed, expected) -> None:
    assert run(feed, settings) == expected, name


def test_class_zero_is_suppressed_right_after_start_as_on_the_board() -> None:
    assert run([(400, YES), (600, YES)], t0=0) == [(600, "yes", 200)]
    assert run([(400, NO)], t0=0) == [(400, "no", 200)]


def test_update_settings_and_reset() -> None:
    det = Detector(CLASSES, BASE)
    assert det.process(YES, T0) is not None
    det.update_settings(BASE.replace(detection_threshold=250))
    assert det.process(NO, T0 + 100) is None
    det.reset()
    assert det.result_count == 0
    with pytest.raises(SettingsError, match="3 entries"):
        det.update_settings(BASE.replace(detection_threshold_list=(1, 2, 3)))
    assert det.resets_frontend_after_detection is False
    assert Detector(CLASSES, BASE.replace(suppression_ms=1)).resets_frontend_after_detection is True


def test_tflm_semantics_differ_where_documented() -> None:
    feed = [(100, SIL), (200, YES), (300, YES), (900, YES)]
    latest_only = BASE.replace(minimum_count=0, average_window_duration_ms=0)  # TFLM averages at count 0 too
    assert run(feed, latest_only, TflmDetector) == [(100, "_silence_", 250), (200, "yes", 200), (900, "yes", 200)]
    assert isinstance(make_detector("tflm", CLASSES, BASE), TflmDetector)
    with pytest.raises(SettingsError):
        make_detector("other", CLASSES, BASE)


def test_settings_validation_and_params_round_trip() -> None:
    with pytest.raises(SettingsError):
        DetectionSettings(detection_threshold=256)
    with pytest.raises(SettingsError):
        DetectionSettings(latency_ms=0)
    with pytest.raises(SettingsError):
        DetectionSettings(suppression_ms=-1)
    s = BASE.replace(detection_threshold_list=(1, 2, 3, 4), volume_gain=1.5)
    assert DetectionSettings.from_params({**s.to_params(), "fe.x": 1}) == s


def test_keyword_classes_are_the_ones_the_detector_can_report() -> None:
    classes = ("yes", "no", "_unknown_", "_silence_", "_go_")
    assert keyword_classes(classes) == ["yes", "no"]
    detector = Detector(classes, DetectionSettings(average_window_duration_ms=0, minimum_count=0,
                                                   detection_threshold=100, suppression_ms=0))
    reported = set()
    for step, top in enumerate(range(len(classes))):
        scores = [0] * len(classes)
        scores[top] = 250
        hit = detector.process(scores, 1000 * (step + 1))
        if hit is not None:
            reported.add(hit.label)
    assert reported == set(keyword_classes(classes))


@pytest.mark.parametrize("scores,error,match", [
    (np.array([0.95, 0.02, 0.02, 0.01]), TypeError, "uint8-scaled scores 0-255"),  # probabilities: not 0
    (np.array([300, 0, 0, 0]), ValueError, "from 0 to 300"),  # would wrap to 44
    (np.array([-56, 0, 0, 0]), ValueError, "from -56 to 0"),  # would wrap to 200: a detection
    ([True, False, False, False], TypeError, "bool"),
])
def test_scores_that_are_not_uint8_values_are_refused(scores, error, match) -> None:
    det = Detector(CLASSES, BASE)
    with pytest.raises(error, match=match):
        det.process(scores, T0)
    assert det.result_count == 0
    # integers 0-255 are the scores themselves, whatever their dtype
    for step, dtype in enumerate((np.uint8, np.int16, np.int64, np.uint16)):
        found = Detector(CLASSES, BASE).process(np.array(YES, dtype), T0 + step)
        assert found is not None and (found.label, found.score) == ("yes", 200)
