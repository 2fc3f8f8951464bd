"""scan_dataset / merge_datasets / label_of on real folders of real WAV files."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from dataset_builders import make_dataset, write_clip
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.datasets.layout import (
    BACKGROUND_DIR,
    SILENCE,
    UNKNOWN,
    ClipEntry,
    class_label,
    is_negative_class,
    label_of,
    merge_datasets,
    negative_class,
    scan_dataset,
    speaker_of,
)
from workbench.datasets.splits import SPLITS


def test_scan_finds_words_speakers_background_and_durations(small_dataset: Path) -> None:
    (small_dataset / "yes" / ".hidden.wav").write_bytes(b"junk")  # hidden: ignored
    (small_dataset / "yes" / "notes.txt").write_text("not audio")  # not audio: ignored
    (small_dataset / ".git").mkdir()
    write_clip(small_dataset / "yes" / "deeper" / "x_nohash_0.wav")  # deeper folders are not clips
    index = scan_dataset(small_dataset)
    assert index.roots == (small_dataset,)
    assert index.words() == {"_silence_": 4, "go": 5, "no": 20, "yes": 24}
    assert sorted(p.name for p in index.background) == ["pink_noise.wav", "white_noise.wav"]
    assert index.unreadable == []
    clip = next(c for c in index.clips if c.path.name == "00000003_nohash_1.wav" and c.word == "yes")
    assert clip == ClipEntry(small_dataset / "yes" / "00000003_nohash_1.wav", "yes", "00000003", clip.split)
    assert all(c.split in SPLITS for c in index.clips)
    assert index.total_duration_s == pytest.approx(53.0)
    assert index.durations[index.background[0]] == pytest.approx(3.0)
    assert sum(len(index.select(s)) for s in SPLITS) == len(index.clips)
    assert all(BACKGROUND_DIR != c.word for c in index.clips)


def test_one_speaker_never_lands_in_two_splits(small_dataset: Path) -> None:
    index = scan_dataset(small_dataset)
    splits_of = defaultdict(set)
    for clip in index.clips:
        splits_of[clip.speaker].add(clip.split)
    assert all(len(s) == 1 for s in splits_of.values())
    assert len(splits_of) == 14 + 4  # word speakers 0-13 (shared by yes/no/go), silence 100-103
    assert len({c.split for c in index.clips}) >= 2


def test_unreadable_files_are_listed_with_a_reason_and_skipped(small_dataset: Path) -> None:
    (small_dataset / "yes" / "broken_nohash_0.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 3)
    (small_dataset / "no" / "empty_nohash_0.wav").write_bytes(b"")
    (small_dataset / "go" / "text_nohash_0.flac").write_text("hello")
    write_clip(small_dataset / "go" / "silent_nohash_0.wav", seconds=0.0)
    index = scan_dataset(small_dataset)
    reasons = {p.name: r for p, r in index.unreadable}
    assert set(reasons) == {"broken_nohash_0.wav", "empty_nohash_0.wav", "text_nohash_0.flac",
                            "silent_nohash_0.wav"}
    assert all(r for r in reasons.values())
    assert "no audio samples" in reasons["silent_nohash_0.wav"]
    assert index.words() == {"_silence_": 4, "go": 5, "no": 20, "yes": 24}
    unchecked = scan_dataset(small_dataset, check_audio=False)
    assert unchecked.unreadable == [] and len(unchecked.clips) == len(index.clips) + 4
    assert unchecked.durations == {}



def test_a_wav_cut_short_is_unreadable_not_a_clip(small_dataset: Path) -> None:
    """libsndfile opens a WAV whose data chunk announces more bytes than the file holds (and reports the few
    frames there are): the dataset scan must not count it, as decoding it for evaluation or training fails."""
    before = scan_dataset(small_dataset).words()["yes"]
    whole = small_dataset / "yes" / "whole_nohash_0.wav"
    write_clip(whole)
    cut = small_dataset / "yes" / "cut_nohash_0.wav"
    cut.write_bytes(whole.read_bytes()[:100])  # 44-byte header announcing 32000 bytes, 56 present
    assert scan_dataset(small_dataset).words()["yes"] == before + 2  # off by default: training decodes it
    index = scan_dataset(small_dataset, check_truncation=True)
    reasons = {p.name: r for p, r in index.unreadable}
    assert list(reasons) == ["cut_nohash_0.wav"]
    assert reasons["cut_nohash_0.wav"] == ("truncated: its WAV header announces 32000 bytes of audio but only 56 "
                                           "are present")
    assert index.words()["yes"] == before + 1 and cut not in index.durations

@pytest.mark.skipif("MP3" not in sf.available_formats(), reason="libsndfile without MP3")
def test_mp3_takes_are_clips(small_dataset: Path) -> None:
    before = scan_dataset(small_dataset).words()["yes"]
    sf.write(small_dataset / "yes" / "phone_nohash_0.mp3", np.zeros(16000, np.float32), 16000, format="MP3")
    index = scan_dataset(small_dataset)
    assert index.words()["yes"] == before + 1 and index.unreadable == []
    assert any(c.path.name == "phone_nohash_0.mp3" and c.speaker == "phone" for c in index.clips)

@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_an_unlistable_word_folder_is_reported_not_fatal(small_dataset: Path) -> None:
    locked = small_dataset / "go"
    locked.chmod(0)
    try:
        index = scan_dataset(small_dataset)
    finally:
        locked.chmod(0o755)
    assert [p for p, _ in index.unreadable] == [locked]
    assert "go" not in index.words() and index.words()["yes"] == 24


def test_bad_roots_give_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="does not exist"):
        scan_dataset(tmp_path / "missing")
    write_clip(tmp_path / "loose" / "a.wav")
    with pytest.raises(WorkbenchError, match="not a folder"):
        scan_dataset(tmp_path / "loose" / "a.wav")
    with pytest.raises(WorkbenchError, match=r"No clips found .*1 audio file lies directly in it"):
        scan_dataset(tmp_path / "loose")
    (tmp_path / "empty" / "yes").mkdir(parents=True)
    with pytest.raises(WorkbenchError, match="No clips found"):
        scan_dataset(tmp_path / "empty")
    with pytest.raises(SettingsError, match="add up to more than 100"):
        scan_dataset(tmp_path / "loose", validation_percent=60, testing_percent=50)
    with pytest.raises(SettingsError, match="split method"):
        scan_dataset(tmp_path / "loose", split_method="random")


def test_select_rejects_an_unknown_split(small_dataset: Path) -> None:
    with pytest.raises(SettingsError, match="Unknown split 'test'"):
        scan_dataset(small_dataset).select("test")


def test_label_of_maps_words_to_classes() -> None:
    keywords = ("yes", "no")
    assert label_of("yes", keywords) == "yes"
    assert label_of("go", keywords) == UNKNOWN
    assert label_of(SILENCE, keywords) == SILENCE
    assert label_of(UNKNOWN, keywords) == UNKNOWN  # a user's own "_unknown_" takes
    assert label_of("go", ("yes", "no", "go")) == "go"
    assert label_of("go", keywords, ("go", "down")) == "_go_" and label_of("up", keywords, ("go",)) == UNKNOWN
    assert label_of(SILENCE, keywords, (SILENCE,)) == SILENCE


def test_negative_word_classes_are_named_and_recognised_from_a_class_list() -> None:
    assert negative_class("go") == "_go_"
    assert [is_negative_class(c) for c in ("_go_", UNKNOWN, SILENCE, "go", "_", "__")] == [True] + [False] * 5
    classes = ("yes", "no", UNKNOWN, SILENCE, "_go_", "_left_")
    assert [class_label(w, classes) for w in ("no", "go", "left", "down", SILENCE)] == \
        ["no", "_go_", "_left_", UNKNOWN, SILENCE]


def test_speaker_of() -> None:
    assert speaker_of(Path("yes/0a7c2a8d_nohash_0.wav")) == "0a7c2a8d"
    assert speaker_of(Path("yes/yes_20240102-101500.wav")) == "yes_20240102-101500"
    assert speaker_of(Path("yes/anna_nohash_yes_20240102-101500-2.wav")) == "anna"


def test_own_takes_are_a_dataset_and_spread_over_the_splits(tmp_path: Path) -> None:
    takes = {label: [f"{label}_20240102-10{m:02d}{s:02d}.wav" for m in range(10) for s in range(0, 60, 6)]
             for label in ("yes", "no", "_unknown_")}
    index = scan_dataset(make_dataset(tmp_path / "takes", takes))
    assert index.words() == {"_unknown_": 100, "no": 100, "yes": 100}
    assert len({c.speaker for c in index.clips}) == 300  # each take its own "speaker"
    counts = {s: len(index.select(s)) for s in SPLITS}
    assert all(counts[s] > 0 for s in SPLITS), counts  # some of the user's voice in every split
    assert counts["training"] > counts["validation"] > 0


def test_a_person_prefix_keeps_their_takes_together(tmp_path: Path) -> None:
    takes = {"yes": [f"{who}_nohash_yes_20240102-1000{s:02d}.wav" for who in ("anna", "ben", "carl", "dora")
                     for s in range(8)]}
    index = scan_dataset(make_dataset(tmp_path / "takes", takes))
    by_person = defaultdict(set)
    for clip in index.clips:
        by_person[clip.speaker].add(clip.split)
    assert set(by_person) == {"anna", "ben", "carl", "dora"}
    assert all(len(s) == 1 for s in by_person.values())


def test_merge_keeps_each_datasets_splits_and_drops_duplicates(small_dataset: Path, tmp_path: Path) -> None:
    takes = make_dataset(tmp_path / "takes", {"yes": ["yes_20240102-100000.wav", "yes_20240102-100001.wav"]})
    (tmp_path / "takes" / "bad").mkdir()
    (tmp_path / "takes" / "bad" / "x.wav").write_bytes(b"nope")
    first, second = scan_dataset(small_dataset), scan_dataset(takes)
    merged = merge_datasets([first, second, first])
    assert merged.roots == (small_dataset, takes)
    assert len(merged.clips) == len(first.clips) + len(second.clips)
    assert merged.words()["yes"] == 26
    assert {c.path: c.split for c in merged.clips} == {c.path: c.split for c in first.clips + second.clips}
    assert len(merged.background) == 2 and [p.name for p, _ in merged.unreadable] == ["x.wav"]
    assert merged.total_duration_s == pytest.approx(first.total_duration_s + 2.0)
    assert set(merged.split_rules) == {small_dataset, takes}
    with pytest.raises(WorkbenchError):
        merge_datasets([])


def test_the_shared_speech_commands_subset(shared_dir: Path) -> None:
    root = shared_dir / "datasets" / "speech_commands"
    index = scan_dataset(root)
    on_disk = sum(1 for word in root.iterdir() if word.is_dir() and word.name != BACKGROUND_DIR
                  for f in word.iterdir() if f.suffix == ".wav")
    assert len(index.clips) == on_disk and index.unreadable == []
    assert len(index.background) == 6
    assert {"yes", "no", SILENCE} <= set(index.words())
    assert index.total_duration_s == pytest.approx(len(index.clips), rel=0.02)  # ~1 s clips
    splits_of = defaultdict(set)
    for clip in index.clips:
        splits_of[clip.speaker].add(clip.split)
    assert all(len(s) == 1 for s in splits_of.values())
