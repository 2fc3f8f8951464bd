"""Fixtures for the training tests (the data and spec themselves: :mod:`training_data`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from training_data import QUICK_EPOCHS, QUICK_SPEC, copy_slice  # noqa: E402


@pytest.fixture(scope="session")
def speech_slice(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real dataset (read-only by convention: tests that damage it copy it first)."""
    return copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("slice"))


@pytest.fixture()
def quick_spec(tmp_path: Path) -> Path:
    path = tmp_path / "quick.toml"
    path.write_text(QUICK_SPEC.format(epochs=QUICK_EPOCHS))
    return path
