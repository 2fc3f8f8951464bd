"""Datasets merged for one run keep each speaker in one split: a folder of clips cut from a stream of the first
dataset (``kws detect --save-false-accepts``: the clips keep their speakers) follows the split that dataset puts
its speakers in, whatever rule would split the folder alone. Real folders of real WAV files."""

from __future__ import annotations

from pathlib import Path

from dataset_builders import make_dataset, speaker_names
from workbench.datasets.layout import merge_datasets, scan_dataset
from workbench.datasets.split_checks import speakers_in_several_splits
from workbench.datasets.splits import STRATIFIED_METHOD, TESTING, TRAINING, VALIDATION, split_of

SPEAKERS = 80


def _hashed(split: str, count: int) -> list[str]:
    """``count`` speaker ids whose hash (15 %, 10 %) puts them in ``split``."""
    ids = (f"{i:08x}" for i in range(10_000))
    return [s for s in ids if split_of(Path(f"{s}_nohash_0.wav")) == split][:count]


def _splits(index, root: Path) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """Speaker -> the splits their clips under ``root`` are in."""
    found: dict[str, set[str]] = {}
    for clip in index.clips:
        if clip.path.is_relative_to(root):
            found.setdefault(clip.speaker, set()).add(clip.split)
    return found


def test_a_folder_of_a_listed_datasets_speakers_follows_the_lists_in_either_order(tmp_path: Path) -> None:
    """The official archive is split by its lists (validation 10 %, testing 10 % of the hash); a folder of clips
    of its speakers has no lists and was split by the 15/10 % hash: a listed testing speaker hashed into training
    there was trained on, and a training speaker hashed into testing was tested on."""
    tested_here = _hashed(TRAINING, 2)  # listed for testing in the dataset, hashed into training in the folder
    trained_here = _hashed(TESTING, 2)  # the other way round
    dataset = make_dataset(tmp_path / "dataset", {"go": [f"{s}_nohash_0.wav" for s in tested_here + trained_here]})
    (dataset / "testing_list.txt").write_text("".join(f"go/{s}_nohash_0.wav\n" for s in tested_here))
    (dataset / "validation_list.txt").write_text("")
    mistakes = make_dataset(tmp_path / "mistakes", {
        "go": [f"{s}_nohash_0.wav" for s in tested_here + trained_here],
        "_false_accept_": ["stream_nohash_0.wav"]})  # nobody of the dataset: the folder's own rule
    alone = scan_dataset(mistakes)
    for first, second in ((dataset, mistakes), (mistakes, dataset)):
        merged = merge_datasets([scan_dataset(first), scan_dataset(second)])
        splits = _splits(merged, mistakes)
        assert {s: splits[s] for s in tested_here} == {s: {TESTING} for s in tested_here}
        assert {s: splits[s] for s in trained_here} == {s: {TRAINING} for s in trained_here}
        assert splits["stream"] == {split_of(Path("stream_nohash_0.wav"))}
        assert _splits(merged, dataset) == _splits(scan_dataset(dataset), dataset)  # the lists decide, unchanged
        assert speakers_in_several_splits(merged) == {}
    assert {c.split for c in alone.clips if c.speaker in tested_here} == {TRAINING}  # what it did before


def test_stratified_datasets_merged_keep_the_first_datasets_speakers_where_it_put_them(tmp_path: Path) -> None:
    """Each dataset is stratified by itself: a folder of a few of the first's speakers was stratified apart and put
    some of its testing speakers into training (the run then trained on noisy copies of its test clips)."""
    words = {"yes": speaker_names(SPEAKERS), "go": speaker_names(SPEAKERS, clips_each=1, start=SPEAKERS)}
    dataset = make_dataset(tmp_path / "dataset", words)
    first = scan_dataset(dataset, split_method=STRATIFIED_METHOD)
    by_split = {split: sorted({c.speaker for c in first.clips if c.split == split})
                for split in (TRAINING, VALIDATION, TESTING)}
    chosen = [s for split in (TRAINING, VALIDATION, TESTING) for s in by_split[split][:6]]
    mistakes = make_dataset(tmp_path / "mistakes", {"left": [f"{s}_nohash_0.wav" for s in chosen]})
    alone = scan_dataset(mistakes, split_method=STRATIFIED_METHOD)
    split_of_speaker = {c.speaker: c.split for c in first.clips}
    assert any(c.split != split_of_speaker[c.speaker] for c in alone.clips)  # apart, they disagree
    merged = merge_datasets([first, alone])
    assert {c.speaker: c.split for c in merged.clips if c.path.is_relative_to(mistakes)} == {
        s: split_of_speaker[s] for s in chosen}
    assert [c for c in merged.clips if c.path.is_relative_to(dataset)] == first.clips
    assert speakers_in_several_splits(merged) == {}


def test_clips_without_a_speaker_id_keep_their_own_split(tmp_path: Path) -> None:
    """A take named by its time (``yes_20240102-100000.wav``) and a silence clip are no speaker to follow."""
    dataset = make_dataset(tmp_path / "dataset", {"yes": ["yes_20240102-100000.wav"], "_silence_": ["0_nohash_0.wav"]})
    takes = make_dataset(tmp_path / "takes", {"yes": ["yes_20240102-100000.wav"], "_silence_": ["0_nohash_0.wav"]})
    (dataset / "testing_list.txt").write_text("yes/yes_20240102-100000.wav\n_silence_/0_nohash_0.wav\n")
    (dataset / "validation_list.txt").write_text("")
    own = scan_dataset(takes)
    merged = merge_datasets([scan_dataset(dataset), own])
    assert [c for c in merged.clips if c.path.is_relative_to(takes)] == own.clips
