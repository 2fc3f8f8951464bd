"""How far a ``kws evaluate RUN_MODEL --compare OTHER`` child is, from the progress lines it prints on stderr.

Why from its text lines: ``kws evaluate`` has no ``--progress jsonl``; on a pipe its progress bar
(:mod:`workbench.cli.progress_bar`) prints one line per tenth of each model's clips instead of redrawing,
``evaluating kws_yes_no [###.....]  30.0% 33/110 41 clips/s ETA 0:02``, the models one after the other. A line
that is not one of these (a warning, LiteRT's chatter) is ignored, so a change of that wording costs the bar,
never the comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.core.wording import plural

PROGRESS_LINE = re.compile(r"^evaluating(?: (?P<name>.+?))? \[[#.]*\]\s+[\d.]+% (?P<done>\d+)/(?P<total>\d+)\b")
STARTING = "starting…"


@dataclass
class ComparisonProgress:
    """``read(line)`` each stderr line of the child; ``fraction`` (of all its models' clips) and ``text`` say
    where it is. ``models``: how many models the child scores, one after the other."""

    models: int
    model: int = 0  # the one being scored, from 0
    name: str = ""
    done: int = 0
    total: int = 0

    def read(self, line: str) -> bool:
        """Take one stderr line; True when it moved the progress."""
        match = PROGRESS_LINE.match(line.strip())
        if match is None:
            return False
        name, done, total = match["name"] or "", int(match["done"]), int(match["total"])
        if self.total and (name != self.name or done < self.done):  # the next model has started
            self.model = min(self.model + 1, self.models - 1)
        self.name, self.done, self.total = name, done, total
        return True

    @property
    def fraction(self) -> float:
        within = self.done / self.total if self.total else 0.0
        return min(1.0, (self.model + within) / max(1, self.models))

    @property
    def text(self) -> str:
        """``kws_yes_no: 33 of 110 clips`` (``starting…`` before the first line)."""
        if not self.total:
            return STARTING
        return f"{self.name or 'evaluating'}: {self.done:,} of {self.total:,} {plural(self.total, 'clip')}"
