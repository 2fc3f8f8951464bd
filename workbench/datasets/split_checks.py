"""Warnings about what a dataset's splits hold: keywords with too few training clips, classes missing from the
validation or testing split, and speakers whose clips sit in more than one split.

Why: ``kws dataset info`` printed the counts and left reading them to the user, and the counts are easy to read
past -- the shared Speech Commands subset shows ``yes`` with 7 training clips and ``no`` with 5 (its speakers were
picked by the official hash, so most of them sit in validation and testing), and a model trained on that learns
nothing of them. Each warning says what goes wrong in a run and what helps. The figures are the dataset's own
split (the table ``kws dataset info`` prints above them); what a run with a spec makes of them is the training's
plan (``kws dataset info --spec``).

Speakers are compared only where a clip's name says who spoke (``SPEAKER_nohash_N.wav``): the hash rule and the
stratified rule keep a speaker in one split, and datasets merged keep a speaker in the split of the first that
holds them (:func:`~workbench.datasets.layout.merge_datasets`), so only split lists (one dataset's, or two listed
datasets merged) can put one in two, and the file-name "speakers" of clips without an id are no people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from workbench.core.wording import counted, listed
from workbench.datasets.layout import SILENCE, DatasetIndex, has_speaker_id
from workbench.datasets.splits import SPLITS, TESTING, TRAINING, VALIDATION
from workbench.datasets.summary import DatasetSummary

# Fewer training clips than this and a keyword is too rare to learn. The same count as the run's own warning
# (workbench.training.data.sample_plan.MIN_TRAINING_SAMPLES, a test keeps the two equal): a dataset that passes
# here does not get that warning from a run that trains on its split as it is.
MIN_TRAINING_CLIPS = 20
MAX_NAMES_SHOWN = 10  # speakers named in a warning's sentence (the JSON names them all)
EVALUATED_SPLITS = (VALIDATION, TESTING)

FEW_TRAINING_CLIPS = "few_training_clips"
CLASS_MISSING_FROM_SPLIT = "class_missing_from_split"
SPEAKER_IN_SEVERAL_SPLITS = "speaker_in_several_splits"

_WHY_MISSING = {
    VALIDATION: "without validation clips a class does not count in choosing the checkpoint, early stopping or the "
                "detection threshold",
    TESTING: "without testing clips kws evaluate cannot measure it",
}


@dataclass(frozen=True)
class DatasetWarning:
    """One warning: its ``kind`` (for scripts), the sentence, and the keywords, classes or speakers it names."""

    kind: str
    message: str
    names: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "names": list(self.names)}


def sparse_keywords(summary: DatasetSummary) -> dict[str, int]:
    """The keywords with fewer than :data:`MIN_TRAINING_CLIPS` clips in the training split, and their count."""
    counts = {item.label: item.counts[TRAINING] for item in summary.classes}
    return {word: counts[word] for word in summary.keywords if counts[word] < MIN_TRAINING_CLIPS}


def classes_missing_splits(summary: DatasetSummary) -> dict[str, list[str]]:
    """Class -> the evaluated splits (validation, testing) in which it has no clip.

    ``_silence_`` only when the dataset has silence clips at all: without any, the run generates its silence
    samples and the evaluation has no silence class to measure, which is no fault of the split.
    """
    missing: dict[str, list[str]] = {}
    for item in summary.classes:
        if item.label == SILENCE and item.total == 0:
            continue
        splits = [split for split in EVALUATED_SPLITS if item.counts[split] == 0]
        if splits:
            missing[item.label] = splits
    return missing


def speakers_in_several_splits(index: DatasetIndex) -> dict[str, dict[str, int]]:
    """Speaker -> clips per split, for the speakers (named by their clips' ``_nohash_`` id) in two splits or more."""
    per_speaker: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SPLITS, 0))
    for clip in index.clips:
        if clip.word != SILENCE and has_speaker_id(clip.path):
            per_speaker[clip.speaker][clip.split] += 1
    return {speaker: {split: n for split, n in counts.items() if n}
            for speaker, counts in sorted(per_speaker.items()) if sum(1 for n in counts.values() if n) > 1}


def split_warnings(index: DatasetIndex, summary: DatasetSummary, sparse_remedy: str = "") -> list[DatasetWarning]:
    """The warnings of the module docstring for ``index`` as ``summary`` counts it; ``sparse_remedy`` ends the
    sentence about sparse keywords (what the caller can offer: a spec that re-splits, a plan shown)."""
    warnings = []
    sparse = sparse_keywords(summary)
    if sparse:
        warnings.append(_sparse_warning(sparse, sparse_remedy))
    missing = classes_missing_splits(summary)
    if missing:
        warnings.append(_missing_warning(missing))
    shared = speakers_in_several_splits(index)
    if shared:
        warnings.append(_shared_speakers_warning(shared))
    return warnings


def _sparse_warning(sparse: dict[str, int], remedy: str) -> DatasetWarning:
    has, them = ("has", "it") if len(sparse) == 1 else ("have", "them")
    message = (f"{listed([f'{word} ({n})' for word, n in sparse.items()])} {has} fewer than {MIN_TRAINING_CLIPS} "
               f"training clips in the dataset's split, too few for a model to learn {them}")
    return DatasetWarning(FEW_TRAINING_CLIPS, message + (f": {remedy}" if remedy else ""), tuple(sparse))


def _missing_warning(missing: dict[str, list[str]]) -> DatasetWarning:
    clauses = [f"{label} has no {' or '.join(splits)} clips" for label, splits in missing.items()]
    reasons = [_WHY_MISSING[split] for split in EVALUATED_SPLITS if any(split in s for s in missing.values())]
    return DatasetWarning(CLASS_MISSING_FROM_SPLIT, f"{listed(clauses)}: {'; '.join(reasons)}", tuple(missing))


def _shared_speakers_warning(shared: dict[str, dict[str, int]]) -> DatasetWarning:
    shown = [f"{speaker} ({', '.join(f'{split} {n}' for split, n in counts.items())})"
             for speaker, counts in list(shared.items())[:MAX_NAMES_SHOWN]]
    more = len(shared) - len(shown)
    names = ", ".join(shown) + (f" and {more} more" if more else "")
    has = "has" if len(shared) == 1 else "have"
    message = (f"{counted(len(shared), 'speaker')} {has} clips in more than one split (put there by split lists): "
               f"a model is then validated or tested on voices it trained on, and its figures flatter it: {names}")
    return DatasetWarning(SPEAKER_IN_SEVERAL_SPLITS, message, tuple(shared))

