"""The worker processes a command has spawned, found in /proc (Linux), for the tests that kill one of them."""

from __future__ import annotations

import contextlib
from pathlib import Path

WORKER_MARK = "spawn_main"  # in a spawned multiprocessing worker's command line


def spawned_workers(pid: int) -> list[int]:
    """The children of ``pid`` that run multiprocessing's spawn_main ([] once ``pid`` is gone)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = []
    for child in children:
        with contextlib.suppress(OSError):
            if WORKER_MARK in Path(f"/proc/{child}/cmdline").read_text():
                found.append(int(child))
    return found
