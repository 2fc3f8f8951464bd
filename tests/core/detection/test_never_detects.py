"""The rule for settings that can never detect anything, checked against the firmware's own detector."""

from __future__ import annotations

import itertools

import pytest

from workbench.core.detection.detector import MAX_RESULTS, Detector, TflmDetector
from workbench.core.detection.never_detects import never_detects_reason, results_in_window, useful_count
from workbench.core.detection.settings import SCORE_MAX, DetectionSettings

CLASSES = ("yes", "no", "_unknown_", "_silence_")
LOUDEST_YES = [SCORE_MAX, 0, 0, 0]
FED_RESULTS = 3 * MAX_RESULTS  # far more results than any window holds: the queue is in its steady state
T0_MS = 10_000  # after the firmware's initial "previous detection" at 0 ms
BASE = DetectionSettings(detection_threshold=200, suppression_ms=500)
MLTK_MESSAGE = ' (the board prints "Too few samples for averaging")'  # MLTK's firmware's, not TFLM's


def without_mltk_message(reason: str | None) -> str | None:
    """The sentence for TFLM's recognizer, which prints nothing when too few results are queued."""
    return None if reason is None else reason.replace(MLTK_MESSAGE, "")


def detects_ever(settings: DetectionSettings, detector: type[Detector] = Detector) -> bool:
    """Does the firmware's detector fire on the loudest "yes", fed one result every latency_ms for a long time?"""
    det = detector(CLASSES, settings)
    times = (T0_MS + i * settings.latency_ms for i in range(FED_RESULTS))
    return any(det.process(LOUDEST_YES, t) is not None for t in times)


@pytest.mark.parametrize(("window_ms", "latency_ms", "count"), [
    *itertools.product((0, 100, 199, 200, 250, 1000), (30, 100, 600, 5000), (0, 1, 2, 3, 5, 11)),
    (3000, 10, MAX_RESULTS), (3000, 10, MAX_RESULTS + 1), (1000, 100, 100),
])
def test_the_count_rule_says_exactly_when_the_detector_can_decide(window_ms, latency_ms, count) -> None:
    settings = BASE.replace(average_window_duration_ms=window_ms, latency_ms=latency_ms, minimum_count=count)
    reason = never_detects_reason(settings, CLASSES)
    assert (reason is None) == detects_ever(settings)
    assert useful_count(window_ms, count, latency_ms) == (count <= results_in_window(window_ms, latency_ms))
    tflm_reason = never_detects_reason(settings, CLASSES, "tflm")  # the same rules, and TFLM's span rule
    assert (tflm_reason is None) == detects_ever(settings, TflmDetector)
    assert tflm_reason == without_mltk_message(reason) or (reason is None and tflm_reason is not None
                                                            and latency_ms > window_ms)


def test_the_tflm_span_sentence_names_the_fixes_and_they_work() -> None:
    settings = BASE.replace(average_window_duration_ms=100, latency_ms=600, minimum_count=0)
    reason = never_detects_reason(settings, semantics="tflm")
    assert reason == ("average_window_duration_ms 100 is shorter than the 600 ms between inferences: TFLM's "
                      "recognizer decides only when its averaged results span 25 ms (a quarter of the window), and "
                      "this window never holds two results, so nothing is ever detected; lengthen "
                      "average_window_duration_ms to 600 ms or shorten latency_ms to 100")
    assert never_detects_reason(settings) is None and detects_ever(settings)  # MLTK's firmware decides
    assert not detects_ever(settings, TflmDetector)
    for fixed in (settings.replace(average_window_duration_ms=600), settings.replace(latency_ms=100)):
        assert never_detects_reason(fixed, semantics="tflm") is None and detects_ever(fixed, TflmDetector)
    tiny = settings.replace(average_window_duration_ms=3)  # a quarter of 3 ms is 0 ms: a lone result decides
    assert never_detects_reason(tiny, semantics="tflm") is None and detects_ever(tiny, TflmDetector)


def test_the_count_sentence_names_the_fixes_and_they_work() -> None:
    settings = BASE.replace(average_window_duration_ms=100, latency_ms=100, minimum_count=3)
    reason = never_detects_reason(settings)
    assert reason == ("minimum_count 3 can never be reached: an averaging window of 100 ms holds at most 2 results "
                      "at one inference every 100 ms, so nothing is ever detected (the board prints \"Too few "
                      "samples for averaging\"); lower minimum_count to 2 or lengthen average_window_duration_ms "
                      "to 200 ms")
    assert detects_ever(settings.replace(minimum_count=2)) and detects_ever(settings.replace(
        average_window_duration_ms=200))
    too_many = never_detects_reason(settings.replace(minimum_count=MAX_RESULTS + 1, average_window_duration_ms=60_000))
    assert too_many is not None and f"lower minimum_count to {MAX_RESULTS} or less" in too_many


def test_only_mltks_firmware_is_said_to_print_too_few_samples() -> None:
    """MLTK's audio_classifier prints "Too few samples for averaging"; TFLM's recognizer returns without a word."""
    settings = BASE.replace(average_window_duration_ms=1000, latency_ms=100, minimum_count=20)
    mltk, tflm = never_detects_reason(settings), never_detects_reason(settings, semantics="tflm")
    assert mltk is not None and MLTK_MESSAGE in mltk
    assert tflm == ("minimum_count 20 can never be reached: an averaging window of 1000 ms holds at most 11 results "
                    "at one inference every 100 ms, so nothing is ever detected; lower minimum_count to 11 or "
                    "lengthen average_window_duration_ms to 1900 ms")
    assert not detects_ever(settings, TflmDetector) and detects_ever(settings.replace(minimum_count=11), TflmDetector)


def test_a_threshold_no_score_can_exceed_never_detects() -> None:
    top = BASE.replace(detection_threshold=SCORE_MAX)
    assert not detects_ever(top) and never_detects_reason(top) == (
        "detection_threshold 255 can never be exceeded: scores go up to 255 and a detection needs a score above "
        "the threshold; lower it to 254 or less")
    below = top.replace(detection_threshold=SCORE_MAX - 1)
    assert detects_ever(below) and never_detects_reason(below) is None


def test_a_threshold_list_counts_only_the_keywords_the_firmware_reports() -> None:
    keywords_at_top = BASE.replace(detection_threshold_list=(SCORE_MAX, SCORE_MAX, 100, 100))
    reason = never_detects_reason(keywords_at_top, CLASSES)
    assert reason is not None and reason.startswith("every keyword's entry of detection_threshold_list is 255")
    assert never_detects_reason(keywords_at_top) is None  # without the class names: the 100s may be keywords
    one_keyword = BASE.replace(detection_threshold=SCORE_MAX, detection_threshold_list=(SCORE_MAX, 254, 255, 255))
    assert never_detects_reason(one_keyword, CLASSES) is None  # the list replaces the global threshold



def test_a_window_the_firmware_cannot_hold_is_not_offered() -> None:
    from workbench.core.detection.settings import INT_PARAMETER_MAX
    from workbench.core.errors import SettingsError

    settings = BASE.replace(average_window_duration_ms=1000, latency_ms=INT_PARAMETER_MAX, minimum_count=3)
    reason = never_detects_reason(settings)
    assert reason is not None and reason.endswith("lower minimum_count to 1")
    assert "lengthen" not in reason
    with pytest.raises(SettingsError):  # the window it would have offered is refused by the settings themselves
        settings.replace(average_window_duration_ms=2 * INT_PARAMETER_MAX)
