"""How far ``kws evaluate`` is in scoring its models' clips, in the form ``--progress`` asks for.

Why three forms: a person in a terminal wants the bar (:mod:`workbench.cli.progress_bar`: redrawn in place, or a
line per tenth of the clips in a log); the window runs the command as a child and reads ``{"phase", "fraction"}``
lines on stderr (``jsonl``, as ``kws calibrate`` and ``kws dataset synth`` print them for
:class:`workbench.gui.kws_child.KwsChild`); a script may want neither (``none``). With ``--compare`` the models are
scored one after the other: the JSON fraction is of all their clips, so one bar fills once, and the phase names
the model being scored and its place ("evaluating kws_yes_no (1/2)"), since the models compared may share a name;
``done``, ``total`` and ``unit`` count the clips of the model being scored ("33 of 110 clips" in the window).
Lines for a person (files written, warnings) are ``{"message"}`` objects in ``jsonl`` and plain lines otherwise.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

from workbench.cli.progress_bar import ProgressBar

PROGRESS_MODES = ("bar", "jsonl", "none")
PHASE = "evaluating"
UNIT = "clips"
MIN_INTERVAL_S = 0.1  # at most this often a JSON line, besides a new model's first and each model's last
FRACTION_DIGITS = 4
CLI_PREFIX, WARNING = "kws: ", "warning: "


def model_phase(name: str, number: int, count: int) -> str:
    """The phase of model ``number`` (from 0) of ``count``: "evaluating" alone, else with its name and place."""
    return PHASE if count == 1 else f"{PHASE} {name} ({number + 1}/{count})"


class ScoringProgress:
    """:meth:`start` each model, then pass :meth:`update` as its ``progress(done, total)``; :meth:`finish` at
    the end (and on a stop) clears the bar; :meth:`say` prints a line for the person."""

    def __init__(self, mode: str, count: int, stream: TextIO | None = None) -> None:
        self.mode = mode
        self.count = max(1, count)
        self.stream = stream or sys.stderr
        self.phase = PHASE
        self.number = 0
        self._bar: ProgressBar | None = None
        self._last_time = 0.0

    def start(self, name: str, number: int) -> None:
        """Model ``number`` (from 0), called ``name``, is scored next."""
        self.finish()
        self.number = number
        self.phase = model_phase(name, number, self.count)
        if self.mode == "bar":  # the label a terminal has always shown
            self._bar = ProgressBar(PHASE if self.count == 1 else f"{PHASE} {name}", unit=UNIT, stream=self.stream)
        elif self.mode == "jsonl":
            self._json({"phase": self.phase, "fraction": round(number / self.count, FRACTION_DIGITS)})

    def update(self, done: int, total: int | None = None) -> None:
        if self._bar is not None:
            self._bar.update(done, total)
        elif self.mode == "jsonl" and total:
            now = time.monotonic()
            if done >= total or now - self._last_time >= MIN_INTERVAL_S:
                fraction = (self.number + min(1.0, done / total)) / self.count
                self._json({"phase": self.phase, "fraction": round(fraction, FRACTION_DIGITS),
                            "done": done, "total": total, "unit": UNIT})

    def say(self, text: str) -> None:
        """A line for the person: a ``{"message"}`` object in ``jsonl``, else a line on stderr (also with
        ``none``: a warning is not progress)."""
        self.finish()
        if self.mode == "jsonl":
            self._json({"message": text})
        else:
            print(text, file=self.stream)
            self.stream.flush()

    def warn(self, text: str) -> None:
        """A warning: "warning: …" as a message in ``jsonl``, the CLI's "kws: warning: …" line otherwise."""
        if self.mode == "jsonl":
            self.say(f"{WARNING}{text}")
        else:
            self.say(f"{CLI_PREFIX}{WARNING}{text}")

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.finish()
            self._bar = None

    def _json(self, item: dict[str, object]) -> None:
        self._last_time = time.monotonic()
        self.stream.write(json.dumps(item) + "\n")
        self.stream.flush()
