"""Fixtures for the synthesis tests: the real engines installed here (a test skips, with the reason, when
the engine it needs is missing), and a small two-engine voice registry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def require_programs(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        pytest.skip(f"speech engine not installed: {', '.join(missing)} (apt-get install espeak-ng flite festival …)")


@pytest.fixture
def need_programs():
    """``need_programs("espeak-ng", …)``: skip the test (with the reason) unless the programs are installed."""
    return require_programs


@pytest.fixture
def two_engine_registry():
    """espeak-ng (three variants) and flite (two voices): fast, real engines, five speakers."""
    from workbench.synthesis.voice_registry import discover_voices

    require_programs("espeak-ng", "flite")
    registry = discover_voices(["espeak", "flite"], ["espeak:m3", "espeak:f2", "espeak:klatt", "flite:kal16",
                                                     "flite:slt"])
    assert len(registry.voices) == 5, registry.to_dict()
    return registry


@pytest.fixture
def empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with no programs on it: every program-based engine is then missing."""
    folder = tmp_path / "no-programs"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder
