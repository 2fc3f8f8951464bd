"""The split rules: the official hash of the speaker, the split lists, and the stratified variant."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from dataset_builders import make_dataset, speaker_names
from workbench.core.errors import SettingsError
from workbench.datasets.layout import scan_dataset
from workbench.datasets.splits import (
    DEFAULT_TESTING_PERCENT,
    DEFAULT_VALIDATION_PERCENT,
    SPLITS,
    split_of,
    stratified_splits,
)


def _documented_rule(name: str, validation: float, testing: float) -> str:
    """TensorFlow's which_set, written from its documentation: sha1 of the name before _nohash_."""
    base = name.split("_nohash_")[0] if "_nohash_" in name else name
    value = int(hashlib.sha1(base.encode()).hexdigest(), 16) % (2**27)
    percent = value * (100.0 / (2**27 - 1))
    return "validation" if percent < validation else "testing" if percent < validation + testing else "training"


def test_split_of_is_the_official_rule() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        name = f"{rng.getrandbits(32):08x}_nohash_{rng.randrange(5)}.wav"
        for validation, testing in ((10, 10), (15, 10), (0, 30), (50, 50)):
            assert split_of(Path("w") / name, validation, testing) == _documented_rule(name, validation, testing)
    assert split_of(Path("yes/yes_20240102-101500.wav"), 10, 10) == _documented_rule(
        "yes_20240102-101500.wav", 10, 10)


def test_split_of_depends_only_on_the_speaker_and_hits_the_percentages() -> None:
    rng = random.Random(3)
    speakers = [f"{rng.getrandbits(32):08x}" for _ in range(20000)]
    counts = Counter(split_of(Path(f"{s}_nohash_0.wav"), DEFAULT_VALIDATION_PERCENT, DEFAULT_TESTING_PERCENT)
                     for s in speakers)
    assert counts["validation"] / len(speakers) == pytest.approx(0.15, abs=0.01)
    assert counts["testing"] / len(speakers) == pytest.approx(0.10, abs=0.01)
    for s in speakers[:200]:
        assert len({split_of(Path(f"{w}/{s}_nohash_{n}.wav"), 15, 10) for w in ("yes", "no") for n in range(4)}) == 1


def test_the_split_is_the_same_in_another_process() -> None:
    names = [f"{i:08x}_nohash_0.wav" for i in range(0, 3000, 7)]
    code = ("import sys; from pathlib import Path; from workbench.datasets.splits import split_of; "
            "print(' '.join(split_of(Path(n), 15, 10) for n in sys.argv[1:]))")
    out = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": ""}, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.split() == [split_of(Path(n), 15, 10) for n in names]


def test_lists_decide_when_present(small_dataset: Path) -> None:
    (small_dataset / "validation_list.txt").write_text("yes/00000001_nohash_0.wav\nno/00000004_nohash_1.wav\n")
    (small_dataset / "testing_list.txt").write_text("# comment\r\nyes\\00000002_nohash_0.wav\r\n\r\n")
    index = scan_dataset(small_dataset)
    by_rel = {f"{c.word}/{c.path.name}": c.split for c in index.clips}
    assert by_rel.pop("yes/00000001_nohash_0.wav") == "validation"
    assert by_rel.pop("no/00000004_nohash_1.wav") == "validation"
    assert by_rel.pop("yes/00000002_nohash_0.wav") == "testing"
    assert set(by_rel.values()) == {"training"}
    assert index.split_rules[small_dataset].startswith("lists:")


def test_with_only_a_testing_list_validation_comes_from_the_hash(small_dataset: Path) -> None:
    listed = "yes/00000002_nohash_0.wav"
    (small_dataset / "testing_list.txt").write_text(listed + "\n")
    index = scan_dataset(small_dataset, validation_percent=40, testing_percent=30)
    for clip in index.clips:
        rel = f"{clip.word}/{clip.path.name}"
        by_hash = split_of(clip.path, 40, 30)
        expected = "testing" if rel == listed else ("validation" if by_hash == "validation" else "training")
        assert clip.split == expected, rel


def test_percentages_are_checked(tmp_path: Path) -> None:
    with pytest.raises(SettingsError):
        stratified_splits({}, {}, -1, 10)
    with pytest.raises(SettingsError):
        stratified_splits({}, {}, 10, 101)


def test_stratified_split_keeps_speakers_together_and_words_at_the_percentages(tmp_path: Path) -> None:
    # a subset picked by the official hash (as the shared data is): only speakers the hash sends to testing
    testing_speakers = [i for i in range(4000) if split_of(Path(f"{i:08x}_nohash_0.wav"), 15, 10) == "testing"]
    chosen = testing_speakers[:60]
    words = {"yes": [f"{i:08x}_nohash_{n}.wav" for i in chosen[:40] for n in range(3)],
             "no": [f"{i:08x}_nohash_{n}.wav" for i in chosen[20:] for n in range(2)],
             "_silence_": speaker_names(40, clips_each=1, start=90000)}
    root = make_dataset(tmp_path / "subset", words)
    assert {c.split for c in scan_dataset(root).clips if c.word == "yes"} == {"testing"}  # the hash rule's skew
    index = scan_dataset(root, split_method="stratified")
    splits_of = defaultdict(set)
    for clip in index.clips:
        splits_of[clip.speaker].add(clip.split)
    assert all(len(s) == 1 for s in splits_of.values())
    for word, total in index.words().items():
        got = Counter(c.split for c in index.clips if c.word == word)
        per_speaker = 3 if word == "yes" else 2 if word == "no" else 1
        assert abs(got["validation"] - 0.15 * total) <= per_speaker + 1, (word, got)
        assert abs(got["testing"] - 0.10 * total) <= per_speaker + 1, (word, got)
    again = scan_dataset(root, split_method="stratified")
    assert [c.split for c in again.clips] == [c.split for c in index.clips]
    assert index.split_rules[root].startswith("stratified")


def test_stratified_with_a_zero_percentage_never_uses_that_split(small_dataset: Path) -> None:
    index = scan_dataset(small_dataset, split_method="stratified", validation_percent=20, testing_percent=0)
    assert {c.split for c in index.clips} <= {"training", "validation"}
    assert set(SPLITS) >= {c.split for c in index.clips}
