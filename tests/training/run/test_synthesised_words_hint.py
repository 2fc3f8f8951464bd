"""`kws train` on a dataset synthesised for "hey lamp", without --keywords, is refused (the spec's yes and no have no
clips) with the sentence that names the dataset's own words and the option that trains them; a refusal of keywords
the user chose gets no such sentence. A real `kws dataset synth` with flite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.cli.main import main

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow


@pytest.fixture
def lamp_dataset(tmp_path: Path) -> Path:
    if shutil.which("flite") is None:
        pytest.skip("speech engine not installed: flite")
    out = tmp_path / "lamp"
    assert main(["dataset", "synth", "--words", "hey lamp", "--negatives", "camp", "--similar", "0",
                 "--engines", "flite", "--takes", "1", "--no-noise", "--progress", "none", "--out", str(out)]) == 0
    return out


def test_the_refusal_names_the_words_the_dataset_was_synthesised_for(lamp_dataset: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["train", "--dataset", str(lamp_dataset), "--out", str(tmp_path / "run"), "--progress", "none"]) == 2
    error = capsys.readouterr().err
    assert "no samples of yes, no" in error
    assert f"{lamp_dataset} was synthesised for hey_lamp: train them with --keywords hey_lamp." in error
    assert not (tmp_path / "run").exists()


def test_no_such_sentence_when_the_keywords_are_given(lamp_dataset: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["train", "--dataset", str(lamp_dataset), "--keywords", "hey_lamp,go", "--out",
                 str(tmp_path / "run"), "--progress", "none"]) == 2  # go: no clips, refused for that alone
    error = capsys.readouterr().err
    assert "no samples of go" in error and "synthesised for" not in error
