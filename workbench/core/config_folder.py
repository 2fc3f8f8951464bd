"""Where per-user configuration may go: the desktop's config folder when it can be written, else a private
temporary folder for the session.

Why one rule for the window's settings and matplotlib's cache: with ``HOME`` unset Qt takes ``/`` as the home
(and writes ``/.config``), with a read-only or missing home matplotlib warns in every report command, and a
service user's ``HOME=/nonexistent`` must not make the workbench build that tree from ``/``. Both choose the
same way: ``$XDG_CONFIG_HOME`` (absolute, as the XDG base directory specification asks), else
``$HOME/.config``, used when its nearest existing folder is writable and is not the filesystem's root; else a
private folder under the temporary directory, removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

CONFIG_SUBFOLDER = ".config"  # under HOME when XDG_CONFIG_HOME is not set (the XDG default)


def user_config_folder(env: Mapping[str, str] = os.environ) -> Path | None:
    """``$XDG_CONFIG_HOME``, else ``$HOME/.config``; None without an absolute one (or with a home of ``/``)."""
    xdg, home = env.get("XDG_CONFIG_HOME", ""), env.get("HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg)
    if home and Path(home).is_absolute() and Path(home) != Path(Path(home).anchor):
        return Path(home) / CONFIG_SUBFOLDER
    return None


def can_write_into(folder: Path) -> bool:
    """Whether ``folder`` is, or could be created, writable -- judged by its nearest existing folder, so that
    asking creates nothing; a path whose only existing ancestor is the root does not count."""
    existing = folder
    try:
        while not existing.exists():
            if existing.parent == existing:
                return False
            existing = existing.parent
        if existing == Path(existing.anchor) and existing != folder:
            return False
        return existing.is_dir() and os.access(existing, os.W_OK)
    except OSError:  # a folder on the way that this user may not enter (another user's HOME): not writable
        return False


def private_folder(prefix: str) -> Path:
    """A new folder only this user can read (``mkdtemp``), removed when the process exits."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
