"""The sweep package never loads TensorFlow or Qt (trials are child processes), and its event module,
which the GUI reads, loads neither Ray nor the training package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_PROBE = """
import importlib, pkgutil, sys
import workbench.sweeps as sweeps
names = [m.name for m in pkgutil.walk_packages(sweeps.__path__, 'workbench.sweeps.')]
for name in names + ['workbench.cli.model.sweep_command']:
    importlib.import_module(name)
bad = sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras', 'PySide6', 'shiboken6', 'pyqtgraph'})
print(len(names), ' '.join(bad))
"""
_EVENTS = """
import sys
import workbench.sweeps.reporting.events
heavy = sorted(m for m in sys.modules if m.split('.')[0] == 'ray' or m.startswith('workbench.training'))
print(' '.join(heavy))
"""


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_no_sweep_module_loads_tensorflow_or_qt() -> None:
    count, _, bad = _run(_PROBE).partition(" ")
    assert int(count) >= 10, "the probe must have imported the sweep modules"
    assert bad == "", f"workbench.sweeps pulled in: {bad}"


def test_the_event_module_is_light() -> None:
    assert _run(_EVENTS) == ""
