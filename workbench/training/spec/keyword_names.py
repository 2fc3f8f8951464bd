"""The name of a model trained for other keywords than its spec's own: the spec's name, then the keywords.

Why: ``kws train --spec tflite_micro_speech --keywords go,stop`` made a model named ``tflite_micro_speech`` -- the
name of the bundled MLTK reference, a yes/no model -- so the window's status bar, File > Recent, the comparisons
and the reports showed two different models under one name. The model's name (SL_PARAMSv1 ``name``, summary.json)
and its files' names come from the resolved spec's ``name`` (:mod:`workbench.training.run.output_folder`), so the
run's spec is renamed once, where its keywords are replaced (``kws train``'s resolution of its spec, a sweep's trial
spec): everything the run writes follows, ``OUT/spec.toml`` included.

The rule: keywords the spec holds itself (the same words in the same order, the output order) keep the spec's name
exactly, so the bundled models and every ``OUT/<name>.tflite`` the documentation names stay true. Other keywords add
``_`` and the keywords joined by ``_`` (``tflite_micro_speech_go_stop``), each written with ASCII letters, digits
and single ``_`` only: the name stays a file name, and a spec name that is a C identifier stays one for ``kws
export-c`` (no ``__``, no trailing ``_``). When that would be long (many keywords) or lose something (a keyword
with other characters: "turn-on", "höhe"), the keywords that fit are followed by how many are left out and the
start of a SHA-256 of the keywords as given, so two keyword lists never meet under one name:
``tflite_micro_speech_yes_no_up_down_plus6_3fa9c2``. A run resumed from its ``OUT/spec.toml`` is not renamed
again: its keywords are that spec's own, renamed or not (a run made before this rule keeps its name).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Sequence

SEPARATOR = "_"
MAX_KEYWORDS_CHARS = 32  # the keywords' part of a name written out in full, at most
DIGEST_CHARS = 6
# a shortened part ends with "_plus<N>_<digest>": the keywords shown before it leave room for that
SHORTENED_TAIL_CHARS = len("_plus999_") + DIGEST_CHARS
LEFT_OUT_WORD = "plus"  # "..._plus6_<digest>": six more keywords than the name shows
NO_WORD_SHOWN = "keywords"  # the shown part when no keyword has a letter or digit in ASCII
NOT_A_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9]+")


def keywords_model_name(spec_name: str, own_keywords: Sequence[str], keywords: Sequence[str]) -> str:
    """The name of the model a spec named ``spec_name`` with ``own_keywords`` trains for ``keywords``: the spec's
    name for its own keywords, else the spec's name with the keywords (module docstring)."""
    if tuple(keywords) == tuple(own_keywords):
        return spec_name
    return f"{spec_name}{SEPARATOR}{keywords_part(keywords)}"


def keywords_part(keywords: Sequence[str]) -> str:
    """``go_stop`` for ``("go", "stop")``; shortened, with a digest, when long or not written as given."""
    words = [_name_word(keyword) for keyword in keywords]
    whole = SEPARATOR.join(words)
    if words == list(keywords) and len(whole) <= MAX_KEYWORDS_CHARS:
        return whole
    shown: list[str] = []
    for word in filter(None, words):
        if len(SEPARATOR.join([*shown, word])) > MAX_KEYWORDS_CHARS - SHORTENED_TAIL_CHARS:
            break
        shown.append(word)
    left_out = len(keywords) - len(shown)
    digest = hashlib.sha256("\n".join(keywords).encode("utf-8")).hexdigest()[:DIGEST_CHARS]
    if not shown:
        return SEPARATOR.join((NO_WORD_SHOWN, digest))
    return SEPARATOR.join([*shown, *([f"{LEFT_OUT_WORD}{left_out}"] if left_out else []), digest])


def _name_word(keyword: str) -> str:
    """``keyword`` in ASCII letters and digits joined by single ``_`` ("turn-on" -> "turn_on", "höhe" -> "hohe");
    "" when none is left."""
    folded = unicodedata.normalize("NFKD", keyword).encode("ascii", "ignore").decode("ascii")
    return NOT_A_NAME_CHARACTERS.sub(SEPARATOR, folded).strip(SEPARATOR)
