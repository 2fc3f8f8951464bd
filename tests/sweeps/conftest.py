"""Fixtures for the sweep tests (the data helpers live in ``sweep_data``) and the ``ray`` marker."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sweep_data import copy_slice  # noqa: E402

RAY_MARK = "ray: runs a sweep on a local Ray instance (2 CPUs); part of make test"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", RAY_MARK)


@pytest.fixture(scope="session")
def speech_slice(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real dataset (read-only by convention)."""
    return copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("sweep-slice"))
