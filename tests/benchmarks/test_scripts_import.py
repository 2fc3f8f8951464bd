"""Every script in benchmarks/ imports: a benchmark is run by hand now and then, so a module it imports from that
has moved (``render_comparison`` once left ``calibration/results/report.py``) must fail here, not months later at a
command line. Importing runs a script's imports and definitions only (each runs under ``__main__``)."""

from __future__ import annotations

import importlib

import pytest

from tests.benchmarks.conftest import BENCHMARKS

SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("*.py") if not path.stem.startswith("_"))


def test_the_scripts_are_found() -> None:
    assert {"run_all", "bench_calibration", "calibration_goal", "frontend_history"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_benchmark_script_imports(script: str) -> None:
    importlib.import_module(script)
