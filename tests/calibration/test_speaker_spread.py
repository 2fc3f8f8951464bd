"""The speaker bootstrap of a stream's figures: exact where every draw must agree, wide where one speaker decides."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.calibration.results.speaker_spread import (
    describe_interval, event_speaker, paired_difference, speaker_counts, spread_of as spread_of_counts,
)
from workbench.calibration.streams.labels import LabelEvent, StreamLabels
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.calibration.sweep.matching import KeywordEvents

CLASSES = ("yes", "no", "_unknown_", "_silence_")
TOLERANCE_S = 1.0
GAP_S = 4.0


def stream(speakers: list[str], words_per_speaker: int = 2) -> StreamLabels:
    """Each speaker says "yes" then "go" (an unknown word) ``words_per_speaker`` times, 4 s apart."""
    events, t = [], 1.0
    for speaker in speakers:
        for n in range(words_per_speaker):
            events.append(LabelEvent("yes", t, t + 0.5, "yes", f"yes/{speaker}_nohash_{n}.wav"))
            events.append(LabelEvent("_unknown_", t + GAP_S / 2, t + GAP_S / 2 + 0.5, "go",
                                     f"go/{speaker}_nohash_{n}.wav"))
            t += GAP_S
    return StreamLabels(tuple(events))


def detections(times_s: list[float], classes: list[int]) -> DetectionArrays:
    order = np.argsort(times_s)
    return DetectionArrays(time_ms=np.round(np.array(times_s)[order] * 1000).astype(np.int64),
                           class_index=np.array(classes, np.int64)[order],
                           score=np.full(len(times_s), 250, np.int64))


def spread_of(labels: StreamLabels, dets: DetectionArrays, hours: float = 1.0):  # type: ignore[no-untyped-def]
    counts = speaker_counts(dets, labels, KeywordEvents.from_labels(labels, CLASSES), TOLERANCE_S, CLASSES, hours)
    return spread_of_counts(counts)


def test_the_speaker_is_the_clip_name_before_nohash() -> None:
    assert event_speaker(LabelEvent("yes", 0, 1, "yes", "yes/0a7c2a8d_nohash_3.wav")) == "0a7c2a8d"
    assert event_speaker(LabelEvent("yes", 0, 1, "yes", "C:\\takes\\yes\\abc_nohash_0.wav")) == "abc"
    assert event_speaker(LabelEvent("yes", 0, 1, "yes", "my_take.wav")) is None
    assert event_speaker(LabelEvent("yes", 0, 1)) is None


def test_speakers_who_all_do_the_same_give_an_interval_of_one_point() -> None:
    labels = stream([f"s{i}" for i in range(8)])
    keywords = [e for e in labels.events if e.label == "yes"]
    hits = [e.start_s + 0.6 for e in keywords[::2]]  # every speaker's first "yes" is heard, the second missed
    false_accepts = [e.start_s + 0.2 for e in labels.events if e.word == "go"][::2]  # one per speaker
    spread = spread_of(labels, detections(hits + false_accepts, [0] * len(hits) + [1] * len(false_accepts)))
    assert spread is not None and spread.speakers == 8
    assert spread.frr == pytest.approx((0.5, 0.5))
    assert spread.fa_per_hour == pytest.approx((8.0, 8.0))


def test_one_speaker_who_is_always_missed_widens_the_interval_around_the_figure() -> None:
    labels = stream([f"s{i}" for i in range(10)])
    keywords = [e for e in labels.events if e.label == "yes"]
    hits = [e.start_s + 0.6 for e in keywords[2:]]  # speaker s0's two keywords are missed: FRR 2/20
    spread = spread_of(labels, detections(hits, [0] * len(hits)))
    assert spread is not None
    low, high = spread.frr
    assert low == 0.0 and 0.1 < high < 0.5
    assert spread.fa_per_hour == (0.0, 0.0)


def test_false_accepts_without_a_speaker_stay_in_every_draw() -> None:
    labels = stream([f"s{i}" for i in range(6)])
    keywords = [e for e in labels.events if e.label == "yes"]
    hits = [e.start_s + 0.6 for e in keywords]
    end = labels.events[-1].end_s
    between = [end + 10.0, end + 20.0, end + 30.0]  # after every word's window: no speaker's
    on_go = [labels.events[1].start_s + 0.2]  # speaker s0's "go"
    spread = spread_of(labels, detections(hits + between + on_go, [0] * len(hits) + [1] * 4), hours=2.0)
    assert spread is not None and spread.frr == (0.0, 0.0)
    low, high = spread.fa_per_hour
    assert low == pytest.approx(1.5)  # the 3 unowned false accepts over 2 hours, s0 not drawn
    assert high > 2.0  # s0 drawn more than once


def test_streams_without_enough_speakers_get_no_interval() -> None:
    few = stream([f"s{i}" for i in range(4)])
    assert spread_of(few, detections([], [])) is None
    unnamed = StreamLabels(tuple(LabelEvent(e.label, e.start_s, e.end_s, e.word) for e in stream(
        [f"s{i}" for i in range(8)]).events))
    assert spread_of(unnamed, detections([], [])) is None


def with_listeners(labels: StreamLabels, listeners: int) -> StreamLabels:
    """``labels`` and then ``listeners`` more speakers who each say "go" once and no keyword."""
    t = labels.events[-1].end_s + GAP_S
    extra = tuple(LabelEvent("_unknown_", t + GAP_S * n, t + GAP_S * n + 0.5, "go", f"go/quiet{n}_nohash_0.wav")
                  for n in range(listeners))
    return StreamLabels(labels.events + extra)


def test_every_speaker_of_the_stream_is_redrawn_and_the_line_names_both_counts() -> None:
    """8 speakers say keywords and 5 more only "go": the bootstrap redraws all 13 (a false accept on a quiet
    speaker's word comes and goes with the draws), so the line says 13 redrawn, 8 of them speaking keywords;
    before, it said "the stream's 8 speakers redrawn"."""
    labels = with_listeners(stream([f"s{i}" for i in range(8)]), 5)
    keywords = [e for e in labels.events if e.label == "yes"]
    hits = [e.start_s + 0.6 for e in keywords]
    on_quiet = [e.start_s + 0.2 for e in labels.events if e.clip.startswith("go/quiet0_")]
    spread = spread_of(labels, detections(hits + on_quiet, [0] * len(hits) + [1]))
    assert spread is not None and spread.redrawn == 13 and spread.speakers == 8
    low, high = spread.fa_per_hour
    assert low == 0.0 and high >= 2.0  # quiet0 left out of some draws, drawn twice in others: it is redrawn
    document = spread.to_json()
    assert (document["speakers_redrawn"], document["keyword_speakers"], document["speakers"]) == (13, 8, 8)
    assert "95 % interval over the stream's 13 speakers redrawn (8 of them speak keywords): FRR 0.0–0.0 %" \
        in describe_interval(document)


def test_a_document_without_the_redrawn_count_names_no_wrong_one() -> None:
    """A calibration.json written before ``speakers_redrawn`` (opened again in the window) holds only the
    speakers of keywords, under ``speakers``: the line does not pass them off as the speakers redrawn."""
    old = {"speakers": 8, "confidence": 0.95, "frr": [0.1, 0.3], "fa_per_hour": [2.0, 6.0]}
    assert describe_interval(old) == ("95 % interval over the stream's speakers redrawn (8 of them speak keywords): "
                                      "FRR 10.0–30.0 %, 2.0–6.0 FA/h")


def counts_of(labels: StreamLabels, dets: DetectionArrays):  # type: ignore[no-untyped-def]
    return speaker_counts(dets, labels, KeywordEvents.from_labels(labels, CLASSES), TOLERANCE_S, CLASSES, 1.0)


def test_paired_differences_draw_the_same_speakers_for_both() -> None:
    labels = stream([f"s{i}" for i in range(8)])
    keywords = [e for e in labels.events if e.label == "yes"]
    everything = counts_of(labels, detections([e.start_s + 0.6 for e in keywords], [0] * len(keywords)))
    half = counts_of(labels, detections([e.start_s + 0.6 for e in keywords[::2]], [0] * (len(keywords) // 2)))
    same = paired_difference(everything, everything)
    assert same is not None and same.frr == (0.0, 0.0) and same.fa_per_hour == (0.0, 0.0)
    worse = paired_difference(everything, half)  # every speaker's second "yes" missed: +50 points in every draw
    assert worse is not None and worse.frr == pytest.approx((0.5, 0.5))
    # missing one speaker's words only: the difference hangs on whether that speaker is drawn
    one = counts_of(labels, detections([e.start_s + 0.6 for e in keywords[2:]], [0] * (len(keywords) - 2)))
    low, high = paired_difference(everything, one).frr  # type: ignore[union-attr]
    assert low == 0.0 and high > 0.1


def test_paired_differences_need_the_same_stream() -> None:
    labels, other = stream([f"s{i}" for i in range(8)]), stream([f"s{i}" for i in range(9)])
    assert paired_difference(counts_of(labels, detections([], [])), counts_of(other, detections([], []))) is None
    assert paired_difference(None, counts_of(labels, detections([], []))) is None
