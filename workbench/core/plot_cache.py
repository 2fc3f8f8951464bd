"""A writable configuration folder for matplotlib, chosen quietly when the user's own is not writable.

Why: the reports' PNGs are drawn with matplotlib, which keeps a font cache in ``$MPLCONFIGDIR`` or
``~/.config/matplotlib``. With a read-only or missing home (a locked-down lab machine, a container, a CI
runner) matplotlib falls back to a temporary folder by itself but prints two lines of warning into every
``kws evaluate``/``train``/``calibrate`` run. The workbench makes the same choice up front, silently; a folder
the user set with ``MPLCONFIGDIR`` is always left alone. Only an environment variable is set here:
matplotlib itself is not imported (``kws`` starts fast), and child processes inherit the choice.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import MutableMapping

from workbench.core.config_folder import can_write_into, private_folder, user_config_folder

CONFIG_VARIABLE = "MPLCONFIGDIR"
PRIVATE_PREFIX = "kws-matplotlib-"
OWN_SUBFOLDER = "matplotlib"  # matplotlib's folder in the user's config folder


def ensure_writable_plot_cache(env: MutableMapping[str, str] = os.environ) -> Path | None:
    """Set ``MPLCONFIGDIR`` to a private temporary folder when matplotlib's own would not be writable; returns
    the folder chosen (None when nothing needed choosing)."""
    if env.get(CONFIG_VARIABLE):
        return None
    base = user_config_folder(env)
    if base is not None and can_write_into(base / OWN_SUBFOLDER):
        return None
    private = private_folder(PRIVATE_PREFIX)  # removed at exit, as matplotlib does with its own fallback
    env[CONFIG_VARIABLE] = str(private)
    return private
