"""How far a stream's figures hang on its speakers: a speaker bootstrap of FRR and false accepts per hour.

Why: a test stream holds a few dozen speakers, and its figures are sums over them. On the workbench's own
goal stream one speaker who says "go" much like "no" makes a fifth of a model's false accepts, and another
speaker's yes and no a fifth of its misses; two trainings that differ only in their seed differ by 9 points
of FRR. Drawing the stream's speakers again (with replacement, as many as it has) and summing their figures
gives the range that another group of speakers like these could show -- the 95 % interval a user needs
before calling one model or parameter set better than another.

A speaker is the Speech Commands speaker id of an event's clip (``<speaker>_nohash_<n>.wav``: the part of the
file name before ``_nohash_``), which ``kws stream make`` writes for every word. A false accept belongs to the
speaker of the word it falls on (the attribution of :mod:`false_accept_words`); false accepts between words,
on events without a speaker, and on background recordings stay as they are in every draw. Every speaker of the
stream is redrawn -- those of other words too, as they carry false accepts -- so a stream of 34 speakers, 13 of whom
say a keyword, redraws 34; the interval's line names both counts. A stream with fewer than ``MIN_SPEAKERS``
speakers of keywords gets no interval.

Two models on one stream are compared with the SAME speakers drawn for both (:func:`paired_difference`): the
speakers both find hard cancel out, so the interval of the difference is much narrower than the two models'
own intervals side by side suggest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Sequence

import numpy as np

from workbench.calibration.results.false_accept_words import NO_EVENT, events_under
from workbench.calibration.streams.labels import LabelEvent, StreamLabels
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.sweep.matching import KeywordEvents, class_events, match_detections
from workbench.datasets.layout import speaker_of
from workbench.datasets.speaker_bootstrap import CONFIDENCE, DRAWS, MIN_SPEAKERS, SEED, draw_weights, interval
from workbench.datasets.splits import NOHASH_MARK

NO_SPEAKER = -1
PERCENT = 100.0


@dataclass(frozen=True)
class SpeakerSpread:
    """95 % intervals of FRR (a fraction) and FA/h over redrawn speakers."""

    speakers: int  # speakers with at least one keyword
    frr: tuple[float, float]
    fa_per_hour: tuple[float, float]
    redrawn: int  # every speaker of the stream: how many are drawn (with replacement) in each draw

    def to_json(self) -> dict[str, Any]:
        """The interval's document; ``speakers`` is the old name of ``keyword_speakers``, kept for readers of
        earlier documents (it never counted the speakers redrawn, ``speakers_redrawn`` does)."""
        return {"speakers_redrawn": self.redrawn, "keyword_speakers": self.speakers, "speakers": self.speakers,
                "confidence": CONFIDENCE, "frr": list(self.frr), "fa_per_hour": list(self.fa_per_hour)}


def describe_interval(spread: dict[str, Any]) -> str:
    """One line for a report or a status bar, from :meth:`SpeakerSpread.to_json`'s document: how many speakers
    each draw takes and how many of them say keywords. A document written before ``speakers_redrawn`` holds
    only the second count, so its line names no number of speakers redrawn rather than a wrong one."""
    (frr_low, frr_high), (fa_low, fa_high) = spread["frr"], spread["fa_per_hour"]
    redrawn = spread.get("speakers_redrawn")
    speakers = "speakers" if redrawn is None else f"{redrawn} speakers"
    keyword_speakers = spread.get("keyword_speakers", spread["speakers"])
    return (f"{spread['confidence'] * PERCENT:.0f} % interval over the stream's {speakers} redrawn "
            f"({keyword_speakers} of them speak keywords): FRR {frr_low * PERCENT:.1f}–{frr_high * PERCENT:.1f} %, "
            f"{fa_low:.1f}–{fa_high:.1f} FA/h")


def event_speaker(event: LabelEvent) -> str | None:
    """The speaker id of an event's clip, or None when its file name does not carry one."""
    name = PurePosixPath(event.clip.replace("\\", "/")).name
    return speaker_of(Path(name)) if NOHASH_MARK in name else None


@dataclass(frozen=True)
class SpeakerCounts:
    """One parameter set's keywords, misses and false accepts per speaker of a stream (index = speaker in
    order of first appearance in the labels, so two models calibrated on one stream share the indices)."""

    speakers: int  # speakers with at least one keyword
    keywords: np.ndarray  # per speaker (every speaker of the stream: its size is how many a draw takes)
    misses: np.ndarray
    false_accepts: np.ndarray
    fixed_keywords: float  # on events without a speaker: the same in every draw
    fixed_misses: float
    fixed_false_accepts: float  # between words, on events without a speaker, on background audio
    hours: float

    def drawn(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """FRR (NaN for a draw without keywords) and FA/h of each draw; ``weights``: draws x speakers,
        how many times each speaker was drawn."""
        drawn_keywords = weights @ self.keywords + self.fixed_keywords
        with np.errstate(invalid="ignore", divide="ignore"):
            frr = np.where(drawn_keywords > 0, (weights @ self.misses + self.fixed_misses) / drawn_keywords, np.nan)
        return frr, (weights @ self.false_accepts + self.fixed_false_accepts) / self.hours


def speaker_counts(detections: DetectionArrays, labels: StreamLabels, events: KeywordEvents, tolerance_s: float,
                   classes: Sequence[str], hours: float, background_false_accepts: int = 0) -> SpeakerCounts | None:
    """Per-speaker figures of one parameter set's ``detections`` on the stream (see the module docstring);
    ``hours`` is the audio the FA/h figure divides by (stream and background together). None when the
    stream has fewer than ``MIN_SPEAKERS`` speakers of keywords."""
    ids: dict[str, int] = {}

    def index_of(event: LabelEvent) -> int:
        speaker = event_speaker(event)
        return NO_SPEAKER if speaker is None else ids.setdefault(speaker, len(ids))

    event_speakers = np.array([index_of(e) for e in labels.events] + [NO_SPEAKER], np.int64)  # + a safe [-1]
    match = match_detections(detections, events, tolerance_s)
    keyword_speaker, keyword_hit = [], []
    for class_index, name in enumerate(classes):
        of_class = class_events(labels, name)
        hit = np.zeros(len(of_class), bool)
        hit[match.matched_event[match.true_detection & (detections.class_index == class_index)]] = True
        keyword_speaker += [index_of(e) for e in of_class]
        keyword_hit += hit.tolist()
    speakers = np.array(keyword_speaker, np.int64)
    with_speaker = speakers != NO_SPEAKER
    keyword_speakers = np.unique(speakers[with_speaker]).size
    if keyword_speakers < MIN_SPEAKERS or hours <= 0:
        return None
    count = len(ids)
    missed = ~np.array(keyword_hit, bool)
    under = events_under(detections.time_s[~match.true_detection], labels, tolerance_s)
    owners = np.where(under == NO_EVENT, NO_SPEAKER, event_speakers[under])
    return SpeakerCounts(
        speakers=int(keyword_speakers),
        keywords=np.bincount(speakers[with_speaker], minlength=count).astype(np.float64),
        misses=np.bincount(speakers[with_speaker & missed], minlength=count).astype(np.float64),
        false_accepts=np.bincount(owners[owners != NO_SPEAKER], minlength=count).astype(np.float64),
        fixed_keywords=float((~with_speaker).sum()), fixed_misses=float((~with_speaker & missed).sum()),
        fixed_false_accepts=float(background_false_accepts + (owners == NO_SPEAKER).sum()), hours=hours)


def spread_of(counts: SpeakerCounts | None, draws: int = DRAWS, seed: int = SEED) -> SpeakerSpread | None:
    """The 95 % intervals of FRR and FA/h over every speaker of the stream redrawn."""
    if counts is None:
        return None
    frr, fa = counts.drawn(draw_weights(counts.keywords.size, draws, seed))
    return SpeakerSpread(speakers=counts.speakers, frr=interval(frr), fa_per_hour=interval(fa),
                         redrawn=counts.keywords.size)


def paired_difference(first: SpeakerCounts | None, second: SpeakerCounts | None, draws: int = DRAWS,
                      seed: int = SEED) -> SpeakerSpread | None:
    """95 % intervals of ``second - first`` (FRR and FA/h) when the SAME speakers are drawn for both: two
    models (or parameter sets) on one stream. An FRR interval that excludes 0 means the difference is larger
    than what another group of such speakers could undo. None unless both have the same speakers."""
    if first is None or second is None or not np.array_equal(first.keywords, second.keywords):
        return None  # not the same stream's speakers and keywords
    weights = draw_weights(first.keywords.size, draws, seed)
    (frr_a, fa_a), (frr_b, fa_b) = first.drawn(weights), second.drawn(weights)
    return SpeakerSpread(speakers=first.speakers, frr=interval(frr_b - frr_a), fa_per_hour=interval(fa_b - fa_a),
                         redrawn=first.keywords.size)
