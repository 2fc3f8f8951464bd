"""Where a mistake's clip is cut and which folder it goes to: never a keyword's, never outside the recording."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.calibration.results.detection_outcomes import (FALSE_ACCEPT, MISS, NOT_SCORED, Outcome,
                                                               background_outcomes)
from workbench.calibration.results.outcome_clips import (BACKGROUND_SPEAKER, FALSE_ACCEPT_FOLDER, clip_samples,
                                                         clip_start, held_out, one_per_clip,
                                                         plan_background_false_accepts, plan_false_accepts,
                                                         plan_misses, write_clips)
from workbench.calibration.streams.labels import LabelEvent
from workbench.calibration.sweep.fast_detector import DetectionArrays
from workbench.datasets.layout import class_label, scan_dataset
from workbench.datasets.splits import TRAINING, split_of

CLASSES = ("yes", "no", "_unknown_", "_silence_")
RATE, LENGTH = 16000, 16000
TOTAL = 10 * RATE


def false_accept(time_s: float, event: LabelEvent | None, label: str = "no") -> Outcome:
    return Outcome(FALSE_ACCEPT, time_s, label, CLASSES.index(label), event, 200)


def test_a_clip_is_centred_on_a_word_else_ends_at_the_detection() -> None:
    go = LabelEvent("_unknown_", 4.0, 4.5, "go")
    assert clip_start(false_accept(5.0, go), LENGTH, RATE, TOTAL) == round(4.25 * RATE) - LENGTH // 2
    other = LabelEvent("_unknown_", 4.0, 4.5)  # other speech, its word not named: still a word to centre on
    assert clip_start(false_accept(5.0, other), LENGTH, RATE, TOTAL) == round(4.25 * RATE) - LENGTH // 2
    silence = LabelEvent("_silence_", 3.0, 6.0, "_silence_")
    assert clip_start(false_accept(5.0, silence), LENGTH, RATE, TOTAL) == 4 * RATE
    assert clip_start(false_accept(5.0, None), LENGTH, RATE, TOTAL) == 4 * RATE


def test_a_clip_stays_inside_the_recording() -> None:
    assert clip_start(false_accept(0.3, None), LENGTH, RATE, TOTAL) == 0
    late = LabelEvent("yes", 9.7, 9.95, "yes")
    assert clip_start(Outcome(MISS, 9.7, "yes", 0, late), LENGTH, RATE, TOTAL) == TOTAL - LENGTH
    short = np.arange(RATE // 2, dtype=np.int16)  # a recording shorter than a clip: padded with zeros
    assert clip_start(false_accept(0.4, None), LENGTH, RATE, short.size) == 0
    assert np.array_equal(clip_samples(short, 0, LENGTH), np.concatenate((short, np.zeros(RATE // 2, np.int16))))


def test_false_accepts_go_to_word_folders_that_train_as_unknown_never_to_keywords() -> None:
    cases = [
        (LabelEvent("_unknown_", 1.0, 1.4, "go", "go/abc_nohash_0.wav"), "go", "abc"),
        (LabelEvent("_unknown_", 2.0, 2.4, "left/right"), FALSE_ACCEPT_FOLDER, "stream"),  # no folder name
        (LabelEvent("_unknown_", 3.0, 3.4, ".hidden"), FALSE_ACCEPT_FOLDER, "stream"),
        (LabelEvent("_silence_", 4.0, 5.0), FALSE_ACCEPT_FOLDER, "stream"),
        (LabelEvent("_noise_", 5.0, 6.0, "", "noise/a b_nohash_0.wav"), FALSE_ACCEPT_FOLDER, "stream"),
        (None, FALSE_ACCEPT_FOLDER, "stream"),
    ]
    on_keywords = [LabelEvent("yes", 7.0, 7.4, "yes"), LabelEvent("no", 8.0, 8.3),  # a second detection of it
                   LabelEvent("_unknown_", 9.0, 9.4, "Yes"), LabelEvent("_unknown_", 9.5, 9.8, "NO")]
    outcomes = [false_accept(1.0 + n, event) for n, (event, _, _) in enumerate(cases)]
    outcomes += [false_accept(e.start_s + 0.1, e) for e in on_keywords]
    outcomes += [Outcome(MISS, 7.5, "yes", 0, LabelEvent("yes", 7.5, 7.9))]  # not a false accept
    plans, left_out = plan_false_accepts(outcomes, CLASSES, LENGTH, RATE, TOTAL)
    assert [(p.folder, p.speaker) for p in plans] == [(folder, speaker) for _, folder, speaker in cases]
    assert [o.event for o in left_out] == on_keywords
    assert all(class_label(p.folder, CLASSES) == "_unknown_" for p in plans)


def test_misses_go_to_their_keywords_folder(tmp_path: Path) -> None:
    audio = (np.arange(TOTAL) % 1000).astype(np.int16)
    misses = [Outcome(MISS, 2.0, "yes", 0, LabelEvent("yes", 2.0, 2.5, "yes", "yes/abc_nohash_3.wav")),
              Outcome(MISS, 6.0, "no", 1, LabelEvent("no", 6.0, 6.3))]
    plans = plan_misses([*misses, false_accept(3.0, None)], LENGTH, RATE, TOTAL)
    written = write_clips(tmp_path, plans, audio, LENGTH, RATE, lambda piece: piece // 2)
    assert written == [tmp_path / "yes" / "abc_nohash_0.wav", tmp_path / "no" / "stream_nohash_0.wav"]
    for path, plan in zip(written, plans):  # what the model heard: here, at half the level
        data, rate = sf.read(str(path), dtype="int16")
        assert rate == RATE and np.array_equal(data, audio[plan.first:plan.first + LENGTH] // 2)
    assert scan_dataset(tmp_path).words() == {"no": 1, "yes": 1}


def test_false_accepts_on_one_word_give_one_clip() -> None:
    go = LabelEvent("_unknown_", 2.0, 2.5, "go", "go/abc_nohash_0.wav")
    silence = LabelEvent("_silence_", 5.0, 7.0)
    outcomes = [false_accept(2.6, go, "no"), false_accept(3.4, go, "yes"),  # two keywords heard in one "go"
                false_accept(5.5, silence), false_accept(6.5, silence),  # two moments of one silence: two clips
                false_accept(8.0, None), false_accept(9.0, None)]
    plans, _ = plan_false_accepts(outcomes, CLASSES, LENGTH, RATE, TOTAL)
    kept = one_per_clip(plans)
    assert [p.outcome for p in kept] == [outcomes[0], *outcomes[2:]]
    assert [p.first for p in kept] == [round(2.25 * RATE) - LENGTH // 2, 4 * RATE + RATE // 2, 5 * RATE + RATE // 2,
                                       7 * RATE, 8 * RATE]


def test_a_second_write_skips_the_clips_already_there(tmp_path: Path) -> None:
    audio = (np.arange(TOTAL) % 1000).astype(np.int16)
    plans = plan_misses([Outcome(MISS, 2.0, "yes", 0, LabelEvent("yes", 2.0, 2.5, "yes", "yes/abc_nohash_3.wav")),
                         Outcome(MISS, 6.0, "yes", 0, LabelEvent("yes", 6.0, 6.3))], LENGTH, RATE, TOTAL)
    assert write_clips(tmp_path, plans, audio, LENGTH, RATE, lambda piece: piece) == [
        tmp_path / "yes" / "abc_nohash_0.wav", tmp_path / "yes" / "stream_nohash_0.wav"]
    assert write_clips(tmp_path, plans, audio, LENGTH, RATE, lambda piece: piece) == []
    louder = write_clips(tmp_path, plans[:1], audio, LENGTH, RATE, lambda piece: piece * 2)  # other audio: written
    assert louder == [tmp_path / "yes" / "abc_nohash_1.wav"]
    assert scan_dataset(tmp_path).words() == {"yes": 3}


def test_held_out_counts_the_clips_the_split_keeps_from_training() -> None:
    paths = [Path("go/spk59_nohash_0.wav"), Path("go/spk59_nohash_1.wav"), Path("no/spk5_nohash_0.wav"),
             Path("off/spk0_nohash_0.wav"), Path("_false_accept_/stream_nohash_0.wav")]
    assert held_out(paths) == {"testing": 2, "validation": 1}
    assert held_out(paths[3:]) == {}


def test_every_keyword_detected_in_background_audio_is_a_false_accept_saved_as_an_unknown_clip(
        tmp_path: Path) -> None:
    """A background-only recording has no labels: each keyword detection is a false accept, its clip the window
    that ends at it, in ``_false_accept_`` under one speaker the split puts in training; ``_silence_`` (reported by
    TFLM's rules) is not scored, as kws calibrate does not count it."""
    detections = DetectionArrays(np.array([300, 2500, 2500, 7000, 9800], np.int64),
                                 np.array([0, 1, 3, 0, 1], np.int64), np.array([200, 210, 250, 190, 220], np.int64))
    outcomes = background_outcomes(detections, CLASSES)
    assert [(o.kind, o.label, o.event) for o in outcomes] == [
        (FALSE_ACCEPT, "yes", None), (FALSE_ACCEPT, "no", None), (NOT_SCORED, "_silence_", None),
        (FALSE_ACCEPT, "yes", None), (FALSE_ACCEPT, "no", None)]
    plans = plan_background_false_accepts(outcomes, LENGTH, RATE, TOTAL)
    assert [p.outcome for p in plans] == [outcomes[0], outcomes[1], *outcomes[3:]]
    assert {(p.folder, p.speaker) for p in plans} == {(FALSE_ACCEPT_FOLDER, BACKGROUND_SPEAKER)}
    assert [p.first for p in plans] == [0, round(2.5 * RATE) - LENGTH, 6 * RATE, round(9.8 * RATE) - LENGTH]
    twice = plan_background_false_accepts(background_outcomes(DetectionArrays(
        np.array([200, 600], np.int64), np.array([0, 1], np.int64), np.array([200, 200], np.int64)), CLASSES),
        LENGTH, RATE, TOTAL)
    assert len(one_per_clip(twice)) == 1  # both in the first second: one window, one clip
    audio = (np.arange(TOTAL) % 1000).astype(np.int16)
    written = write_clips(tmp_path, plans, audio, LENGTH, RATE, lambda piece: piece)
    assert written == [tmp_path / FALSE_ACCEPT_FOLDER / f"{BACKGROUND_SPEAKER}_nohash_{n}.wav" for n in range(4)]
    assert [(c.word, c.split) for c in scan_dataset(tmp_path).clips] == [(FALSE_ACCEPT_FOLDER, TRAINING)] * 4
    assert split_of(written[0]) == TRAINING and class_label(FALSE_ACCEPT_FOLDER, CLASSES) == "_unknown_"
