"""What a dataset holds as the model will see it: clips per class and split, speakers, duration, problems.

Why a separate summary: ``kws dataset info`` (text and ``--json``) and the GUI's dataset table must show
the same figures, computed once from a :class:`~workbench.datasets.layout.DatasetIndex`. Words that are
not keywords are counted as ``_unknown_`` (with the words listed), the ``_silence_`` folder as
``_silence_`` -- the classes a model with these keywords is trained and evaluated on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

from workbench.datasets.dataset_defaults import DEFAULT_KEYWORDS
from workbench.datasets.layout import SILENCE, UNKNOWN, DatasetIndex, label_of
from workbench.datasets.splits import NOHASH_MARK, SPLITS


@dataclass(frozen=True)
class ClassCount:
    """Clips of one class per split, and the word folders that feed it."""

    label: str
    counts: dict[str, int]  # split -> clips ("training", "validation", "testing")
    total: int
    words: list[str]


@dataclass(frozen=True)
class DatasetSummary:
    roots: list[str]
    split_rules: dict[str, str]  # root -> how it was split
    keywords: list[str]
    classes: list[ClassCount]  # keywords in order, then _unknown_, then _silence_
    words: dict[str, dict[str, int]]  # word -> split -> clips
    speakers: dict[str, int]  # split -> distinct speakers of word clips (and "total"); _silence_ has none
    clips: int
    clips_without_speaker_id: int  # word clips without "_nohash_": grouped by file name into speakers
    duration_s: float
    background_files: int
    background_duration_s: float
    unreadable: list[dict[str, str]] = field(default_factory=list)  # {"path", "reason"}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the ``kws dataset info --json`` document)."""
        return asdict(self)

    def class_count(self, label: str) -> ClassCount:
        for item in self.classes:
            if item.label == label:
                return item
        raise KeyError(label)


def normalise_keywords(keywords: Sequence[str]) -> list[str]:
    """Keywords without blanks, duplicates, or the ``_unknown_``/``_silence_`` classes (always added)."""
    seen: list[str] = []
    for word in keywords:
        word = word.strip()
        if word and word not in (SILENCE, UNKNOWN) and word not in seen:
            seen.append(word)
    return seen


def dataset_summary(index: DatasetIndex, keywords: Sequence[str] = DEFAULT_KEYWORDS) -> DatasetSummary:
    """The figures of ``index`` for a model with ``keywords`` (plus ``_unknown_`` and ``_silence_``)."""
    keys = normalise_keywords(keywords)
    labels = [*keys, UNKNOWN, SILENCE]
    per_label: dict[str, Counter[str]] = {label: Counter() for label in labels}
    words_of: dict[str, set[str]] = defaultdict(set)
    per_word: dict[str, Counter[str]] = defaultdict(Counter)
    speakers: dict[str, set[str]] = defaultdict(set)
    anonymous = 0
    for clip in index.clips:
        label = label_of(clip.word, keys)
        per_label[label][clip.split] += 1
        words_of[label].add(clip.word)
        per_word[clip.word][clip.split] += 1
        if clip.word == SILENCE:
            continue  # silence clips are cut from noise recordings: no speaker
        speakers[clip.split].add(clip.speaker)
        speakers["total"].add(clip.speaker)
        anonymous += NOHASH_MARK not in clip.path.name
    classes = [ClassCount(label, {s: per_label[label][s] for s in SPLITS}, sum(per_label[label].values()),
                          sorted(words_of[label])) for label in labels]
    return DatasetSummary(
        roots=[str(root) for root in index.roots],
        split_rules={str(root): rule for root, rule in index.split_rules.items()},
        keywords=keys,
        classes=classes,
        words={word: {s: per_word[word][s] for s in SPLITS} for word in sorted(per_word)},
        speakers={key: len(speakers[key]) for key in (*SPLITS, "total")},
        clips=len(index.clips),
        clips_without_speaker_id=anonymous,
        duration_s=round(index.total_duration_s, 3),
        background_files=len(index.background),
        background_duration_s=round(sum(index.durations.get(p, 0.0) for p in index.background), 3),
        unreadable=[{"path": str(path), "reason": reason} for path, reason in index.unreadable],
    )
