"""A writable configuration folder for matplotlib, chosen quietly when the user's own is not writable.

Why: the reports' PNGs are drawn with matplotlib, which keeps a font cache in ``$MPLCONFIGDIR`` or
``~/.config/matplotlib``. With a read-only or missing home (a locked-down lab machine, a container, a CI
runner) matplotlib falls back to a temporary folder by itself but prints two lines of warning into every
``kws evaluate``/``train``/``calibrate`` run. The workbench makes the same choice up front, silently; a folder
the user set with ``MPLCONFIGDIR`` is always left alone. Only an environment variable is set here:
matplotlib itself is not imported (``kws`` starts fast), and child processes inherit the choice.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import MutableMapping

CONFIG_VARIABLE = "MPLCONFIGDIR"
PRIVATE_PREFIX = "kws-matplotlib-"


def default_config_folder(env: MutableMapping[str, str]) -> Path | None:
    """Where matplotlib would keep its configuration: ``$XDG_CONFIG_HOME/matplotlib`` or
    ``~/.config/matplotlib`` (None when there is no home at all)."""
    base = env.get("XDG_CONFIG_HOME") or (str(Path(env["HOME"]) / ".config") if env.get("HOME") else "")
    return Path(base) / "matplotlib" if base else None


def _writable(folder: Path) -> bool:
    """Whether ``folder`` is, or could be created, writable -- judged by its nearest existing ancestor, so that
    a command that never draws a plot creates nothing in the user's home."""
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            return False
        existing = existing.parent
    return existing.is_dir() and os.access(existing, os.W_OK)


def ensure_writable_plot_cache(env: MutableMapping[str, str] = os.environ) -> Path | None:
    """Set ``MPLCONFIGDIR`` to a private temporary folder when matplotlib's own would not be writable; returns
    the folder chosen (None when nothing needed choosing)."""
    if env.get(CONFIG_VARIABLE):
        return None
    folder = default_config_folder(env)
    if folder is not None and _writable(folder):
        return None
    private = Path(tempfile.mkdtemp(prefix=PRIVATE_PREFIX))
    atexit.register(shutil.rmtree, private, ignore_errors=True)  # as matplotlib does with its own fallback
    env[CONFIG_VARIABLE] = str(private)
    return private
