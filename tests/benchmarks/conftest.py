"""Tests of the benchmarks' own helpers: the benchmarks folder is importable, as it is when a benchmark runs
(each script finds its helpers beside it)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))
