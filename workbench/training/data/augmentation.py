"""One training sample: audio in, augmented 1 s of int16 out, as MLTK's audio data generator makes it.

Order (MLTK ``ParallelAudioDataGenerator.apply_transform``): speed, pitch (one vocoder pass
for both, see :func:`~.audio_effects.stretch_and_shift`), trim at
``trim_threshold_db`` and place at a random offset in the sample length, loudness, then background
noise (a random noise file, a random 1 s of it, times the noise factor and the loudness factor).
A silence sample starts as all zeros and gets the same treatment (its noise factor comes from
``silence_noise_range`` when set). Without augmentation (validation, evaluation) the clip is only
trimmed and placed at offset 0, as MLTK's ``default_transform`` does.

Each sample draws its random values from its own generator seeded by (seed, epoch, sample), so the
result does not depend on which worker process made it or in what order: runs are repeatable and a
resumed run sees the same data as an uninterrupted one.

One deliberate difference: MLTK converts float audio to int16 with ``astype`` (values past full
scale wrap around to the opposite sign); here they are clipped, as a microphone would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.training.data.audio_effects import FloatArray, fit_length, stretch_and_shift
from workbench.training.spec.model_spec import AugmentationSettings

INT16_SCALE = 32768.0
INT16_MIN, INT16_MAX = -32768, 32767


@dataclass(frozen=True)
class Transform:
    """The random choices for one sample (MLTK's ``transform_params``)."""

    offset: float = 0.0
    loudness: float = 1.0
    noise_index: int | None = None
    noise_factor: float = 0.0
    noise_position: float = 0.0
    speed: float = 1.0
    semitones: float = 0.0


def draw_transform(rng: np.random.Generator, settings: AugmentationSettings, n_noises: int,
                   silence: bool) -> Transform:
    """Random transform values within the configured ranges."""
    def uniform(bounds: tuple[float, float] | None, default: float) -> float:
        return float(rng.uniform(bounds[0], bounds[1])) if bounds is not None else default

    noise_range = settings.silence_noise_range if silence and settings.silence_noise_range else \
        settings.bg_noise_range
    offset = uniform(settings.offset_range, 0.0)
    if settings.offset_zero_share and rng.uniform() < settings.offset_zero_share:
        offset = 0.0
    return Transform(
        offset=offset,
        loudness=uniform(settings.loudness_range, 1.0),
        noise_index=int(rng.integers(n_noises)) if n_noises and noise_range is not None else None,
        noise_factor=uniform(noise_range, 0.0),
        noise_position=float(rng.uniform(0.0, 1.0)),
        speed=uniform(settings.speed_range, 1.0) if not silence else 1.0,
        semitones=uniform(settings.pitch_range, 0.0) if not silence else 0.0,
    )


def apply_transform(audio: FloatArray, transform: Transform, settings: AugmentationSettings,
                    noises: list[FloatArray], length: int, sample_rate: int) -> FloatArray:
    """The transformed float sample, exactly ``length`` long (see the module docstring).

    ``noises`` are the background recordings already trimmed at ``trim_threshold_db`` (MLTK trims
    the noise file on every draw; trimming once gives the same audio).
    """
    x = audio
    if transform.speed != 1.0 or transform.semitones != 0.0:
        x = stretch_and_shift(x, transform.speed, transform.semitones, sample_rate)
    x = fit_length(x, length, transform.offset, settings.trim_threshold_db)
    if transform.loudness != 1.0:
        x = x * np.float32(transform.loudness)
    if transform.noise_index is not None and transform.noise_factor > 0:
        noise = fit_length(noises[transform.noise_index], length, transform.noise_position, None)
        x = x + noise * np.float32(transform.noise_factor * transform.loudness)
    return x.astype(np.float32, copy=False)


def to_int16(audio: FloatArray) -> np.ndarray:
    """Float [-1, 1) audio as int16 (x 32768 truncated, as MLTK), clipped at full scale."""
    return np.clip(audio * np.float32(INT16_SCALE), INT16_MIN, INT16_MAX).astype(np.int16)


def sample_rng(seed: int, epoch: int, sample: int) -> np.random.Generator:
    """The generator of one sample in one epoch (independent of worker and order)."""
    return np.random.default_rng([seed & 0xFFFFFFFF, epoch, sample])
