"""split_checks: the warnings about a real dataset's splits (set by its own split lists, so every count is known)."""

from __future__ import annotations

from pathlib import Path

from dataset_builders import make_dataset, speaker_names
from workbench.datasets.layout import merge_datasets, scan_dataset
from workbench.datasets.split_checks import (
    CLASS_MISSING_FROM_SPLIT,
    FEW_TRAINING_CLIPS,
    MAX_NAMES_SHOWN,
    MIN_TRAINING_CLIPS,
    SPEAKER_IN_SEVERAL_SPLITS,
    classes_missing_splits,
    sparse_keywords,
    speakers_in_several_splits,
    split_warnings,
)
from workbench.datasets.summary import dataset_summary
from workbench.training.data.sample_plan import MIN_TRAINING_SAMPLES


def _listed(root: Path, validation: list[str], testing: list[str]) -> Path:
    (root / "validation_list.txt").write_text("\n".join(validation) + "\n")
    (root / "testing_list.txt").write_text("\n".join(testing) + "\n")
    return root


def test_the_threshold_is_the_runs_own() -> None:
    """A dataset that passes here must not get the run's "too few training samples" warning for its split."""
    assert MIN_TRAINING_CLIPS == MIN_TRAINING_SAMPLES


def test_warnings_name_sparse_keywords_missing_splits_and_shared_speakers(tmp_path: Path) -> None:
    yes, no, go = speaker_names(12), speaker_names(4, start=20), speaker_names(3, start=40)
    root = make_dataset(tmp_path / "data", {"yes": yes, "no": no, "go": go})
    # yes: 20 training, 2 validation, 2 testing; no: 7 training, 0 validation, 1 testing (speaker 0x14, whose
    # other clip trains); go (_unknown_): in every split
    validation = [f"yes/{n}" for n in yes[20:22]] + [f"go/{n}" for n in go[:2]]
    testing = [f"yes/{n}" for n in yes[22:]] + [f"no/{no[0]}"] + [f"go/{n}" for n in go[2:4]]
    index = scan_dataset(_listed(root, validation, testing))
    summary = dataset_summary(index, ["yes", "no"])
    assert sparse_keywords(summary) == {"no": 7}
    assert classes_missing_splits(summary) == {"no": ["validation"]}
    assert speakers_in_several_splits(index) == {"00000014": {"training": 1, "testing": 1}}

    warnings = split_warnings(index, summary, sparse_remedy="add clips")
    assert [w.kind for w in warnings] == [FEW_TRAINING_CLIPS, CLASS_MISSING_FROM_SPLIT, SPEAKER_IN_SEVERAL_SPLITS]
    assert warnings[0].message == ("no (7) has fewer than 20 training clips in the dataset's split, too few for a "
                                   "model to learn it: add clips")
    assert warnings[0].names == ("no",)
    assert warnings[1].message.startswith("no has no validation clips: without validation clips")
    assert "testing" not in warnings[1].message
    assert warnings[2].message.startswith("1 speaker has clips in more than one split")
    assert warnings[2].message.endswith(": 00000014 (training 1, testing 1)")
    assert warnings[2].to_dict() == {"kind": SPEAKER_IN_SEVERAL_SPLITS, "message": warnings[2].message,
                                     "names": ["00000014"]}


def test_a_class_with_no_testing_clips_and_silence_only_when_the_dataset_has_some(tmp_path: Path) -> None:
    words = {"yes": speaker_names(12), "no": speaker_names(12), "go": speaker_names(2, start=50)}
    root = make_dataset(tmp_path / "data", words)  # whole speakers listed: speaker 0 validates, 1 tests
    validation = [f"{w}/{n}" for w in ("yes", "no") for n in words[w][:2]] + [f"go/{n}" for n in words["go"][:2]]
    testing = [f"{w}/{n}" for w in ("yes", "no") for n in words[w][2:4]]
    index = scan_dataset(_listed(root, validation, testing))
    summary = dataset_summary(index, ["yes", "no"])
    assert classes_missing_splits(summary) == {"_unknown_": ["testing"]}  # no _silence_ folder: not a fault
    (message,) = [w.message for w in split_warnings(index, summary)]
    assert message == "_unknown_ has no testing clips: without testing clips kws evaluate cannot measure it"

    make_dataset(root, {"_silence_": ["1.wav", "2.wav"]})
    validation += ["_silence_/1.wav", "_silence_/2.wav"]
    summary = dataset_summary(scan_dataset(_listed(root, validation, testing)), ["yes", "no"])
    assert classes_missing_splits(summary) == {"_unknown_": ["testing"], "_silence_": ["testing"]}


def test_the_hash_rule_keeps_every_speaker_in_one_split(tmp_path: Path) -> None:
    index = scan_dataset(make_dataset(tmp_path / "data", {"yes": speaker_names(30, clips_each=3)}))
    assert len({c.split for c in index.clips}) == 3 and speakers_in_several_splits(index) == {}


def test_clips_without_a_speaker_id_are_not_speakers_here(tmp_path: Path) -> None:
    """``left/rec00.wav`` listed for testing and ``right/rec00.wav`` for training are no person in two splits."""
    root = make_dataset(tmp_path / "data", {"left": ["rec00.wav"], "right": ["rec00.wav"]})
    index = scan_dataset(_listed(root, [], ["left/rec00.wav"]))
    assert {c.split for c in index.clips} == {"training", "testing"} and speakers_in_several_splits(index) == {}


def test_many_shared_speakers_are_named_up_to_a_limit(tmp_path: Path) -> None:
    first = make_dataset(tmp_path / "a", {"yes": speaker_names(MAX_NAMES_SHOWN + 3, clips_each=1)})
    second = make_dataset(tmp_path / "b", {"no": speaker_names(MAX_NAMES_SHOWN + 3, clips_each=1)})
    _listed(first, [], [])  # every clip of a: training
    _listed(second, [], [f"no/{p.name}" for p in sorted((second / "no").iterdir())])  # every clip of b: testing
    index = merge_datasets([scan_dataset(first), scan_dataset(second)])
    shared = speakers_in_several_splits(index)
    assert len(shared) == MAX_NAMES_SHOWN + 3
    (warning,) = [w for w in split_warnings(index, dataset_summary(index, ["yes", "no"]))
                  if w.kind == SPEAKER_IN_SEVERAL_SPLITS]
    assert warning.message.startswith(f"{MAX_NAMES_SHOWN + 3} speakers have clips in more than one split")
    assert warning.message.endswith(" and 3 more") and len(warning.names) == MAX_NAMES_SHOWN + 3
