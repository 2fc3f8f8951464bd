"""Clips added to a dataset folder: whole files under names never taken, with or without hard links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.core.errors import WorkbenchError
from workbench.datasets.new_clip_files import NewClips, clip_name


def test_clips_are_numbered_per_word_and_speaker(tmp_path: Path) -> None:
    clips = NewClips(tmp_path)
    paths = [clips.add("go", "abc", b"1"), clips.add("go", "abc", b"2"), clips.add("go", "def", b"3"),
             clips.add("_false_accept_", "abc", b"4")]
    assert paths == [tmp_path / "go" / "abc_nohash_0.wav", tmp_path / "go" / "abc_nohash_1.wav",
                     tmp_path / "go" / "def_nohash_0.wav", tmp_path / "_false_accept_" / "abc_nohash_0.wav"]
    assert [p.read_bytes() for p in paths] == [b"1", b"2", b"3", b"4"] and clips.written == paths


def test_a_name_taken_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "go").mkdir()
    for number in (0, 1, 3):
        (tmp_path / "go" / clip_name("abc", number)).write_bytes(b"theirs")
    second_run = NewClips(tmp_path)
    assert [second_run.add("go", "abc", b"mine").name for _ in range(3)] == [
        "abc_nohash_2.wav", "abc_nohash_4.wav", "abc_nohash_5.wav"]
    assert sorted(p.name for p in (tmp_path / "go").iterdir()) == [clip_name("abc", n) for n in range(6)]
    assert all((tmp_path / "go" / clip_name("abc", n)).read_bytes() == b"theirs" for n in (0, 1, 3))


def test_without_hard_links_the_name_is_claimed_exclusively(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: str, dst: str) -> None:  # FAT or a network share: the file system refuses links
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    (tmp_path / "go").mkdir()
    (tmp_path / "go" / clip_name("abc", 0)).write_bytes(b"theirs")
    clips = NewClips(tmp_path)
    assert clips.add("go", "abc", b"mine") == tmp_path / "go" / clip_name("abc", 1)
    assert (tmp_path / "go" / clip_name("abc", 0)).read_bytes() == b"theirs"
    assert (tmp_path / "go" / clip_name("abc", 1)).read_bytes() == b"mine"
    assert sorted(p.name for p in (tmp_path / "go").iterdir()) == [clip_name("abc", 0), clip_name("abc", 1)]


def test_a_folder_that_cannot_be_made_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "go").write_text("a file where the word's folder belongs")
    with pytest.raises(WorkbenchError, match=r"^Cannot create the clip folder .*go: a file is in the way"):
        NewClips(tmp_path).add("go", "abc", b"1")


def test_a_clip_already_in_its_folder_is_not_added_again(tmp_path: Path) -> None:
    (tmp_path / "go").mkdir()
    (tmp_path / "go" / "someone_nohash_0.wav").write_bytes(b"clip A")  # a clip of an earlier run, any name
    (tmp_path / "go" / "other_nohash_0.wav").write_bytes(b"clip B")  # the same size, other bytes
    (tmp_path / "go" / ".staged.tmp").write_bytes(b"clip C")  # a hidden temporary is no clip
    (tmp_path / "off").mkdir()
    (tmp_path / "off" / "abc_nohash_0.wav").write_bytes(b"clip D")  # in another word's folder
    clips = NewClips(tmp_path)
    assert clips.add_new("go", "abc", b"clip A") is None
    assert clips.add_new("go", "abc", b"clip C") == tmp_path / "go" / "abc_nohash_0.wav"
    assert clips.add_new("go", "abc", b"clip D") == tmp_path / "go" / "abc_nohash_1.wav"
    assert clips.add_new("go", "abc", b"clip A, longer") == tmp_path / "go" / "abc_nohash_2.wav"
    assert clips.add_new("go", "abc", b"clip B") is None
    assert clips.present == [tmp_path / "go" / "someone_nohash_0.wav", tmp_path / "go" / "other_nohash_0.wav"]
    assert clips.written == [tmp_path / "go" / f"abc_nohash_{n}.wav" for n in range(3)]
    assert (tmp_path / "go" / "someone_nohash_0.wav").read_bytes() == b"clip A"


def test_the_clips_of_one_run_are_all_written_and_found_by_the_next(tmp_path: Path) -> None:
    """Two places of one recording may sound alike (digital silence): both are kept; a rerun adds neither."""
    first = NewClips(tmp_path)
    assert [first.add_new("_false_accept_", "stream", b"\0\0") for _ in range(2)] == [
        tmp_path / "_false_accept_" / clip_name("stream", n) for n in range(2)]
    second = NewClips(tmp_path)
    assert second.add_new("_false_accept_", "stream", b"\0\0") is None and second.written == []
    assert second.present == [tmp_path / "_false_accept_" / clip_name("stream", 0)]
