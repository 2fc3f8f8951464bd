"""workbench.core must import neither Qt nor TensorFlow: it serves the CLI, tests and GUI alike."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "pyqtgraph", "tensorflow", "keras", "shiboken6")

_PROBE = """
import importlib, pkgutil, sys
import workbench.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, 'workbench.core.')]
for name in names:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})
print(len(names), ' '.join(bad))
"""


def test_importing_every_core_module_loads_no_qt_or_tensorflow() -> None:
    code = _PROBE.format(forbidden=set(FORBIDDEN))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    count, _, bad = result.stdout.strip().partition(" ")
    assert int(count) >= 3, "the probe must have imported the core modules"
    assert bad == "", f"workbench.core pulled in: {bad}"


def test_import_linter_contract_holds() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (pip install import-linter)")
    result = subprocess.run([lint], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " kept, 0 broken" in result.stdout
