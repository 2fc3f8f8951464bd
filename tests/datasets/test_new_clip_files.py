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
