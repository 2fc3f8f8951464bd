"""The words typed into the dataset builder's form: split at commas, each checked, a keyword given twice refused.

Why the dialog refuses a repeated keyword itself: ``kws dataset synth`` refuses two keywords of one folder
("yes, yes"), but "hey lamp, hey-lamp" has two folders (hey_lamp, hey-lamp) and would build two classes of
one phrase, each with half its clips, that a model could never tell apart.
"""

from __future__ import annotations

import re

from workbench.core.errors import SettingsError
from workbench.synthesis.build_plan import check_word, folder_name

_JOINERS = re.compile(r"[-_]+")  # in a folder name: a space became "_", a hyphen stayed; for a phrase both join


def form_words(text: str) -> list[str]:
    """The comma-separated entries of a box, stripped, empty ones left out (not yet checked)."""
    return [w.strip() for w in text.split(",") if w.strip()]


def keyword_list(text: str) -> list[str]:
    """The keywords of ``text``; a SettingsError (one sentence) for one that is not a word, or one given twice
    (the same phrase once case, spaces, hyphens and underscores are set aside)."""
    words: dict[str, str] = {}
    for word in (check_word(w) for w in form_words(text)):
        phrase = _JOINERS.sub("_", folder_name(word))
        if phrase in words:
            raise SettingsError(f"{word!r} repeats the keyword {words[phrase]!r}: give each keyword once.")
        words[phrase] = word
    return list(words.values())
