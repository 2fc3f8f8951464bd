"""``kws stream make --keywords`` with a misspelt word names the word meant, as ``kws dataset info`` does.

Before: "the dataset has no 'stpo' clips in its testing split", as if the split were the trouble."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_path
from workbench.cli.main import main


def _stream_error(capsys: pytest.CaptureFixture[str], out: Path, keywords: str) -> str:
    code = main(["stream", "make", "--dataset", str(shared_path("datasets", "speech_commands")), "--keywords",
                 keywords, "--minutes", "1", "--out", str(out), "--progress", "none"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and not out.exists(), err
    return err


def test_a_misspelt_keyword_names_the_word_meant(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    err = _stream_error(capsys, tmp_path / "s.wav", "go,stpo")
    assert err == ("kws: error: the dataset has no 'stpo' clips in its testing split (did you mean stop?): choose "
                   "the keywords among the dataset's words (kws dataset info DIR --words lists them)\n")


def test_a_word_close_to_none_is_said_as_before(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    err = _stream_error(capsys, tmp_path / "s.wav", "go,zzzqq")
    assert err == "kws: error: the dataset has no 'zzzqq' clips in its testing split\n"


def test_a_keyword_whose_clips_are_all_in_another_split_says_where_they_are(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """One person's takes of a phrase are one speaker, in one split: "no clips in its testing split" alone read as no
    clips at all; the error names the split that holds them (here by the dataset's own lists)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from dataset_builders import make_dataset

    dataset = make_dataset(tmp_path / "takes", {"hey_lamp": ["ada_nohash_0.wav", "ada_nohash_1.wav"],
                                                "camp": ["bob_nohash_0.wav", "cyd_nohash_0.wav"]})
    (dataset / "validation_list.txt").write_text("hey_lamp/ada_nohash_0.wav\nhey_lamp/ada_nohash_1.wav\n")
    (dataset / "testing_list.txt").write_text("camp/cyd_nohash_0.wav\n")
    out = tmp_path / "s.wav"
    code = main(["stream", "make", "--dataset", str(dataset), "--keywords", "hey_lamp", "--minutes", "1", "--no-noise",
                 "--out", str(out), "--progress", "none"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists(), err
    assert err == ("kws: error: the dataset has no 'hey_lamp' clips in its testing split: its clips are in the "
                   "validation split; build the stream from there or from all clips (a model trained on this dataset "
                   "has heard those speakers)\n")
