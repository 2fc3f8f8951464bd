"""Progress of a long command on stderr: a line a person can read, or JSON lines for a parent process.

Why both: a person running ``kws calibrate`` in a terminal wants one updating line (or, in a log, a
line every ``LOG_STEP`` of the work); the GUI runs the same command as a child process and needs
machine-readable progress it can turn into a progress bar (``--progress jsonl``: one object per line,
``{"phase": …, "fraction": …}``).
"""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

PROGRESS_MODES = ("text", "jsonl", "none")
LOG_STEP = 0.1  # without a terminal: a line per 10 % of the work
MIN_INTERVAL_S = 0.1  # at most this often on a terminal / in JSON lines
BAR_WIDTH = 30
PERCENT = 100.0


class ProgressOutput:
    """Call with ``(phase, fraction)``; :meth:`finish` ends the terminal line."""

    def __init__(self, mode: str = "text", stream: TextIO | None = None) -> None:
        self.mode = mode
        self.stream = stream or sys.stderr
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_time = 0.0
        self._last_logged = -1.0
        self._line_open = False

    def __call__(self, phase: str, fraction: float) -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        now = time.monotonic()
        if self.mode == "jsonl":
            if fraction >= 1.0 or now - self._last_time >= MIN_INTERVAL_S:
                self._last_time = now
                self.stream.write(json.dumps({"phase": phase, "fraction": round(fraction, 4)}) + "\n")
                self.stream.flush()
        elif self.mode == "text" and self._tty:
            if fraction >= 1.0 or now - self._last_time >= MIN_INTERVAL_S:
                self._last_time = now
                filled = int(BAR_WIDTH * fraction)
                bar = "#" * filled + "-" * (BAR_WIDTH - filled)
                self.stream.write(f"\r[{bar}] {fraction * PERCENT:5.1f} %  {phase:<40.40}")
                self.stream.flush()
                self._line_open = True
        elif self.mode == "text":
            if fraction - self._last_logged >= LOG_STEP or (fraction >= 1.0 > self._last_logged):
                self._last_logged = fraction
                self.stream.write(f"{fraction * PERCENT:5.1f} %  {phase}\n")
                self.stream.flush()

    def message(self, text: str) -> None:
        """A line for a person (a JSON object with ``message`` in jsonl mode)."""
        self.finish()
        if self.mode == "jsonl":
            self.stream.write(json.dumps({"message": text}) + "\n")
        elif self.mode == "text":
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self._line_open:
            self.stream.write("\n")
            self.stream.flush()
            self._line_open = False
