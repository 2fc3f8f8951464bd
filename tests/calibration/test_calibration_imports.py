"""workbench.calibration stays free of Qt, TensorFlow and matplotlib at import: the CLI and the
calibration child process must start fast and run where no GUI is installed (matplotlib is imported
only inside the DET plot writer)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "pyqtgraph", "shiboken6", "tensorflow", "keras", "matplotlib")

_PROBE = """
import importlib, pkgutil, sys
import workbench.calibration as calibration
names = [m.name for m in pkgutil.walk_packages(calibration.__path__, 'workbench.calibration.')]
for name in names + ['workbench.cli.measure.calibrate_command', 'workbench.cli.data.stream_command']:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})
print(len(names), ' '.join(bad))
"""


def test_importing_every_calibration_module_loads_no_qt_tensorflow_or_matplotlib() -> None:
    result = subprocess.run([sys.executable, "-c", _PROBE.format(forbidden=set(FORBIDDEN))], capture_output=True,
                            text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    count, _, bad = result.stdout.strip().partition(" ")
    assert int(count) >= 10, "the probe must have imported the calibration modules"
    assert bad == "", f"workbench.calibration pulled in: {bad}"
