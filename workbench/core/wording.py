"""How counts, lists and durations read in a sentence: "2 clips", "yes, no and go", "1:05:00", "12.0 s".

Why one place: the CLI and the window both say how many of something there are and how long something takes,
and each had grown its own rule (some wrote "0 clip", some forgot the "es" of "processes", three clocks wrote
minutes three ways). Qt-free, so both can import it.
"""

from __future__ import annotations

import math
from typing import Sequence

SECONDS_PER_MINUTE = 60
SECONDS_PER_HOUR = 3600


def plural(number: float, noun: str, many: str | None = None) -> str:
    """``noun`` for exactly one, else ``many`` (default: ``noun`` + "s")."""
    if number == 1:
        return noun
    return many if many is not None else f"{noun}s"


def counted(number: float, noun: str, many: str | None = None) -> str:
    """``number`` and the noun that goes with it: ``counted(2, "clip")`` is "2 clips"."""
    return f"{number} {plural(number, noun, many)}"


def listed(names: Sequence[str]) -> str:
    """Names as a sentence lists them: "a", "a and b", "a, b and c"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def audio_length(seconds: float) -> str:
    """How long a recording is, in a sentence: "12.0 s" under a minute, "2.5 min" from one on (a 12 s recording
    read "0.2 min", and one under 3 s "0.0 min")."""
    if seconds < SECONDS_PER_MINUTE:
        return f"{seconds:.1f} s"
    return f"{seconds / SECONDS_PER_MINUTE:.1f} min"


def clock_time(seconds: float | None, unknown: str = "--:--") -> str:
    """A duration as a clock shows it, to the second: "0:07", "12:30", "1:05:00"; ``unknown`` when there is
    none (no estimate yet, or an endless one)."""
    if seconds is None or not math.isfinite(seconds):
        return unknown
    hours, rest = divmod(int(round(max(0.0, seconds))), SECONDS_PER_HOUR)
    minutes, secs = divmod(rest, SECONDS_PER_MINUTE)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
