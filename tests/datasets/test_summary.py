"""dataset_summary: the figures the CLI and the GUI show, from a real scanned dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.datasets.layout import scan_dataset
from workbench.datasets.splits import SPLITS
from workbench.datasets.summary import dataset_summary, normalise_keywords


def test_keywords_are_normalised() -> None:
    assert normalise_keywords([" yes", "no", "yes", "", "_unknown_", "_silence_", "go"]) == ["yes", "no", "go"]


def test_summary_counts_as_the_model_sees_them(small_dataset: Path) -> None:
    index = scan_dataset(small_dataset)
    summary = dataset_summary(index, ["no", "go"])
    assert [c.label for c in summary.classes] == ["no", "go", "_unknown_", "_silence_"]
    assert summary.class_count("_unknown_").words == ["yes"] and summary.class_count("_unknown_").total == 24
    assert summary.class_count("go").total == 5 and summary.class_count("_silence_").total == 4
    for item in summary.classes:
        assert sum(item.counts.values()) == item.total
        assert item.counts == {s: sum(1 for c in index.select(s) if c.word in item.words) for s in SPLITS}
    assert summary.clips == len(index.clips) == sum(c.total for c in summary.classes)
    assert summary.speakers["total"] == 14  # silence clips have no speaker
    assert summary.duration_s == pytest.approx(53.0) and summary.background_files == 2
    assert summary.to_dict()["classes"][0]["label"] == "no"
    with pytest.raises(KeyError):
        summary.class_count("maybe")
