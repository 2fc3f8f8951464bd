"""Keyword decisions exactly as the EFR32 ``audio_classifier`` firmware makes them.

Rules (MLTK ``cpp/shared/apps/audio_classifier/recognize_commands.cc``, ``audio_classifier.cc``):

* scores are uint8: int8 output + 128 (float outputs: ``(uint8)(p * 255)``), given by the caller;
* with ``minimum_count > 0`` each result is queued with its time; results older than
  ``now - average_window_duration_ms`` (strictly) are dropped; fewer than ``minimum_count`` queued → no
  decision; the average is the integer mean per class; with ``minimum_count == 0`` the latest scores are
  used as they are;
* the top class is the first index with the largest score, and only a score > 0 can be top (index 0 with
  score 0 otherwise);
* a detection needs top score strictly greater than the threshold (``detection_threshold_list[top]`` when
  the list is set), a label not starting with ``_``, and a top class different from the previous
  detection or more than ``suppression_ms`` after it; only detections update "previous" (initially class 0
  at time 0);
* after a detection the firmware resets the frontend and its spectrogram only when ``suppression_ms <= 1``
  (``audio_classifier.cc`` ``handle_results``): :attr:`Detector.resets_frontend_after_detection`.

:class:`TflmDetector` offers TensorFlow Lite Micro's ``micro_speech`` ``RecognizeCommands`` instead: the
same queue and integer mean, but no decision until the queued results span a quarter of the window, averaging
at ``minimum_count`` 0 too, every label ("silence" included) reported, and a repeated label waits
``suppression_ms`` unless it is silence.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import numpy.typing as npt

from workbench.core.detection.settings import SCORE_MAX, DetectionSettings, threshold_list_length_error
from workbench.core.errors import SettingsError

MAX_RESULTS = 50  # MAX_RESULT_COUNT of the firmware's results queue
IGNORED_PREFIX = "_"
MS_PER_SECOND = 1000
MLTK_SEMANTICS = "mltk"  # make_detector's names of the two rule sets
TFLM_SEMANTICS = "tflm"
_INTEGER_KINDS = "iu"  # numpy dtype kinds the detector takes scores in (signed, unsigned integers)


def is_keyword_class(name: str) -> bool:
    """Can the firmware report this class? It never reports one whose name starts with ``IGNORED_PREFIX``
    (``_unknown_``, ``_silence_``, negative-word classes), so every figure about keywords follows this rule."""
    return not name.startswith(IGNORED_PREFIX)


def keyword_classes(classes: Sequence[str]) -> list[str]:
    """The classes of ``classes`` that the firmware reports, in model order."""
    return [c for c in classes if is_keyword_class(c)]


@dataclass(frozen=True)
class Detection:
    time_s: float
    label: str
    class_index: int
    score: int  # 0-255, as the firmware prints it


class Detector:
    """MLTK ``audio_classifier`` semantics; feed one score vector per inference."""

    def __init__(self, classes: Sequence[str], settings: DetectionSettings) -> None:
        self.classes = tuple(classes)
        self._results: deque[tuple[int, np.ndarray]] = deque()
        self._averages = np.zeros(len(self.classes), np.uint8)
        self.update_settings(settings)
        self.reset()

    @property
    def settings(self) -> DetectionSettings:
        return self._settings

    @property
    def averages(self) -> npt.NDArray[np.uint8]:
        """The smoothed scores the last decision used (what the GUI draws beside the raw ones)."""
        return self._averages

    @property
    def result_count(self) -> int:
        return len(self._results)

    @property
    def resets_frontend_after_detection(self) -> bool:
        return self._settings.suppression_ms <= 1

    def check_settings(self, settings: DetectionSettings) -> None:
        """Raise :class:`SettingsError` when ``settings`` do not fit this detector's classes.

        Why separate from :meth:`update_settings`: it reads only the (immutable) class names, so a caller in
        another thread (``Engine.set_detection_settings``) can refuse settings before they are queued.
        """
        length_error = threshold_list_length_error(settings.detection_threshold_list, len(self.classes))
        if length_error:
            raise SettingsError(length_error)

    def update_settings(self, settings: DetectionSettings) -> None:
        """New parameters from the next result on; the queued results are kept."""
        self.check_settings(settings)
        self._settings = settings

    def reset(self) -> None:
        """Back to the firmware's state at start-up: no queued results, zero averages, and "previous
        detection" class 0 at 0 ms (so the ``time_ms`` of the following :meth:`process` calls restart from 0)."""
        self._results.clear()
        self._averages = np.zeros(len(self.classes), np.uint8)
        self._previous_index = 0
        self._previous_time_ms = 0

    def _checked_scores(self, scores_u8: npt.ArrayLike) -> np.ndarray:
        """A copy of ``scores_u8`` as uint8; refuses what a uint8 cast would silently change.

        Why: ``np.asarray(..., dtype=np.uint8)`` turns probabilities into 0, 300 into 44 and -56 into 200 (a
        detection); integers 0-255 of any integer dtype (a list of ints too) are the scores themselves.
        """
        scores = np.asarray(scores_u8)
        if scores.dtype != np.uint8 and scores.size:
            if scores.dtype.kind not in _INTEGER_KINDS:
                raise TypeError(f"the detector takes the model's uint8-scaled scores 0-{SCORE_MAX} (int8 output "
                                f"+ 128, or (uint8)(p * {SCORE_MAX}) for a float output), as MLTK's firmware "
                                f"does; got {scores.dtype} values")
            low, high = int(scores.min()), int(scores.max())
            if low < 0 or high > SCORE_MAX:
                raise ValueError(f"scores must be whole numbers 0-{SCORE_MAX} (the model's uint8-scaled "
                                 f"scores), got values from {low} to {high}")
        scores = scores.astype(np.uint8).reshape(-1)
        if scores.size != len(self.classes):
            raise ValueError(f"expected {len(self.classes)} scores, got {scores.size}")
        return scores

    def _smoothed(self, scores: np.ndarray, time_ms: int) -> np.ndarray | None:
        s = self._settings
        if s.minimum_count == 0:
            return scores.astype(np.int64)
        self._queue(scores, time_ms)
        if len(self._results) < s.minimum_count:
            return None
        return self._queued_mean()

    def _queue(self, scores: np.ndarray, time_ms: int) -> None:
        """Queue the result, then drop the expired ones: both firmwares' results queue.

        The new result is refused when the queue is already full (``push_back`` before the pruning), and a
        result is dropped only when strictly older than ``time_ms - average_window_duration_ms``.
        """
        if len(self._results) < MAX_RESULTS:
            self._results.append((time_ms, scores))
        limit = time_ms - self._settings.average_window_duration_ms
        while self._results and self._results[0][0] < limit:
            self._results.popleft()

    def _queued_mean(self) -> np.ndarray:
        """The integer mean per class of the queued uint8 scores (summed, then divided with truncation)."""
        total = np.sum([r for _, r in self._results], axis=0, dtype=np.int64)
        return total // len(self._results)

    def process(self, scores_u8: npt.ArrayLike, time_ms: int) -> Detection | None:
        """One inference's scores; the detection it triggers, or None.

        ``scores_u8``: one score per class, the model's uint8-scaled scores 0-255 as the firmware computes them
        (int8 output + 128; ``(uint8)(p * 255)`` for a float output: ``ModelRunner.scores_u8``). Any integer
        dtype holding 0-255 is taken; floats (probabilities) and values out of range raise TypeError /
        ValueError instead of wrapping.
        ``time_ms``: the inference's timestamp in whole milliseconds since the stream (or the last
        :meth:`reset`) started, as the firmware loop's clock; it should not go backwards, since the averaging
        window and the suppression time are measured on it.
        """
        scores = self._checked_scores(scores_u8)
        averaged = self._smoothed(scores, int(time_ms))
        if averaged is None:
            self._averages = np.zeros(len(self.classes), np.uint8)
            return None
        self._averages = averaged.astype(np.uint8)
        top = int(np.argmax(averaged)) if averaged.max() > 0 else 0
        score = int(averaged[top])
        label = self.classes[top]
        since_last = int(time_ms) - self._previous_time_ms
        if (score > self._settings.threshold_for(top) and is_keyword_class(label)
                and (top != self._previous_index or since_last > self._settings.suppression_ms)):
            self._previous_index, self._previous_time_ms = top, int(time_ms)
            return Detection(int(time_ms) / MS_PER_SECOND, label, top, score)
        return None


class TflmDetector(Detector):
    """TFLM ``micro_speech`` ``RecognizeCommands::ProcessLatestResults`` (``recognize_commands.cc``), rule for rule.

    For each inference (the statement of TFLM's source each rule follows in brackets):

    * the result is queued and the expired ones dropped as the MLTK firmware does (:meth:`_queue`: the same
      ``PreviousResultsQueue`` of :data:`MAX_RESULTS`, ``push_back`` then ``time_ < time_limit``);
    * no decision -- TFLM returns the previous label, score 0, not a new command, and keeps its state --
      while fewer than ``minimum_count`` results are queued or they span less than a quarter of the window
      (``how_many_results < minimum_count_ || samples_duration < average_window_duration_ms_ / 4``, with
      ``samples_duration`` = now - the earliest queued result's time, integer division); ``minimum_count`` 0
      has no case of its own: the latest result alone is never used, the window is averaged all the same;
    * the average is the integer mean per class of the uint8 scores (``scores[i] + 128`` summed in int32,
      then ``/= how_many_results``);
    * the top class is the first index with the largest average, and only an average above 0 replaces
      index 0 (``average_scores[i] > current_top_score``, starting from index 0 and score 0);
    * a new command needs the top average strictly above the threshold and a label other than the
      previous command's or more than ``suppression_ms`` since the previous command; that time counts as
      forever before the first command and after a silence command (``previous_top_label_ ==
      kCategoryLabels[0]``: TFLM's class 0 is "silence", here the class named ``_silence...``);
    * only a new command sets the previous label and time (initially "silence" at ``INT32_MIN``), so the
      suppression counts from the last command, not from the last change of the top class.

    An empty queue (a full queue refusing the result, then every queued one expiring) makes no decision
    where TFLM, at ``minimum_count`` 0, would divide by zero. TFLM has one threshold; a
    ``detection_threshold_list`` is honoured as by MLTK's firmware. Differences from that firmware: every
    label, ``_silence_``/``_unknown_`` included, can be a new command (the example's responder decides what
    to show); the frontend is never reset.
    """

    SILENCE_PREFIX = "_silence"
    INITIAL_LABEL = "_silence_"  # the constructor's previous_top_label_ = "silence"
    MINIMUM_SPAN_FRACTION = 4  # the queued results must span average_window_duration_ms / 4 for a decision

    @property
    def resets_frontend_after_detection(self) -> bool:
        return False

    def reset(self) -> None:
        super().reset()
        self._previous_label = self.INITIAL_LABEL
        self._previous_time_ms: int | None = None  # previous_top_label_time_ = INT32_MIN: no command yet

    def _smoothed(self, scores: np.ndarray, time_ms: int) -> np.ndarray | None:
        """The window's mean, or None where TFLM bails out (too few results, or too short a span)."""
        s = self._settings
        self._queue(scores, time_ms)
        if not self._results or len(self._results) < s.minimum_count:
            return None
        if time_ms - self._results[0][0] < s.average_window_duration_ms // self.MINIMUM_SPAN_FRACTION:
            return None
        return self._queued_mean()

    def process(self, scores_u8: npt.ArrayLike, time_ms: int) -> Detection | None:
        """One inference's scores (as :meth:`Detector.process` takes them); the new command, or None."""
        scores = self._checked_scores(scores_u8)
        averaged = self._smoothed(scores, int(time_ms))
        if averaged is None:  # bail-out: score 0, not new, previous label and time kept
            self._averages = np.zeros(len(self.classes), np.uint8)
            return None
        self._averages = averaged.astype(np.uint8)
        top = int(np.argmax(averaged)) if averaged.max() > 0 else 0
        label, score = self.classes[top], int(averaged[top])
        if self._previous_time_ms is None or self._previous_label.startswith(self.SILENCE_PREFIX):
            since_last = None  # "forever": suppression does not apply
        else:
            since_last = int(time_ms) - self._previous_time_ms
        if score > self._settings.threshold_for(top) and (
                label != self._previous_label or since_last is None or since_last > self._settings.suppression_ms):
            self._previous_label, self._previous_time_ms = label, int(time_ms)
            return Detection(int(time_ms) / MS_PER_SECOND, label, top, score)
        return None


def make_detector(semantics: str, classes: Sequence[str], settings: DetectionSettings) -> Detector:
    """``"mltk"`` (the EFR32 firmware, default) or ``"tflm"`` (TFLM micro_speech)."""
    if semantics == MLTK_SEMANTICS:
        return Detector(classes, settings)
    if semantics == TFLM_SEMANTICS:
        return TflmDetector(classes, settings)
    raise SettingsError(f"unknown detection semantics {semantics!r}; use 'mltk' or 'tflm'")
