"""Fixtures for calibration tests: the reference model, a small real dataset and short real streams."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import shared_path
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.core.model.model_file import LoadedModel, load_model

WORDS = {"yes": 6, "no": 6, "up": 3, "go": 3, "left": 3, "cat": 2, "_silence_": 3}
NOISE_SECONDS = 20


@pytest.fixture(scope="session")
def reference_model(reference_model_path: Path) -> LoadedModel:
    return load_model(reference_model_path)


@pytest.fixture(scope="session")
def speech_commands() -> Path:
    return shared_path("datasets", "speech_commands")


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory, speech_commands: Path) -> Path:
    """A few real Speech Commands clips per word and one 20 s background noise file, in the dataset layout."""
    root = tmp_path_factory.mktemp("dataset")
    for word, count in WORDS.items():
        (root / word).mkdir()
        for clip in sorted((speech_commands / word).glob("*.wav"))[:count]:
            shutil.copy(clip, root / word / clip.name)
    noise, rate = sf.read(str(speech_commands / "_background_noise_" / "running_tap.wav"), dtype="int16")
    (root / "_background_noise_").mkdir()
    sf.write(str(root / "_background_noise_" / "tap.wav"), noise[:NOISE_SECONDS * rate], rate, subtype="PCM_16")
    return root


@pytest.fixture(scope="session")
def real_stream(tmp_path_factory: pytest.TempPathFactory, speech_commands: Path) -> Path:
    """Two minutes built from the shared dataset's testing split (WAV; labels beside it)."""
    wav = tmp_path_factory.mktemp("stream") / "stream.wav"
    recipe = StreamRecipe(minutes=2.0, seed=7)
    write_stream(make_dataset_stream([speech_commands], recipe), wav)
    return wav


@pytest.fixture(scope="session")
def noise_recording(tmp_path_factory: pytest.TempPathFactory, speech_commands: Path) -> Path:
    """30 s of real kitchen noise: background-only audio."""
    data, rate = sf.read(str(speech_commands / "_background_noise_" / "doing_the_dishes.wav"), dtype="int16")
    path = tmp_path_factory.mktemp("background") / "dishes.wav"
    sf.write(str(path), np.asarray(data[:30 * rate]), rate, subtype="PCM_16")
    return path
