"""Which detection hit which keyword, which was a false accept and on what word, and which keywords were missed.

Why a list beside the counts: ``kws calibrate`` says "no on 'go' 2"; to act on it -- listen to those words, train
on them -- one needs *which* detections they were. The outcomes come from the calibration's own rule
(:func:`~workbench.calibration.sweep.matching.match_detections`) and its attribution of false accepts to words
(:func:`~workbench.calibration.results.false_accept_words.events_under`), so they always add up to what
``kws calibrate`` counts for the same detections.

The rule takes detections in time order and gives each the earliest unmatched keyword whose window holds it, so
a detection's outcome depends only on the detections before it: it can be said while the file still plays. A
keyword is missed once no later detection can reach its window (``end_s + tolerance``); until then it is
unsettled, and :attr:`StreamOutcomes.unsettled_s` says from when the order of what follows is not yet known.

Only keyword classes are scored (:func:`~workbench.core.detection.detector.is_keyword_class`): MLTK's firmware never
reports a ``_`` class, but TFLM's recognizer (``--semantics tflm``) reports every label, ``_silence_`` on every
quiet second. Such a detection is neither a hit nor a false accept -- counting it would bury the keywords' figures
under the silence and make them no longer ``kws calibrate``'s -- so it is :data:`NOT_SCORED`, with no event.

A background-only recording (``kws calibrate --background``: TV, music, an office) has no labels: every scored
detection in it is a false accept, on no event (:func:`background_outcomes`), as the calibration counts it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import numpy.typing as npt

from workbench.calibration.results.false_accept_words import NO_EVENT, events_under
from workbench.calibration.results.speaker_spread import event_speaker
from workbench.calibration.streams.labels import LabelEvent, StreamLabels
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.sweep.matching import KeywordEvents, class_events, match_detections
from workbench.core.detection.detector import is_keyword_class

HIT = "hit"
FALSE_ACCEPT = "false_accept"
MISS = "miss"
NOT_SCORED = "not_scored"  # a detection of a class that is no keyword (module docstring)
_RANK = {HIT: 0, FALSE_ACCEPT: 0, NOT_SCORED: 0, MISS: 1}  # at one time: the detection, then the miss


@dataclass(frozen=True)
class Outcome:
    """One detection judged against the labels, or one keyword that no detection hit."""

    kind: str  # HIT, FALSE_ACCEPT, MISS or NOT_SCORED
    time_s: float  # the detection's time; for a miss, its keyword's start
    label: str  # the class detected, or the keyword missed
    class_index: int
    # the keyword hit or missed; the event a false accept fell on (None: between words); None when not scored
    event: LabelEvent | None
    score: int | None = None  # the detection's score (None for a miss)

    @property
    def word(self) -> str | None:
        """What ``kws calibrate`` names the event by (its word, else its label); None between words."""
        return None if self.event is None else self.event.word or self.event.label

    @property
    def speaker(self) -> str | None:
        """The speaker id of the event's clip (``<speaker>_nohash_<n>.wav``), None when unknown."""
        return None if self.event is None else event_speaker(self.event)


@dataclass(frozen=True)
class StreamOutcomes:
    """The outcomes known so far, in time order, and where the unknown begins."""

    outcomes: tuple[Outcome, ...]
    unsettled_s: float  # the start of the earliest keyword a later detection could still hit (inf: none)

    def of_kind(self, kind: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind == kind]


def scored_detections(detections: DetectionArrays, classes: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Per detection, whether its class is a keyword, which alone is scored (module docstring)."""
    keyword = np.array([is_keyword_class(name) for name in classes], bool)
    return keyword[detections.class_index]


def detection_outcomes(detections: DetectionArrays, labels: StreamLabels, classes: Sequence[str],
                       tolerance_s: float, heard_s: float = math.inf) -> StreamOutcomes:
    """Every detection's outcome, and a miss for each keyword no detection hit whose window closed before
    ``heard_s`` -- the earliest time a detection still to come can have (inf: the whole recording was heard).
    A detection of a class that is no keyword is :data:`NOT_SCORED`: it neither hits nor is a false accept."""
    scored = scored_detections(detections, classes)
    keyword_detections = DetectionArrays(detections.time_ms[scored], detections.class_index[scored],
                                         detections.score[scored])
    match = match_detections(keyword_detections, KeywordEvents.from_labels(labels, classes), tolerance_s)
    under = events_under(keyword_detections.time_s, labels, tolerance_s)
    keywords = [class_events(labels, name) for name in classes]
    outcomes = []
    k = 0  # the detection's index among the scored ones
    for is_scored, time_s, c, score in zip(scored.tolist(), detections.time_s.tolist(),
                                           detections.class_index.tolist(), detections.score.tolist()):
        if not is_scored:
            outcomes.append(Outcome(NOT_SCORED, time_s, classes[c], c, None, score))
            continue
        if match.true_detection[k]:
            outcomes.append(Outcome(HIT, time_s, classes[c], c, keywords[c][int(match.matched_event[k])], score))
        else:
            event = None if under[k] == NO_EVENT else labels.events[int(under[k])]
            outcomes.append(Outcome(FALSE_ACCEPT, time_s, classes[c], c, event, score))
        k += 1
    hit = set(zip(keyword_detections.class_index[match.true_detection].tolist(),
                  match.matched_event[match.true_detection].tolist()))
    unsettled = math.inf
    for c, events in enumerate(keywords):
        for i, event in enumerate(events):
            if (c, i) in hit:
                continue
            if event.end_s + tolerance_s < heard_s:
                outcomes.append(Outcome(MISS, event.start_s, event.label, c, event))
            else:
                unsettled = min(unsettled, event.start_s)
    outcomes.sort(key=lambda o: (o.time_s, _RANK[o.kind]))  # stable: detections keep their order
    return StreamOutcomes(tuple(outcomes), unsettled)


def background_outcomes(detections: DetectionArrays, classes: Sequence[str]) -> tuple[Outcome, ...]:
    """Every detection in a background-only recording: a false accept on no event when its class is a keyword
    (there is no keyword to hit), else :data:`NOT_SCORED` -- as ``kws calibrate`` counts the background's."""
    scored = scored_detections(detections, classes)
    return tuple(Outcome(FALSE_ACCEPT if is_scored else NOT_SCORED, time_s, classes[c], c, None, score)
                 for is_scored, time_s, c, score in zip(scored.tolist(), detections.time_s.tolist(),
                                                        detections.class_index.tolist(), detections.score.tolist()))
