"""The GUI and the core never import the training package or TensorFlow (training runs in a child).

Two checks: an import-linter contract (the lead adds the same contract to pyproject.toml; until then
this test carries it in a config of its own) and a probe that imports every GUI and core module in a
fresh interpreter and looks at what got loaded.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("workbench.training", "tensorflow", "keras")

CONTRACT = """
[importlinter]
root_package = workbench
include_external_packages = True

[importlinter:contract:training-stays-in-its-child]
name = workbench.gui and workbench.core never import workbench.training or TensorFlow
type = forbidden
source_modules =
    workbench.gui
    workbench.core
forbidden_modules =
    workbench.training
    tensorflow
    keras
"""

_PROBE = """
import importlib, pkgutil, sys
import workbench.core, workbench.gui
names = []
for package in (workbench.core, workbench.gui):
    names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + '.')]
for name in names:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.startswith({forbidden!r}))
print(len(names), ' '.join(bad))
"""


def test_import_linter_forbids_training_and_tensorflow_in_gui_and_core(tmp_path: Path) -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (pip install import-linter)")
    config = tmp_path / "importlinter.ini"
    config.write_text(CONTRACT)
    result = subprocess.run([lint, "--config", str(config)], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_importing_every_gui_and_core_module_loads_no_training_code() -> None:
    code = _PROBE.format(forbidden=FORBIDDEN)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    count, _, bad = result.stdout.strip().partition(" ")
    assert int(count) >= 20, "the probe must have imported the GUI and core modules"
    assert bad == "", f"workbench.gui/core pulled in: {bad}"
