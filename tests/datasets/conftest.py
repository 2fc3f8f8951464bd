"""Fixtures for the dataset tests: a small real dataset on disk."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dataset_builders import make_dataset, speaker_names  # noqa: E402


@pytest.fixture()
def small_dataset(tmp_path: Path) -> Path:
    return make_dataset(tmp_path / "data", {
        "yes": speaker_names(12),
        "no": speaker_names(10, start=4),
        "go": speaker_names(5, clips_each=1),
        "_silence_": speaker_names(4, clips_each=1, start=100),
    }, background=["white_noise.wav", "pink_noise.wav"])
