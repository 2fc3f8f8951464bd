"""The dataset and evaluation packages stay light: no Qt, no TensorFlow, no matplotlib until a PNG is drawn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("PySide6", "pyqtgraph", "shiboken6", "tensorflow", "keras", "matplotlib", "sklearn", "librosa")

_PROBE = """
import importlib, pkgutil, sys
import workbench.datasets, workbench.evaluation
names = [m.name for pkg in (workbench.datasets, workbench.evaluation)
         for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.')]
names += ['workbench.bundled_models', 'workbench.cli.data.dataset_commands', 'workbench.cli.measure.evaluate_command',
          'workbench.cli.model.models_command']
for name in names:
    importlib.import_module(name)
bad = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
print(len(names), ' '.join(bad))
"""


def test_importing_the_packages_loads_nothing_heavy() -> None:
    result = subprocess.run([sys.executable, "-c", _PROBE % (HEAVY,)], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    count, _, bad = result.stdout.strip().partition(" ")
    assert int(count) >= 12, "the probe must have imported the modules"
    assert bad == "", f"imported: {bad}"
