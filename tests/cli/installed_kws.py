"""Run the installed ``kws`` entry point as a user does (a real process, its real exit code and stderr)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

KWS = Path(sys.executable).with_name("kws")
TIMEOUT_S = 120


def run_kws(*argv: str, timeout: float = TIMEOUT_S, **options: Any) -> subprocess.CompletedProcess:
    """``kws ARGV…`` with its output captured as text; the test is skipped where the entry point is not installed."""
    if not KWS.exists():
        pytest.skip(f"entry point not installed: {KWS}")
    return subprocess.run([str(KWS), *argv], capture_output=True, text=True, timeout=timeout, **options)
