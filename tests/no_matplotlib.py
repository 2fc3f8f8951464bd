"""Make matplotlib unimportable, and the process look like the packaged app, for one test (pytest monkeypatch).

Why every ``matplotlib*`` entry: a submodule another test already imported (``matplotlib.figure``) is taken from
``sys.modules`` without its parent being looked at, so blocking ``matplotlib`` alone would not stop
``from matplotlib.figure import Figure``. A ``None`` entry makes that import fail as a missing package does.
The frozen flag is set where :func:`workbench.child_command.is_frozen` reads it (PyInstaller sets ``sys.frozen``).
"""

from __future__ import annotations

import sys

import pytest

MATPLOTLIB = "matplotlib"


def block_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """``import matplotlib`` (and any of its submodules) raises ImportError until the test ends."""
    for name in [n for n in sys.modules if n == MATPLOTLIB or n.startswith(MATPLOTLIB + ".")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, MATPLOTLIB, None)


def pretend_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Look like the PyInstaller bundle (``sys.frozen``) until the test ends."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
