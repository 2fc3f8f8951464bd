"""Option values that start with a minus sign, typed as the help shows them: ``--gain-db -6:0``.

Why: argparse takes every word that starts with ``-`` and is not a plain negative number for an option, so
``kws stream make --gain-db -6:0`` failed with "argument --gain-db: expected one argument" and only
``--gain-db=-6:0`` worked -- nothing said so. No ``kws`` option starts with a minus and a digit, so such a word
right after a long option can only be that option's value: a negative range or list is joined to it
(``--gain-db=-6:0``) before parsing. A plain negative number is left as it is (argparse reads ``--x -6``), and so
is anything after a bare ``--`` and a word with letters in it (a file such as ``-6:0.wav``).
"""

from __future__ import annotations

import re
from typing import Sequence

END_OF_OPTIONS = "--"
LONG_OPTION = "--"
OPTION_VALUE_SEPARATOR = "="
# -6:0, -1.5:-0.5, -3,-2 (not a plain -6: argparse reads it as a value)
NEGATIVE_RANGE = re.compile(r"-\.?\d[\d.eE+\-]*[:,][\d.eE+\-:,]*")


def joined_negative_values(argv: Sequence[str]) -> list[str]:
    """``argv`` with each negative range or list that follows a long option joined to it by ``=``."""
    joined: list[str] = []
    for word in argv:
        previous = joined[-1] if joined else ""
        if (END_OF_OPTIONS not in joined and NEGATIVE_RANGE.fullmatch(word) and previous.startswith(LONG_OPTION)
                and OPTION_VALUE_SEPARATOR not in previous):
            joined[-1] = f"{previous}{OPTION_VALUE_SEPARATOR}{word}"
        else:
            joined.append(word)
    return joined
