"""A small dataset of real Speech Commands clips (copied from ../shared) for real evaluations."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dataset_builders import copy_clips  # noqa: E402

CLIPS_PER_WORD = {"yes": 8, "no": 8, "go": 3, "left": 3, "house": 2, "_silence_": 4}


@pytest.fixture(scope="module")
def shared_speech(shared_dir: Path) -> Path:
    return shared_dir / "datasets" / "speech_commands"


@pytest.fixture(scope="module")
def small_speech_dataset(shared_speech: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first clips (by name) of a few words, all in the testing split (via the list)."""
    return copy_clips(shared_speech, tmp_path_factory.mktemp("speech"), CLIPS_PER_WORD)
