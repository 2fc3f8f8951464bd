"""`kws detect --labels --save-false-accepts/--save-misses`: one clip per word, none saved twice, nothing to write
said as such, and a warning when the clips keep speakers that the dataset split holds out from training.

The stream is test_detect_outcomes' (the bundled sample seven times: the reference model detects its "yes" at
1.8 s and its "no" at 3.9 s of each repetition); each test labels it anew.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.cli.test_detect_outcomes import (  # noqa: F401  (stream: a fixture)
    AFTER, CLIP, NO_WORD, REPEATS, YES_WORD, _centred, _clip, _event, _stream_audio, detect, stream)
from workbench.calibration.streams.labels import LabelEvent, StreamLabels, save_labels
from workbench.datasets.layout import scan_dataset
from workbench.datasets.splits import TESTING, TRAINING, VALIDATION, split_of

SPEAKERS = {TESTING: "spk59", TRAINING: "spk0", VALIDATION: "spk5"}  # where the split's hash puts each
HELD_OUT = ("kws: warning: 2 of the 3 clips written keep their speakers, whose clips the dataset split puts in "
            "testing (1) and validation (1): kws train tests and validates on them rather than learns from them (a "
            "spec with data.validation_resplit_percent, as the default spec, re-splits the validation speakers and "
            "trains on most of them); harvest from a stream of the training split (kws stream make --split training) "
            "to train on its mistakes\n")


def _hits(*repetitions: int) -> list[LabelEvent]:
    """Both words of each repetition labelled as what the model detects: two hits each."""
    return [e for r in repetitions for e in (_event("yes", r, YES_WORD), _event("no", r, NO_WORD))]


# 0: one other word "go" under both words (testing speaker) -> 2 false accepts, one clip;
# 1: "yes" hit, the "no" on "off" (training speaker) -> 1 false accept; 2: 2 hits and a "no" missed (validation)
MISTAKES = (
    _event("_unknown_", 0, (YES_WORD[0], NO_WORD[1]), "go", f"go/{SPEAKERS[TESTING]}_nohash_4.wav"),
    _event("yes", 1, YES_WORD), _event("_unknown_", 1, NO_WORD, "off", f"off/{SPEAKERS[TRAINING]}_nohash_0.wav"),
    *_hits(2), _event("no", 2, AFTER, "no", f"no/{SPEAKERS[VALIDATION]}_nohash_1.wav"),
    *_hits(*range(3, REPEATS)),
)


def _labels(folder: Path, events: tuple[LabelEvent, ...] | list[LabelEvent], split: str | None = None,
            **record: object) -> Path:
    """The labels JSON, with kws stream make's record of the split the stream was built from when ``split`` (and
    the rest of its ``record``: how the dataset was split)."""
    path = folder / "labels.json"
    extra = None if split is None else {"stream": {"split": split, **record}}
    save_labels(StreamLabels(tuple(events)), path, extra=extra)
    return path


def test_the_speakers_hash_where_the_tests_say() -> None:
    assert {split: split_of(Path(f"{speaker}_nohash_0.wav")) for split, speaker in SPEAKERS.items()} == {
        split: split for split in SPEAKERS}


def test_one_clip_per_word_and_a_warning_when_the_clips_are_held_out(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, tmp_path) -> None:
    labelled = (stream[0], _labels(tmp_path, MISTAKES, TESTING))
    out_dir = tmp_path / "mistakes"
    code, out, err = detect(capsys, reference_model_path, labelled, "--save-false-accepts", str(out_dir),
                            "--save-misses", str(out_dir))
    assert code == 0
    assert out.splitlines()[-2:] == [
        f"wrote 2 false-accept clips of 1 s into {out_dir} (go 1, off 1): 3 false accepts in 2 clips (one per word)",
        f"wrote 1 missed-keyword clip of 1 s into {out_dir} (no 1)"]
    assert err.endswith(HELD_OUT) and err.count("kws: warning:") == 1
    audio = _stream_audio(stream)
    expected = {out_dir / "go" / f"{SPEAKERS[TESTING]}_nohash_0.wav": MISTAKES[0],
                out_dir / "off" / f"{SPEAKERS[TRAINING]}_nohash_0.wav": MISTAKES[2],
                out_dir / "no" / f"{SPEAKERS[VALIDATION]}_nohash_0.wav": MISTAKES[5]}
    assert sorted(p for p in out_dir.rglob("*") if p.is_file()) == sorted(expected)
    for path, event in expected.items():
        assert np.array_equal(_clip(path), audio[_centred(event):_centred(event) + CLIP]), path
    assert sorted((c.word, c.split) for c in scan_dataset(out_dir).clips) == [  # as kws train splits the folder
        ("go", TESTING), ("no", VALIDATION), ("off", TRAINING)]

    code, out, err = detect(capsys, reference_model_path, labelled, "--save-false-accepts", str(out_dir),
                            "--save-misses", str(out_dir), "--format", "jsonl")
    assert code == 0 and "wrote" not in out  # stdout holds JSON alone
    assert err.splitlines()[-2:] == [
        f"wrote 0 false-accept clips of 1 s into {out_dir}: 3 false accepts in 2 clips (one per word), 2 already "
        "there",
        f"wrote 0 missed-keyword clips of 1 s into {out_dir}: 1 already there"]  # and no warning: none written
    assert sorted(p for p in out_dir.rglob("*") if p.is_file()) == sorted(expected)


@pytest.mark.parametrize("record", [
    {"split_method": "stratified", "validation_percent": 15.0, "testing_percent": 10.0, "split_by_lists": False},
    {"split_method": "hash", "validation_percent": 10.0, "testing_percent": 10.0, "split_by_lists": True},
])
def test_clips_of_a_stream_not_split_by_the_hash_are_held_out_where_its_speakers_are(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, tmp_path, record) -> None:
    """A stream of a stratified dataset's (or a listed one's, as the official archive) testing split: its speakers
    are testing speakers whatever their hash, and kws train, merging the clips' folder with that dataset, keeps them
    there (workbench.datasets.layout.merge_datasets). The warning said what the hash alone would do: 1 in testing, 1
    in validation, and the third clip learned from."""
    labelled = (stream[0], _labels(tmp_path, MISTAKES, TESTING, **record))
    out_dir = tmp_path / "mistakes"
    code, _, err = detect(capsys, reference_model_path, labelled, "--save-false-accepts", str(out_dir),
                          "--save-misses", str(out_dir))
    assert code == 0 and len(list(out_dir.rglob("*.wav"))) == 3
    assert err.endswith("kws: warning: 3 of the 3 clips written keep their speakers, whose clips the dataset split "
                        "puts in testing (3): kws train tests on them rather than learns from them; harvest from a "
                        "stream of the training split (kws stream make --split training) to train on its mistakes\n")


def test_a_validation_stream_of_a_listed_dataset_is_validated_on_by_every_spec(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, tmp_path) -> None:
    """The default spec's re-split keeps a listed dataset's speakers where its lists put them
    (sample_plan.assign_splits), so the warning names no re-split for a stream of such a dataset's validation split;
    of a hash-split dataset's it does (HELD_OUT): there the default spec trains on most of those speakers."""
    record = {"split_method": "hash", "validation_percent": 10.0, "testing_percent": 10.0, "split_by_lists": True}
    labelled = (stream[0], _labels(tmp_path, MISTAKES, VALIDATION, **record))
    code, _, err = detect(capsys, reference_model_path, labelled, "--save-false-accepts", str(tmp_path / "out"),
                          "--save-misses", str(tmp_path / "out"))
    assert code == 0
    assert err.endswith("kws: warning: 3 of the 3 clips written keep their speakers, whose clips the dataset split "
                        "puts in validation (3): kws train validates on them rather than learns from them; harvest "
                        "from a stream of the training split (kws stream make --split training) to train on its "
                        "mistakes\n")


@pytest.mark.parametrize(("split", "events", "written"), [
    (TRAINING, MISTAKES, 3),  # a training stream's speakers are in training: the hash here is the test's own
    (None, MISTAKES, 3),  # a recording labelled by hand: nothing says it is held out
    (TESTING, (*_hits(0), _event("yes", 1, YES_WORD), _event("_unknown_", 1, NO_WORD, "off", "off/spk0_nohash_0.wav"),
               *_hits(*range(2, REPEATS))), 1),  # a testing stream, but its one clip lands in training
])
def test_no_warning_unless_the_stream_is_held_out_and_clips_land_outside_training(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, tmp_path, split, events, written) -> None:
    labelled = (stream[0], _labels(tmp_path, events, split))
    code, _, err = detect(capsys, reference_model_path, labelled, "--save-false-accepts", str(tmp_path / "fa"),
                          "--save-misses", str(tmp_path / "miss"))
    assert code == 0 and len(list(tmp_path.rglob("*.wav"))) == written
    assert "kws: warning:" not in err


def test_nothing_to_save_is_said_and_makes_no_folder(  # type: ignore[no-untyped-def]
        capsys, reference_model_path, stream, tmp_path) -> None:
    fa, miss = tmp_path / "fa", tmp_path / "miss"
    labelled = (stream[0], _labels(tmp_path, _hits(*range(REPEATS)), TESTING))
    code, out, err = detect(capsys, reference_model_path, labelled, "--save-false-accepts", str(fa),
                            "--save-misses", str(miss))
    assert code == 0 and ": 14 keywords, 14 hit, 0 missed (FRR 0.0 %), 0 false accepts" in out
    assert out.splitlines()[-2:] == [f"no false accepts: nothing written into {fa}",
                                     f"no missed keywords: nothing written into {miss}"]
    assert "kws: warning:" not in err and not fa.exists() and not miss.exists()

    on_a_keyword = [_event("yes", 0, YES_WORD), _event("yes", 0, NO_WORD), *_hits(*range(1, REPEATS))]
    labelled = (stream[0], _labels(tmp_path, on_a_keyword))  # the "no" falls on a "yes", which is then missed
    code, _, err = detect(capsys, reference_model_path, labelled, "--save-false-accepts", str(fa), "--format", "jsonl")
    assert code == 0 and not fa.exists()
    assert err.splitlines()[-2:] == [
        f"no false accepts to save: nothing written into {fa}",
        "1 false accept on keywords not saved: their audio is a keyword, which training must not learn as another "
        "word"]
