"""A word-like sound to say into the virtual microphone: what a guided session's take checks accept."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.core.audio.audio_file import save_wav

RATE = 16000


def word_clip(folder: Path, name: str, amplitude: float, seconds: float = 0.45) -> Path:
    """A voiced, word-like sound (a 180 Hz buzz with harmonics, faded in and out) in a 1.2 s file."""
    t = np.arange(int(seconds * RATE)) / RATE
    buzz = sum(np.sin(2 * np.pi * 180 * k * t) / k for k in range(1, 6)) * np.hanning(t.size) ** 0.3
    audio = np.zeros(int(1.2 * RATE))
    audio[3000:3000 + t.size] = buzz / np.abs(buzz).max() * amplitude
    path = folder / f"{name}.wav"
    save_wav(path, np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16), RATE)
    return path
