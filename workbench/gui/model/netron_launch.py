"""Opening a model in Netron, the graph viewer, when it is installed.

Why a module of its own: Netron is optional (``pip install netron``), so the Profile workspace asks whether it is
there -- as a package or as a command -- to enable its button or say how to get it, and starts it detached, so that
the workbench neither waits for the viewer nor shows its output. No Qt here: it is about processes.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

NETRON = "netron"  # the package's and the command's name


def netron_available() -> bool:
    """True when the ``netron`` package or command is installed."""
    return importlib.util.find_spec(NETRON) is not None or shutil.which(NETRON) is not None


def start_netron(model_path: Path) -> None:
    """Start Netron on ``model_path`` and return at once: the command where it is on PATH, else the package."""
    command = shutil.which(NETRON)
    program = [command] if command else [sys.executable, "-m", NETRON]
    subprocess.Popen([*program, str(model_path)],  # noqa: S603 - fixed program, user's own file
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
