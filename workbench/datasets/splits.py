"""Which split (training / validation / testing) a clip belongs to, so one speaker never lands in two.

Why this rule: a keyword model that was validated on the voices it was trained on looks far better than
it is. Speech Commands therefore assigns splits per *speaker*, and so do we, in one of two ways:

1. **Lists** -- when the dataset root holds ``validation_list.txt`` and/or ``testing_list.txt`` (the
   official archive does), they decide: each line is a clip path relative to the root
   (``right/a69b9b3e_nohash_0.wav``). A listed clip gets that list's split. An unlisted clip is
   ``training`` when both lists exist; when only one list exists, unlisted clips fall back to the hash
   rule below for the *other* split (and to ``training`` where the hash would name the listed split).
2. **The hash of the speaker** -- otherwise the dataset's own rule (``which_set`` in TensorFlow's
   ``speech_commands/input_data.py``): take the file name, drop everything from ``_nohash_`` on (what is
   left is the speaker id), SHA-1 it, take the digest modulo 2**27 and scale it to a percentage in
   [0, 100]. Below ``validation_percent`` → validation, below ``validation_percent + testing_percent``
   → testing, else training. A speaker's clips share one name prefix, hence one split; adding clips or
   words later never moves an existing clip to another split.

A file without ``_nohash_`` (the GUI's own takes are ``<label>_<YYYYmmdd-HHMMSS>.wav``) hashes its whole
name, so each take is its own "speaker" and the takes spread over the splits at the given percentages.
See :mod:`workbench.datasets.layout` for why, and how to group takes by person.

3. **Stratified** (``method="stratified"``, optional, no lists) -- for a *subset* whose speakers were
   themselves picked by the official hash, the hash bands are no longer uniform: on the shared
   Speech Commands subset the 15/10 % hash rule gives 53 % validation, 34 % testing and 13 % training.
   The stratified rule still keeps each speaker in one split but places whole speakers (largest first,
   ties in hash order) greedily into the split whose per-word quota is furthest from full, so every word
   gets the requested percentages (to within one speaker's clips). It is deterministic for a given set of
   clips, but adding clips can move other speakers: fix the dataset before comparing models on it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Mapping

from workbench.core.errors import SettingsError, WorkbenchError

TRAINING = "training"
VALIDATION = "validation"
TESTING = "testing"
SPLITS = (TRAINING, VALIDATION, TESTING)

DEFAULT_VALIDATION_PERCENT = 15.0  # MLTK's validation_split for tflite_micro_speech
DEFAULT_TESTING_PERCENT = 10.0  # Speech Commands' default testing percentage

VALIDATION_LIST = "validation_list.txt"
TESTING_LIST = "testing_list.txt"

NOHASH_MARK = "_nohash_"
_NOHASH_SUFFIX = re.compile(r"_nohash_.*$")
MAX_NUM_WAVS_PER_CLASS = 2**27 - 1  # the official constant: the hash is taken modulo 2**27
_PERCENT = 100.0

HASH_METHOD = "hash"
STRATIFIED_METHOD = "stratified"
SPLIT_METHODS = (HASH_METHOD, STRATIFIED_METHOD)


def hash_name(file_name: str) -> str:
    """The part of a clip's file name that is hashed: everything before ``_nohash_`` (or the whole name)."""
    return _NOHASH_SUFFIX.sub("", file_name)


def speaker_percentage(file_name: str) -> float:
    """Where the clip's speaker falls in [0, 100] (the official ``which_set`` percentage)."""
    digest = hashlib.sha1(hash_name(file_name).encode("utf-8")).hexdigest()
    return (int(digest, 16) % (MAX_NUM_WAVS_PER_CLASS + 1)) * (_PERCENT / MAX_NUM_WAVS_PER_CLASS)


def check_percentages(validation_percent: float, testing_percent: float) -> None:
    """Raise :class:`SettingsError` unless both are in [0, 100] and together at most 100."""
    for name, value in (("validation", validation_percent), ("testing", testing_percent)):
        if not 0.0 <= float(value) <= _PERCENT:
            raise SettingsError(f"The {name} percentage must be between 0 and 100, not {value:g}.")
    if float(validation_percent) + float(testing_percent) > _PERCENT:
        raise SettingsError(f"The validation and testing percentages add up to more than 100 "
                            f"({validation_percent:g} + {testing_percent:g}).")


def split_of(path: Path, validation_percent: float = DEFAULT_VALIDATION_PERCENT,
             testing_percent: float = DEFAULT_TESTING_PERCENT) -> str:
    """``training``, ``validation`` or ``testing`` by the hash of the clip's speaker (module docstring)."""
    percentage = speaker_percentage(Path(path).name)
    if percentage < validation_percent:
        return VALIDATION
    if percentage < validation_percent + testing_percent:
        return TESTING
    return TRAINING


def _read_list(root: Path, name: str) -> set[str] | None:
    path = root / name
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise WorkbenchError(f"Cannot read the split list {path}: {reason}.") from None
    entries = set()
    for line in text.splitlines():
        line = line.strip().replace("\\", "/")
        if line and not line.startswith("#"):
            entries.add(str(PurePosixPath(line)))
    return entries


class SplitRule:
    """The split of every clip of one dataset root: its lists when present, else the speaker hash."""

    def __init__(self, root: Path, validation_percent: float = DEFAULT_VALIDATION_PERCENT,
                 testing_percent: float = DEFAULT_TESTING_PERCENT) -> None:
        check_percentages(validation_percent, testing_percent)
        self.validation_percent = float(validation_percent)
        self.testing_percent = float(testing_percent)
        self.lists: Mapping[str, set[str]] = {
            split: entries for split, entries in ((VALIDATION, _read_list(root, VALIDATION_LIST)),
                                                  (TESTING, _read_list(root, TESTING_LIST)))
            if entries is not None}

    @property
    def uses_lists(self) -> bool:
        return bool(self.lists)

    def describe(self, method: str = HASH_METHOD) -> str:
        """One line for reports: how this dataset was split."""
        if self.lists:
            return "lists: " + ", ".join(f"{split}={len(entries)} clips" for split, entries in self.lists.items())
        how = "stratified by speaker" if method == STRATIFIED_METHOD else "hash of speaker"
        return f"{how}: validation {self.validation_percent:g} %, testing {self.testing_percent:g} %"

    def split(self, relative: str, path: Path) -> str:
        """The split of the clip at ``path`` (``relative``: its POSIX path relative to the root)."""
        if not self.lists:
            return split_of(path, self.validation_percent, self.testing_percent)
        for split, entries in self.lists.items():
            if relative in entries:
                return split
        if len(self.lists) == len((VALIDATION, TESTING)):
            return TRAINING
        by_hash = split_of(path, self.validation_percent, self.testing_percent)
        return by_hash if by_hash not in self.lists else TRAINING


def stratified_splits(speaker_words: Mapping[str, Counter[str]], speaker_names: Mapping[str, str],
                      validation_percent: float, testing_percent: float) -> dict[str, str]:
    """Speaker → split so that each word's clips follow the percentages (rule 3 of the module docstring).

    ``speaker_words[speaker]`` counts that speaker's clips per word; ``speaker_names[speaker]`` is one of
    its file names (for the hash order that breaks ties).
    """
    check_percentages(validation_percent, testing_percent)
    fractions = {VALIDATION: validation_percent / _PERCENT, TESTING: testing_percent / _PERCENT}
    fractions[TRAINING] = max(0.0, 1.0 - fractions[VALIDATION] - fractions[TESTING])
    candidates = [split for split in SPLITS if fractions[split] > 0.0]
    totals: Counter[str] = Counter()
    for words in speaker_words.values():
        totals.update(words)
    filled = {split: Counter() for split in SPLITS}  # type: dict[str, Counter[str]]
    order = sorted(speaker_words, key=lambda s: (-sum(speaker_words[s].values()),
                                                  speaker_percentage(speaker_names[s]), s))
    result: dict[str, str] = {}
    for speaker in order:
        words = speaker_words[speaker]

        def room(split: str) -> float:
            return sum(n * (fractions[split] * totals[w] - filled[split][w]) / totals[w] for w, n in words.items())

        best = max(candidates, key=room)  # max() keeps the first of equals: training, validation, testing
        filled[best].update(words)
        result[speaker] = best
    return result
