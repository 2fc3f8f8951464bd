"""workbench.board serves the CLI and the GUI alike: importing all of it must load neither Qt nor TensorFlow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_PROBE = """
import importlib, pkgutil, sys
import workbench.board as board
names = [m.name for m in pkgutil.walk_packages(board.__path__, 'workbench.board.')]
for name in names:
    importlib.import_module(name)
importlib.import_module('workbench.profiler.refit')
importlib.import_module('workbench.cli.board.board_commands')
importlib.import_module('workbench.cli.board.board_run_commands')
bad = sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6', 'shiboken6', 'pyqtgraph', 'tensorflow', 'keras'})
print(len(names), ' '.join(bad))
"""


def test_importing_every_board_module_loads_no_qt_or_tensorflow() -> None:
    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    count, _, bad = result.stdout.strip().partition(" ")
    assert int(count) >= 15, "the probe must have imported the board modules"
    assert bad == "", f"workbench.board pulled in: {bad}"
