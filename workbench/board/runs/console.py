"""The board's raw serial log, line by line, until stopped: ``kws board console`` and the Board tab's console.

Why its own loop: a console must not parse or judge anything -- it shows what the board says, warns once
when the bytes look like the wrong baud rate, and ends cleanly on cancel, after ``seconds``, or with a
clear error when the port vanishes.
"""

from __future__ import annotations

import time

from workbench.board.errors import Cancelled
from workbench.board.runs.job import BoardCallbacks
from workbench.board.uart.line_reader import BAUDRATE, SerialLineReader

POLL_S = 0.1
GARBLED_HINT = "the data looks garbled: is the baud rate right (MLTK's firmware uses 115200)?"


def read_console(port: str, callbacks: BoardCallbacks, *, baudrate: int = BAUDRATE,
                 seconds: float | None = None) -> int:
    """Pass every line to ``callbacks.line`` until ``seconds`` pass (returns the line count) or cancel
    (:class:`Cancelled`); DeviceError when the port cannot be opened or vanishes."""
    count = 0
    warned = False
    started = time.monotonic()
    with SerialLineReader(port, baudrate=baudrate) as reader:
        callbacks.status(f"listening on {port} at {baudrate} baud")
        while True:
            if callbacks.cancel.is_set():
                raise Cancelled("Cancelled: the console was closed.")
            if seconds is not None and time.monotonic() - started >= seconds:
                return count
            line = reader.read_line(POLL_S)
            if line is None:
                if reader.looks_garbled and not warned:
                    warned = True
                    callbacks.status(GARBLED_HINT)
                continue
            count += 1
            callbacks.line(line)
