"""Detection settings that can never detect anything, and the one sentence that says why.

Why one rule: ``kws detect``, ``kws params``, the tuning panel, a training spec's ``[detection]`` defaults
and ``kws calibrate`` all meet such settings, and the board gives no error for them -- it just never
detects (for a too large ``minimum_count`` MLTK's firmware prints "Too few samples for averaging" on every
inference; TFLM's recognizer prints nothing, so only the sentence for MLTK's rules quotes it). Two things make a
set of settings useless, both from the firmware's recognizer (see ``detector.py``):

* ``minimum_count`` above the results an averaging window can ever hold: one result every ``latency_ms``,
  results older than ``now - average_window_duration_ms`` (strictly) dropped, so at most
  ``window // latency + 1`` -- and never more than the queue's :data:`MAX_RESULTS`;
* a threshold no score can exceed: a detection needs an averaged score strictly above the threshold, and
  scores stop at :data:`SCORE_MAX`, so a threshold of 255 (for every keyword, with a per-class list)
  never fires.

``minimum_count`` 0 averages nothing and always decides. The rule is about the configured interval: a
board whose inference takes longer than ``latency_ms`` holds fewer results still.

TFLM's ``micro_speech`` recognizer (``semantics="tflm"``, :class:`~.detector.TflmDetector`) has one more:
it decides only once the queued results span ``average_window_duration_ms // 4``, so a window shorter than
the interval between inferences (which then holds one result, spanning 0 ms) never decides unless that
quarter is 0 ms -- at any ``minimum_count``, 0 included.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.core.detection.detector import (MAX_RESULTS, MLTK_SEMANTICS, TFLM_SEMANTICS, TflmDetector,
                                                is_keyword_class)
from workbench.core.detection.settings import INT_PARAMETER_MAX, SCORE_MAX, THRESHOLD_LIST_KEY, DetectionSettings
from workbench.core.wording import counted

HIGHEST_USEFUL_THRESHOLD = SCORE_MAX - 1  # the highest threshold a score (at most SCORE_MAX) can exceed
TOO_FEW_SAMPLES = "Too few samples for averaging"  # what MLTK's audio_classifier prints for each undecided inference


def results_in_window(window_ms: int, latency_ms: int) -> int:
    """The most results the recognizer can average over ``window_ms`` at one result every ``latency_ms``."""
    return min(MAX_RESULTS, window_ms // max(latency_ms, 1) + 1)


def useful_count(window_ms: int, count: int, latency_ms: int) -> bool:
    """Can ``count`` results ever be queued inside ``window_ms`` at one result per ``latency_ms``?"""
    return count <= results_in_window(window_ms, latency_ms)


def never_detects_reason(settings: DetectionSettings, classes: Sequence[str] | None = None,
                         semantics: str = MLTK_SEMANTICS) -> str | None:
    """Why ``settings`` can never detect anything, in one sentence saying what to change (None when they can).

    ``classes`` (the model's, when known) limits a per-class threshold list to the keywords: the firmware
    never reports a ``_``-class, so its entry may be anything. ``semantics`` names the detector's rules as
    :func:`~.detector.make_detector` takes them; ``"tflm"`` adds TFLM's span rule (module docstring).
    """
    span_reason = _span_reason(settings) if semantics == TFLM_SEMANTICS else None
    return _count_reason(settings, semantics) or span_reason or _threshold_reason(settings, classes)


def _span_reason(settings: DetectionSettings) -> str | None:
    window, latency = settings.average_window_duration_ms, settings.latency_ms
    quarter = window // TflmDetector.MINIMUM_SPAN_FRACTION
    if latency <= window or quarter == 0:
        return None
    return (f"average_window_duration_ms {window} is shorter than the {latency} ms between inferences: TFLM's "
            f"recognizer decides only when its averaged results span {quarter} ms (a quarter of the window), "
            f"and this window never holds two results, so nothing is ever detected; lengthen "
            f"average_window_duration_ms to {latency} ms or shorten latency_ms to {window}")


def _count_reason(settings: DetectionSettings, semantics: str) -> str | None:
    count, window, latency = settings.minimum_count, settings.average_window_duration_ms, settings.latency_ms
    if count == 0 or useful_count(window, count, latency):
        return None
    if count > MAX_RESULTS:
        return (f"minimum_count {count} can never be reached: the firmware keeps at most {MAX_RESULTS} results "
                f"to average, so it never detects anything; lower minimum_count to {MAX_RESULTS} or less")
    most = results_in_window(window, latency)
    needed = (count - 1) * latency  # a longer window is offered only when the firmware can hold it
    longer = f" or lengthen average_window_duration_ms to {needed} ms" if needed <= INT_PARAMETER_MAX else ""
    printed = f" (the board prints \"{TOO_FEW_SAMPLES}\")" if semantics == MLTK_SEMANTICS else ""
    return (f"minimum_count {count} can never be reached: an averaging window of {window} ms holds at most "
            f"{counted(most, 'result')} at one inference every {latency} ms, so nothing is ever "
            f"detected{printed}; lower minimum_count to {most}{longer}")


def _threshold_reason(settings: DetectionSettings, classes: Sequence[str] | None) -> str | None:
    thresholds = settings.detection_threshold_list
    if not thresholds:
        if settings.detection_threshold < SCORE_MAX:
            return None
        return (f"detection_threshold {settings.detection_threshold} can never be exceeded: scores go up to "
                f"{SCORE_MAX} and a detection needs a score above the threshold; lower it to "
                f"{HIGHEST_USEFUL_THRESHOLD} or less")
    if classes is not None and len(classes) == len(thresholds):
        entries = [t for name, t in zip(classes, thresholds) if is_keyword_class(name)]
        which = "every keyword's entry"
    else:
        entries, which = list(thresholds), "every entry"
    if not entries or min(entries) < SCORE_MAX:
        return None
    return (f"{which} of {THRESHOLD_LIST_KEY} is {SCORE_MAX}, which no score can exceed, so nothing is ever "
            f"detected; lower them to {HIGHEST_USEFUL_THRESHOLD} or less")
