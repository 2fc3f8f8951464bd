"""Shared fixtures: where the project's read-only reference data lives (../shared beside the repo)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("KWS_SHARED_DIR", REPO_ROOT.parent / "shared")).resolve()

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the calling test is skipped (with the reason) when it is absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data not available: {path} (CI provides ../shared)")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    return shared_path("golden", "frontend")


@pytest.fixture(scope="session")
def reference_model_path() -> Path:
    return shared_path("reference-models", "tflite_micro_speech.tflite")
