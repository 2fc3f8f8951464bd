"""The command line that runs a ``kws`` sub-command in a child process.

Why: training, calibration and board I/O run as children so the window stays responsive and a crash
or a cancel never takes the GUI with it. From a source or pip install the child is this interpreter
running :mod:`workbench.cli.main`; a frozen bundle has no ``python -m``, so the bundle's own
executable relaunches itself in worker mode (``--kws-worker``), which the frozen entry point
dispatches to the same CLI.
"""

from __future__ import annotations

import sys

WORKER_FLAG = "--kws-worker"


def is_frozen() -> bool:
    """True inside a PyInstaller (or similar) bundle."""
    return bool(getattr(sys, "frozen", False))


def kws_command(*args: str) -> list[str]:
    """``[program, …, *args]`` that runs ``kws *args`` in a child process, frozen or not."""
    if is_frozen():
        return [sys.executable, WORKER_FLAG, *args]
    return [sys.executable, "-m", "workbench.cli.main", *args]
