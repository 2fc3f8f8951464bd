"""The command line that runs a ``kws`` sub-command in a child process.

Why: training, calibration and board I/O run as children so the window stays responsive and a crash
or a cancel never takes the GUI with it. From a source or pip install the child is this interpreter
running :mod:`workbench.cli.main`; a frozen bundle has no ``python -m``, so the bundle relaunches itself
in worker mode (``--kws-worker``), which its entry point (``packaging/frozen/kws_entry.py``) dispatches to
the same CLI. The child is the bundle's console executable ``kws`` beside the running one when it exists:
on Windows and macOS the window's executable is a windowed program, whose standard streams a child
cannot rely on.
"""

from __future__ import annotations

import sys
from pathlib import Path

WORKER_FLAG = "--kws-worker"
EXIT_CANCELLED = 130  # what a kws command returns when it stopped on request (Ctrl-C, SIGTERM, stop file)
STOP_FILE_NAME = "STOP"  # created in a kws command's output folder (kws train, kws sweep): it stops as on Ctrl-C
CLI_EXECUTABLE = "kws"


def is_frozen() -> bool:
    """True inside a PyInstaller (or similar) bundle."""
    return bool(getattr(sys, "frozen", False))


def bundle_data_folder() -> Path | None:
    """The bundle's data folder (PyInstaller's ``sys._MEIPASS``: ``_internal``, or the ``.app``'s Resources),
    where the resources, the documents and the licence notices are; None outside a bundle."""
    folder = getattr(sys, "_MEIPASS", None)
    return Path(folder) if folder else None


def frozen_worker_program() -> str:
    """The bundle's console executable (``kws``/``kws.exe`` beside the running one), else the running one."""
    running = Path(sys.executable)
    console = running.with_name(CLI_EXECUTABLE + running.suffix)
    return str(console) if console.is_file() else str(running)


def kws_command(*args: str) -> list[str]:
    """``[program, …, *args]`` that runs ``kws *args`` in a child process, frozen or not."""
    if is_frozen():
        return [frozen_worker_program(), WORKER_FLAG, *args]
    return [sys.executable, "-m", "workbench.cli.main", *args]
