"""A one-line progress bar on stderr for long CLI work (downloads, evaluation).

Why its own module: ``kws dataset download`` and ``kws evaluate`` both run for minutes and must show how
far they are without flooding a log. On a terminal the line is redrawn in place (at most ten times a
second); when stderr is a file or a pipe, one line is printed per tenth of the work instead.
"""

from __future__ import annotations

import sys
import time
from typing import Optional, TextIO

from workbench.core.wording import clock_time

BAR_WIDTH = 28
REDRAW_INTERVAL_S = 0.1
LOG_STEPS = 10
_UNITS = ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "kB"))


def human_bytes(n: float) -> str:
    for size, unit in _UNITS:
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


class ProgressBar:
    """``update(done, total)`` as often as you like; ``finish()`` ends the line."""

    def __init__(self, label: str, *, unit: str = "items", stream: Optional[TextIO] = None) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self._start = time.monotonic()
        self._first_done: Optional[int] = None
        self._last_draw = 0.0
        self._logged_step = -1
        self._width = 0

    def _amount(self, n: float) -> str:
        return human_bytes(n) if self.unit == "bytes" else f"{int(n)}"

    def _text(self, done: int, total: Optional[int]) -> str:
        elapsed = time.monotonic() - self._start
        base = self._first_done or 0
        rate = (done - base) / elapsed if elapsed > 0 else 0.0
        speed = ""
        if rate > 0:
            speed = f" {human_bytes(rate)}/s" if self.unit == "bytes" else f" {rate:.0f} {self.unit}/s"
        if total:
            fraction = min(1.0, done / total)
            filled = int(fraction * BAR_WIDTH)
            eta = f" ETA {clock_time((total - done) / rate)}" if rate > 0 and done < total else ""
            return (f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {fraction * 100:5.1f}% "
                    f"{self._amount(done)}/{self._amount(total)}{speed}{eta}")
        return f"{self.label} {self._amount(done)}{speed}"

    def update(self, done: int, total: Optional[int] = None) -> None:
        if self._first_done is None:
            self._first_done = done
            self._start = time.monotonic()
        now = time.monotonic()
        if self.interactive:
            if now - self._last_draw < REDRAW_INTERVAL_S and not (total and done >= total):
                return
            self._last_draw = now
            text = self._text(done, total)
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
            self.stream.flush()
            return
        step = int(done * LOG_STEPS / total) if total else -1
        if total and step > self._logged_step:
            self._logged_step = step
            self.stream.write(self._text(done, total) + "\n")
            self.stream.flush()

    def finish(self, message: str = "") -> None:
        if self.interactive and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
        if message:
            self.stream.write(message + "\n")
        self.stream.flush()
        self._width = 0
