"""A model whose frontend runs at 8 kHz, made in milliseconds, and audio files at other rates.

Why a copy of a 16 kHz model: ``kws train --set frontend.sample_rate_hz=8000 --set frontend.fft_length=256 --set
frontend.filterbank_upper_band_limit=3800`` stores exactly these ``fe.*`` values, and the spectrogram keeps its
shape (49 frames of 40 channels), so the model runs as a trained 8 kHz model runs. Its scores mean little (its
weights learnt 16 kHz spectrograms): the tests built on it check lengths, times, inference counts and that every
path hears the same samples, not what it detects.
"""

from __future__ import annotations

from pathlib import Path

import soxr

from workbench.core.audio.audio_file import INT16_SCALE, RESAMPLE_QUALITY, load_audio, save_wav, to_int16
from workbench.core.model.model_file import LoadedModel, model_with_params, save_model

LOW_RATE = 8000
LOW_RATE_FRONTEND = {"fe.sample_rate_hz": LOW_RATE, "fe.fft_length": 256, "fe.filterbank_upper_band_limit": 3800.0}


def low_rate_model(model: LoadedModel) -> LoadedModel:
    """``model`` with its frontend at :data:`LOW_RATE` (see the module docstring)."""
    return model_with_params(model, LOW_RATE_FRONTEND)


def save_low_rate_model(model: LoadedModel, path: Path) -> Path:
    return save_model(low_rate_model(model), path)


def copy_at_rate(audio: Path, rate: int, path: Path) -> Path:
    """A WAV of ``audio`` resampled to ``rate`` (what a telephone or an old recorder gives), its labels beside it
    when ``audio`` has a JSON one (the times are seconds: they hold at any rate)."""
    clip = load_audio(audio)
    samples = to_int16(soxr.resample(clip.samples / INT16_SCALE, clip.sample_rate, rate, quality=RESAMPLE_QUALITY))
    save_wav(path, samples, rate)
    labels = audio.with_suffix(".json")
    if labels.exists():
        path.with_suffix(".json").write_text(labels.read_text())
    return path
