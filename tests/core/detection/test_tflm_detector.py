"""TFLM ``micro_speech`` truth tables, hand-derived from ``recognize_commands.cc`` (``ProcessLatestResults``).

Each expectation follows one statement of TFLM's source, named in the case: the bail-out while the queued
results span less than ``average_window_duration_ms / 4`` or number fewer than ``minimum_count``, the
averaging at ``minimum_count`` 0, and the suppression counted from the last command.
"""

from __future__ import annotations

import pytest

from tests.core.detection.test_detector import CLASSES, NO, SIL, YES, run
from workbench.core.detection.detector import MAX_RESULTS, TflmDetector
from workbench.core.detection.settings import DetectionSettings

WINDOW_MS = 1000  # its quarter, 250 ms, is the span TFLM waits for
TFLM = DetectionSettings(average_window_duration_ms=WINDOW_MS, detection_threshold=150, suppression_ms=500,
                         minimum_count=1, latency_ms=100)
LATEST_ONLY = TFLM.replace(average_window_duration_ms=0, minimum_count=0)  # a 0 ms window holds the latest result
YES_230 = [230, 0, 0, 0]
ZERO = [0, 0, 0, 0]


def tflm(feed, settings=TFLM):  # type: ignore[no-untyped-def]
    """Detections from stream time 0: TFLM's first state ("silence" at INT32_MIN) suppresses nothing."""
    return run(feed, settings, TflmDetector, t0=0)


@pytest.mark.parametrize("name,settings,feed,expected", [
    ("no decision until the results span window / 4", TFLM, [(t, YES_230) for t in range(0, 1000, 100)],
     [(300, "yes", 230), (900, "yes", 230)]),
    ("a span of exactly window / 4 decides", TFLM, [(0, YES), (249, YES), (250, YES)], [(250, "yes", 200)]),
    ("the quarter is an integer division", TFLM.replace(average_window_duration_ms=1003), [(0, YES), (250, YES)],
     [(250, "yes", 200)]),
    ("one more millisecond of window waits longer", TFLM.replace(average_window_duration_ms=1004),
     [(0, YES), (250, YES), (251, YES)], [(251, "yes", 200)]),
    ("the span is measured to now, even when a full queue refuses the result", TFLM,
     [(t, YES) for t in range(MAX_RESULTS)] + [(t, ZERO) for t in range(MAX_RESULTS, 260, 10)],
     [(250, "yes", 200)]),
    ("fewer results than minimum_count bail out", TFLM.replace(minimum_count=3),
     [(0, YES), (500, YES), (600, YES)], [(600, "yes", 200)]),
    ("a lone result after a gap spans 0 ms", TFLM, [(0, YES), (300, YES), (2000, NO), (2100, NO), (2300, NO)],
     [(300, "yes", 200), (2300, "no", 200)]),
    ("count 0 still averages the window", TFLM.replace(minimum_count=0),
     [(0, YES), (100, YES), (200, YES), (300, [160, 0, 0, 0])], [(300, "yes", 190)]),
    ("count 0 averages old scores away", TFLM.replace(minimum_count=0),
     [(0, ZERO), (100, ZERO), (200, ZERO), (300, YES)], []),
    ("the window keeps its edge, drops what is older", TFLM.replace(average_window_duration_ms=400, suppression_ms=0),
     [(0, YES), (100, YES), (400, [100, 0, 0, 0]), (401, [255, 0, 0, 0])],
     [(100, "yes", 200), (400, "yes", 166), (401, "yes", 185)]),
    ("any label can be a command at start", LATEST_ONLY, [(0, SIL), (100, SIL)],
     [(0, "_silence_", 250), (100, "_silence_", 250)]),
    ("suppression counts from the last command, not the last change of top class", LATEST_ONLY,
     [(100, YES), (200, [0, 100, 0, 0]), (300, YES), (601, YES), (1000, YES), (1102, YES)],
     [(100, "yes", 200), (601, "yes", 200), (1102, "yes", 200)]),
    ("another label is a command at once", LATEST_ONLY, [(100, YES), (150, NO), (200, YES)],
     [(100, "yes", 200), (150, "no", 200), (200, "yes", 200)]),
    ("after silence nothing is suppressed", LATEST_ONLY, [(100, SIL), (150, YES), (200, SIL), (210, SIL)],
     [(100, "_silence_", 250), (150, "yes", 200), (200, "_silence_", 250), (210, "_silence_", 250)]),
    ("equal to the threshold is not a command", LATEST_ONLY.replace(detection_threshold=200), [(100, YES)], []),
])
def test_tflm_truth_table(name, settings, feed, expected) -> None:
    assert tflm(feed, settings) == expected, name


def test_a_bail_out_keeps_the_previous_command_and_reports_score_zero() -> None:
    """The bail-out returns ``previous_top_label_`` with score 0 and changes no state: after "yes" at 300 ms,
    a lone "no" after a gap makes no decision, so the "yes" the window averages to at 2300 ms is still the
    previous command's label, suppressed for 5000 ms from 300 ms."""
    det = TflmDetector(CLASSES, TFLM.replace(suppression_ms=5000, detection_threshold=100))
    assert [det.process(YES, t) for t in range(0, 300, 100)] == [None, None, None]
    assert det.averages.tolist() == ZERO  # score 0 while bailing out
    first = det.process(YES, 300)
    assert first is not None and (first.label, first.time_s) == ("yes", 0.3)
    assert det.process(NO, 2000) is None and det.averages.tolist() == ZERO and det.result_count == 1
    assert [det.process(YES, t) for t in (2100, 2200, 2300)] == [None, None, None]
    assert det.averages.tolist() == [150, 50, 0, 0]  # decided: (3 * 200) // 4 and 200 // 4, top "yes" suppressed
    later = [(t, det.process(YES, t)) for t in range(2400, 5500, 100)]
    assert [t for t, found in later if found is not None] == [5400]  # the first more than 5000 ms after 300 ms


def test_reset_restarts_the_span_and_the_previous_command() -> None:
    det = TflmDetector(CLASSES, TFLM)
    assert [det.process(YES_230, t) is not None for t in range(0, 400, 100)] == [False, False, False, True]
    det.reset()
    assert det.result_count == 0
    assert [det.process(YES_230, t) is not None for t in range(0, 400, 100)] == [False, False, False, True]
