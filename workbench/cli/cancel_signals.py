"""Ctrl+C and SIGTERM as a clean stop request for a long-running ``kws`` command.

Why: SIGTERM (``timeout``, systemd, ``kill``, the GUI stopping a child) kills Python outright, so a command
that writes its result at the end (a log, a manifest) would lose it. Routing SIGINT and SIGTERM to a
:class:`threading.Event` that the command's loop polls lets it stop at the next check, write what it has
and return :data:`~workbench.child_command.EXIT_CANCELLED` for either signal.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from types import FrameType
from typing import Callable, Iterator, Sequence

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_routed(signals: Sequence[int], handler: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    """Inside the block ``signals`` go to ``handler``; the previous handlers come back afterwards. Off the
    main thread (where Python allows no handlers) it does nothing. Why one piece: every stoppable command
    routes its stop signals this way, each with its own handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def cancel_on_signals(cancel: threading.Event) -> Iterator[None]:
    """Inside the block SIGINT/SIGTERM set ``cancel`` instead of killing the process."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        cancel.set()

    with signals_routed(STOP_SIGNALS, handler):
        yield


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside the block SIGTERM raises KeyboardInterrupt, as Ctrl+C does: for a command whose loop has no
    cancel flag but already stops cleanly on Ctrl+C (closes its port, prints its summary, returns 130)."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    with signals_routed((signal.SIGTERM,), handler):
        yield
