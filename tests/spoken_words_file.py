"""A WAV of real Speech Commands words with silence between them: a file whose detections sit at known, separate
places, for tests that compare where a word is in the file (a seek, a loop, another model mid-file)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.conftest import shared_path
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.audio.source_base import DELIVERY_RATE

WORDS = ("yes", "no", "yes", "no", "yes", "no", "yes", "no")  # each heard once by the bundled model
GAP_S = 1.0  # silence before, between and after the words
WORDS_FILE_S = len(WORDS) * (1.0 + GAP_S) + GAP_S  # every Speech Commands clip is 1 s long


def write_words_file(path: Path) -> Path:
    """The words (the i-th clip of each word's folder, by name) with :data:`GAP_S` of silence around each."""
    dataset = shared_path("datasets", "speech_commands")
    gap = np.zeros(round(GAP_S * DELIVERY_RATE), np.int16)
    parts = [gap]
    for i, word in enumerate(WORDS):
        parts += [load_audio(sorted((dataset / word).glob("*.wav"))[i]).samples, gap]
    save_wav(path, np.concatenate(parts), DELIVERY_RATE)
    return path
