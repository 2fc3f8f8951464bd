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
