"""The sample plan follows MLTK's counting rules, keeps speakers apart and never touches test clips."""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import WorkbenchError
from workbench.datasets.layout import merge_datasets, scan_dataset
from workbench.training.data.sample_plan import (MIN_TRAINING_SAMPLES, assign_splits, draw_unknown, make_plan,
                                                  plan_warnings, resample_unknown)
from workbench.training.spec import DataSettings, load_spec

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import make_dataset, speaker_names  # noqa: E402


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 40 speakers x 2 clips of each keyword, several unknown words, silence clips, noise files
    return make_dataset(tmp_path_factory.mktemp("plan") / "data", {
        "yes": speaker_names(40), "no": speaker_names(36, start=3),
        "go": speaker_names(160, clips_each=1), "left": speaker_names(160, clips_each=1, start=5),
        "bed": speaker_names(4, clips_each=1, start=50), "_silence_": speaker_names(12, clips_each=1, start=200),
    }, background=["white_noise.wav"])


def _data(**changes: object) -> DataSettings:
    return dataclasses.replace(DataSettings(validation_resplit_percent=20.0), **changes)


def test_counts_follow_mltk_rules(dataset: Path) -> None:
    index = scan_dataset(dataset, validation_percent=15, testing_percent=10)
    data = _data()
    plan = make_plan(index, data, seed=1)
    train = plan.counts("training")
    keyword_clips = [c for c in index.clips if c.word in ("yes", "no")]
    train_keywords = [c for c in keyword_clips if c.split != "testing"]
    assert train["yes"] + train["no"] + plan.counts("validation")["yes"] + plan.counts("validation")["no"] \
        == len(train_keywords)
    mean = (train["yes"] + train["no"]) // 2
    train_silence_clips = sum(1 for s in plan.training if s.path is not None and s.path.parent.name == "_silence_")
    assert train["_silence_"] == int(mean * 0.2) + train_silence_clips  # generated + the dataset's own
    assert train["_unknown_"] == int(mean * 3.0)
    assert sum(1 for s in plan.training if s.path is None) == int(mean * 0.2)
    weights = plan.class_weights()
    n = len(plan.training)
    for i, name in enumerate(plan.classes):
        assert weights[i] == pytest.approx(n / (4 * train[name]))


def test_test_clips_stay_the_datasets_test_split_and_speakers_never_mix(dataset: Path) -> None:
    index = scan_dataset(dataset)
    plan = make_plan(index, _data(), seed=3)
    assert sorted(c.path for c in plan.testing) == sorted(c.path for c in index.select("testing"))
    test_paths = {c.path for c in plan.testing}
    assert not test_paths & {s.path for s in plan.training + plan.validation}
    speakers = {split: {p.name.split("_nohash_")[0] for p in paths if p is not None}
                for split, paths in (("training", [s.path for s in plan.training]),
                                     ("validation", [c.path for c in plan.validation_clips]),
                                     ("testing", test_paths))}
    assert not speakers["training"] & speakers["validation"]
    assert not speakers["training"] & speakers["testing"] and not speakers["validation"] & speakers["testing"]


def test_plan_is_repeatable_and_depends_on_the_seed(dataset: Path) -> None:
    index = scan_dataset(dataset)
    assert make_plan(index, _data(), seed=5).training == make_plan(index, _data(), seed=5).training
    assert make_plan(index, _data(), seed=5).training != make_plan(index, _data(), seed=6).training


def test_unknown_draw_shares_words_honours_weights_and_fills_shortfalls() -> None:
    rng = np.random.default_rng(0)
    by_word = {"go": [Path(f"go/{i}") for i in range(50)], "left": [Path(f"left/{i}") for i in range(50)],
               "bed": [Path(f"bed/{i}") for i in range(3)]}
    equal = Counter(p.parent.name for p in draw_unknown(by_word, 60, {}, rng))
    assert equal["bed"] == 3 and equal["go"] + equal["left"] == 57 and abs(equal["go"] - equal["left"]) <= 1
    weighted = Counter(p.parent.name for p in draw_unknown(by_word, 40, {"go": 3.0}, rng))
    assert sum(weighted.values()) == 40 and weighted["go"] > 2 * weighted["left"]
    assert len(draw_unknown(by_word, 500, {}, rng)) == 103  # best effort: every clip once


def test_resampled_unknowns_keep_counts_and_change_by_epoch(dataset: Path) -> None:
    plan = make_plan(scan_dataset(dataset), _data(), seed=2)
    first, second = (resample_unknown(plan, _data(), 2, epoch) for epoch in (1, 2))
    assert Counter(s.label for s in first) == Counter(s.label for s in plan.training)
    assert first != second and first == resample_unknown(plan, _data(), 2, 1)


def test_a_split_without_a_keyword_is_a_clear_error(dataset: Path) -> None:
    with pytest.raises(WorkbenchError, match="no samples of .*maybe"):
        make_plan(scan_dataset(dataset), _data(keywords=("yes", "maybe")), seed=1)


def test_a_keyword_in_the_wrong_case_is_offered_the_word_folder_it_resembles(dataset: Path) -> None:
    """``Yes`` does not match the folder ``yes/`` (keywords are matched as written): the error says which folder
    was meant, and offers nothing for a word no folder resembles (nor "no" for "down": keywords are short)."""
    with pytest.raises(WorkbenchError, match=r"no samples of Yes, NO: .* in it; did you mean yes, no\?$"):
        make_plan(scan_dataset(dataset), _data(keywords=("Yes", "NO")), seed=1)
    with pytest.raises(WorkbenchError) as refused:
        make_plan(scan_dataset(dataset), _data(keywords=("yes", "down")), seed=1)
    assert "did you mean" not in str(refused.value) and str(refused.value).endswith("in it.")


def test_a_cap_that_leaves_a_split_without_samples_is_named_rather_than_the_dataset(dataset: Path) -> None:
    with pytest.raises(WorkbenchError, match="no samples of .* with data.max_clips_per_word = 1: raise the cap"):
        make_plan(scan_dataset(dataset), _data(max_clips_per_word=1), seed=1)


def test_a_small_cap_keeps_every_split_of_every_word_whatever_the_seed(dataset: Path) -> None:
    """A sweep's quick trials cap the clips per word with seeds of their own: the cap is shared among the splits
    as the word's clips are, so no seed leaves validation without "yes" (before: some did, and the trial failed)."""
    index = scan_dataset(dataset, validation_percent=10, testing_percent=10)
    data = _data(max_clips_per_word=6, split_method="stratified", validation_resplit_percent=None)
    uncapped = make_plan(index, dataclasses.replace(data, max_clips_per_word=None), seed=1)
    for seed in range(40):
        plan = make_plan(index, data, seed=seed)
        for split in ("training", "validation"):
            assert all(n > 0 for n in plan.counts(split).values()), (seed, split, plan.counts(split))
        words = Counter(clip.word for clip in plan.validation_clips + plan.testing)
        assert all(n <= 6 for n in words.values())
    assert len(plan.testing) < len(uncapped.testing)


def test_negative_words_are_classes_of_their_own_and_leave_the_unknown_words(dataset: Path) -> None:
    index = scan_dataset(dataset)
    data = _data(negative_words=("go",))
    plan = make_plan(index, data, seed=1)
    assert plan.classes == ("yes", "no", "_unknown_", "_silence_", "_go_")
    go = plan.classes.index("_go_")
    for split, samples in (("training", plan.training), ("validation", plan.validation)):
        clips = {c.path for c in assign_splits(index, data) if c.split == split}
        go_clips = {c for c in clips if c.parent.name == "go"}
        assert {s.path for s in samples if s.label == go} == go_clips and go_clips  # every clip, as keywords
        unknown = [s for s in samples if s.label == plan.classes.index("_unknown_")]
        assert unknown and all(s.path.parent.name in ("left", "bed") for s in unknown)
    assert "go" not in plan.unknown_pool
    assert plan.counts("testing")["_go_"] == sum(1 for c in plan.testing if c.word == "go")
    mean = (plan.counts("training")["yes"] + plan.counts("training")["no"]) // 2
    assert plan.counts("training")["_unknown_"] == min(int(mean * 3.0), len(plan.context_clips()))
    fewer = make_plan(index, _data(negative_words=("go",), unknown_percentage=1.0), seed=1)
    assert fewer.counts("training")["_unknown_"] == mean  # the keywords' mean, whatever the negatives count



def test_a_plan_with_enough_clips_has_no_warning(dataset: Path) -> None:
    plan = make_plan(scan_dataset(dataset), _data(), seed=1)
    assert min(plan.counts("training").values()) >= MIN_TRAINING_SAMPLES
    assert plan_warnings(plan, _data()) == []


def test_too_few_training_clips_of_a_class_are_named_with_the_remedy(shared_dir: Path) -> None:
    """The shared subset's speakers sit in the official validation split: the tflite_micro_speech spec (no
    re-split) leaves "yes 7, no 5" to train on and the model learns nothing of them; the default spec
    re-splits and is left alone."""
    source = shared_dir / "datasets" / "speech_commands"
    for name, expected in (("tflite_micro_speech", True), ("default", False)):
        data = load_spec(name).data
        index = scan_dataset(source, validation_percent=data.validation_percent,
                             testing_percent=data.testing_percent)
        plan = make_plan(index, data, seed=1)
        warnings = plan_warnings(plan, data)
        if not expected:
            assert warnings == [], name
            continue
        counts = plan.counts("training")
        assert counts["yes"] < MIN_TRAINING_SAMPLES and counts["no"] < MIN_TRAINING_SAMPLES
        assert len(warnings) == 1 and "\n" not in warnings[0]
        text = warnings[0]
        assert text.startswith(f"warning: yes ({counts['yes']}), no ({counts['no']})")
        assert f"fewer than {MIN_TRAINING_SAMPLES} training samples" in text
        assert "add clips" in text and "validation_resplit_percent" in text
        assert "_silence_" not in text  # generated silence is plentiful


def test_a_spec_that_already_re_splits_is_only_told_to_add_clips(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "data", {
        "yes": speaker_names(40), "no": speaker_names(3, clips_each=1, start=400),
        "go": speaker_names(120, clips_each=1, start=500)})
    data = _data(silence_percentage=1.0)  # as many generated silences as the mean keyword: not sparse
    plan = make_plan(scan_dataset(root, validation_percent=10, testing_percent=1), data, seed=1)
    warnings = plan_warnings(plan, data)
    assert len(warnings) == 1 and warnings[0].startswith("warning: no (")
    assert " has fewer than" in warnings[0] and "validation_resplit_percent" not in warnings[0]


def test_too_few_silence_samples_name_silence_percentage_not_the_re_split(tmp_path: Path) -> None:
    """_silence_'s count is generated samples, silence_percentage x the mean keyword count: re-splitting speakers
    would not raise it, so its warning names that setting (and the words' warning keeps the re-split)."""
    root = make_dataset(tmp_path / "data", {"yes": speaker_names(30), "no": speaker_names(30, start=100),
                                            "go": speaker_names(90, clips_each=1, start=300)})
    data = _data(validation_resplit_percent=None, silence_percentage=0.2)
    plan = make_plan(scan_dataset(root, validation_percent=10, testing_percent=10), data, seed=1)
    counts = plan.counts("training")
    assert counts["_silence_"] < MIN_TRAINING_SAMPLES <= min(counts["yes"], counts["no"], counts["_unknown_"])
    warnings = plan_warnings(plan, data)
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: _silence_ ({counts['_silence_']}) has fewer")
    assert "silence_percentage" in warnings[0] and "(now 0.2;" in warnings[0]
    assert "validation_resplit_percent" not in warnings[0]
    enough = float(warnings[0].split("--set data.silence_percentage=")[1].split()[0])
    planned = make_plan(scan_dataset(root, validation_percent=10, testing_percent=10),
                        dataclasses.replace(data, silence_percentage=enough), seed=1)
    assert planned.counts("training")["_silence_"] >= MIN_TRAINING_SAMPLES  # the value offered is enough
    assert "clips of background sound to a _silence_ folder" in warnings[0]  # the dataset's own clips count too,
    without_clips = dataclasses.replace(data, silence_clips=False)
    assert "_silence_ folder" not in plan_warnings(plan, without_clips)[0]  # when the spec uses them


def test_the_re_split_leaves_the_speakers_of_a_listed_dataset_where_its_lists_put_them(tmp_path: Path) -> None:
    """The official archive is split by its lists, which the re-split leaves alone; a folder of false accepts cut
    from a stream of its speakers has none, and merge_datasets puts its clips with their speakers. The re-split
    then re-cut that folder alone: clips of the lists' validation speakers went into training, beside their
    validation clips (and training speakers' into validation) -- the spec the window starts with re-splits."""
    ids = [f"{i:08x}" for i in range(60)]
    validation_speakers = set(ids[:20])
    dataset = make_dataset(tmp_path / "dataset", {"yes": [f"{s}_nohash_0.wav" for s in ids],
                                                  "go": [f"{s}_nohash_1.wav" for s in ids]})
    listed = [f"yes/{s}_nohash_0.wav\ngo/{s}_nohash_1.wav\n" for s in sorted(validation_speakers)]
    (dataset / "validation_list.txt").write_text("".join(listed))
    (dataset / "testing_list.txt").write_text("")
    mistakes = make_dataset(tmp_path / "mistakes", {"go": [f"{s}_nohash_0.wav" for s in ids]})
    own_takes = make_dataset(tmp_path / "takes", {"yes": speaker_names(20, start=1000)})  # no one the lists name
    index = merge_datasets([scan_dataset(path) for path in (dataset, mistakes, own_takes)])
    clips = assign_splits(index, load_spec("default").data)
    splits: dict[str, set[str]] = {}
    for clip in clips:
        splits.setdefault(clip.speaker, set()).add(clip.split)
    assert {s: splits[s] for s in ids} == {s: {"validation" if s in validation_speakers else "training"} for s in ids}
    assert [c for c in clips if c.path.is_relative_to(dataset)] == [c for c in index.clips
                                                                    if c.path.is_relative_to(dataset)]
    re_split = {c.split for c in clips if c.path.is_relative_to(own_takes) and c.split != "testing"}
    assert re_split == {"training", "validation"}  # the other datasets' own speakers are re-split as before
