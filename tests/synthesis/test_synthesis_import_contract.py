"""workbench.synthesis is a Qt-free, TensorFlow-free tool: the CLI, the GUI's builder dialog and the
dataset tests all use it, and its worker processes must start fast. It never imports the CLI or GUI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = {"PySide6", "pyqtgraph", "tensorflow", "keras", "shiboken6"}

_PROBE = """
import importlib, pkgutil, sys
import workbench.synthesis as synthesis
names = [m.name for m in pkgutil.walk_packages(synthesis.__path__, 'workbench.synthesis.')]
for name in names:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r}
             or m.startswith(('workbench.cli', 'workbench.gui', 'workbench.training')))
print(len(names), ' '.join(bad))
"""


def test_importing_every_synthesis_module_loads_no_qt_tensorflow_cli_or_gui() -> None:
    result = subprocess.run([sys.executable, "-c", _PROBE.format(forbidden=FORBIDDEN)], capture_output=True,
                            text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    count, _, bad = result.stdout.strip().partition(" ")
    assert int(count) >= 10, "the probe must have imported the synthesis modules"
    assert bad == "", f"workbench.synthesis pulled in: {bad}"
