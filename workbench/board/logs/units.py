"""Numbers as MLTK's firmware prints them: ``85.71k``, ``11.344k``, ``78.0M``, ``  5.400 ms``.

Why exact: the firmware truncates (never rounds) ``n`` to the printed precision with a ``k``/``M``/``G``
suffix (``cpputils/string.cc``: ``format_units``). Reading the text back with :class:`~decimal.Decimal`
gives the printed value exactly (``85.71k`` → 85 710, not 85 709 as MLTK's ``int(float(x) * 1e3)`` can
give), i.e. the lower end of the range the true count lies in; the width of that range is
:func:`units_resolution`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SUFFIX_MULTIPLIERS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9}
NUMBER_WITH_UNITS = r"\d+(?:\.\d+)?[kMG]?"
_UNITS = re.compile(r"^(\d+(?:\.\d+)?)([kMG]?)$")
MS_PER_US = Decimal("0.001")


def parse_units(text: str) -> int:
    """``'85.71k'`` → 85710, ``'20'`` → 20, ``'78.0M'`` → 78000000; ValueError for anything else."""
    match = _UNITS.match(text.strip())
    if match is None:
        raise ValueError(f"not a firmware number: {text!r}")
    try:
        value = Decimal(match.group(1)) * SUFFIX_MULTIPLIERS[match.group(2)]
    except InvalidOperation:
        raise ValueError(f"not a firmware number: {text!r}") from None
    return int(value)


def units_resolution(text: str) -> int:
    """How much the true value may exceed :func:`parse_units` (the truncated digits), e.g. 10 for ``85.71k``."""
    match = _UNITS.match(text.strip())
    if match is None:
        raise ValueError(f"not a firmware number: {text!r}")
    number, suffix = match.groups()
    decimals = len(number.partition(".")[2])
    return max(1, SUFFIX_MULTIPLIERS[suffix] // 10**decimals)


def parse_milliseconds(text: str) -> float:
    """``'  5.400'`` (the number before `` ms``) → 5.4; the firmware prints whole microseconds."""
    try:
        return float(Decimal(text.strip()))
    except InvalidOperation:
        raise ValueError(f"not a time in ms: {text!r}") from None
