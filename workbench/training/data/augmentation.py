"""One training sample: audio in, augmented 1 s of int16 out, as MLTK's audio data generator makes it.

Order (MLTK ``ParallelAudioDataGenerator.apply_transform``): speed, pitch (one vocoder pass
for both, see :func:`~.audio_effects.stretch_and_shift`), trim at
``trim_threshold_db`` and place at a random offset in the sample length, loudness, then background
noise (a random noise file, a random 1 s of it, times the noise factor and the loudness factor).
A silence sample starts as all zeros and gets the same treatment (its noise factor comes from
``silence_noise_range`` when set). Without augmentation (validation, evaluation) the clip is only
trimmed and placed at offset 0, as MLTK's ``default_transform`` does.

Context (``context_share``, off by default): after placement, a share of word samples gets the end of
another training word's spoken part ``gap_s`` before its own and/or the start of one ``gap_s`` after
it, each at its own gain, so the window looks like a 1 s cut of a stream; the sample keeps its label.
Its random values are drawn after all the others, so a run without context sees exactly the data it
saw before the option existed.

Frontend history (``history_share``, off by default): on the device the frontend runs without a
restart, so when a word reaches the model's window its noise estimate and gain control have already
heard the words and pauses before it; a training clip is rendered from fresh state. A share of samples
(silence too) is given a history -- :func:`history_audio`: ``lead_s`` of the sample's background noise,
another training word's spoken part, ``gap_s`` of noise up to the window -- which the frontend hears
before the window (:mod:`.features`); only the window's spectrogram is the sample. Drawn after the
context, for the same reason.

Spectrogram masks (``mask_share``, off by default; SpecAugment): a share of samples gets bands of channels
and runs of frames of its spectrogram set to what silence renders to (:func:`apply_masks`, after the frontend,
so a history still shapes the rest of the window). Drawn last, for the same reason.

Each sample draws its random values from its own generator seeded by (seed, epoch, sample), so the
result does not depend on which worker process made it or in what order: runs are repeatable and a
resumed run sees the same data as an uninterrupted one.

One deliberate difference: MLTK converts float audio to int16 with ``astype`` (values past full
scale wrap around to the opposite sign); here they are clipped, as a microphone would.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from workbench.training.data.audio_effects import (FloatArray, fit_length, place, placement_start,
                                                   stretch_and_shift, trim_silence)
from workbench.training.spec.model_spec import AugmentationSettings
from workbench.core.audio.decibels import amplitude_ratio

INT16_SCALE = 32768.0
INT16_MIN, INT16_MAX = -32768, 32767
BEFORE, AFTER = -1, 1  # which side of the sample's word a neighbour sits on
CONTEXT_SIDES = ((BEFORE,), (AFTER,), (BEFORE, AFTER))  # equally likely for a context sample
FRAMES_AXIS, CHANNELS_AXIS = 0, 1  # of a (frames, channels) spectrogram
MASK_VALUE = np.iinfo(np.int8).min  # the int8 spectrogram of silence: the frontend's floor


@dataclass(frozen=True)
class Neighbour:
    """Another word heard next to the sample's word: which context clip, on which side, how far, how loud."""

    clip: int  # index into the renderer's context clips
    side: int  # BEFORE or AFTER
    gap_s: float  # silence between the two spoken parts
    gain: float  # amplitude factor relative to the clip's file level


@dataclass(frozen=True)
class History:
    """What the frontend hears before a sample's window: noise, another word, a gap (module docstring)."""

    clip: int  # index into the renderer's context clips
    lead_s: float  # noise before that word
    gap_s: float  # noise between that word's spoken part and the window
    gain: float  # the word's amplitude factor relative to its file level


@dataclass(frozen=True)
class Mask:
    """A band of channels or a run of frames set to silence; ``position`` in [0, 1) places it in the room left."""

    axis: int  # FRAMES_AXIS or CHANNELS_AXIS
    width: int
    position: float


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
    context: tuple[Neighbour, ...] = ()
    history: History | None = None
    masks: tuple[Mask, ...] = ()


def draw_transform(rng: np.random.Generator, settings: AugmentationSettings, n_noises: int,
                   silence: bool, n_context: int = 0) -> Transform:
    """Random transform values within the configured ranges (``n_context``: clips neighbours come from)."""
    def uniform(bounds: tuple[float, float] | None, default: float) -> float:
        return float(rng.uniform(bounds[0], bounds[1])) if bounds is not None else default

    noise_range = settings.silence_noise_range if silence and settings.silence_noise_range else \
        settings.bg_noise_range
    offset = uniform(settings.offset_range, 0.0)
    if settings.offset_zero_share and rng.uniform() < settings.offset_zero_share:
        offset = 0.0
    transform = Transform(
        offset=offset,
        loudness=uniform(settings.loudness_range, 1.0),
        noise_index=int(rng.integers(n_noises)) if n_noises and noise_range is not None else None,
        noise_factor=uniform(noise_range, 0.0),
        noise_position=float(rng.uniform(0.0, 1.0)),
        speed=uniform(settings.speed_range, 1.0) if not silence else 1.0,
        semitones=uniform(settings.pitch_range, 0.0) if not silence else 0.0,
    )
    def gain() -> float:
        return amplitude_ratio(uniform(settings.context_gain_db, 0.0))

    if not silence and n_context and settings.context_share and rng.uniform() < settings.context_share:
        sides = CONTEXT_SIDES[int(rng.integers(len(CONTEXT_SIDES)))]
        transform = replace(transform, context=tuple(
            Neighbour(clip=int(rng.integers(n_context)), side=side, gap_s=uniform(settings.context_gap_s, 0.0),
                      gain=gain()) for side in sides))
    if n_context and settings.history_share and rng.uniform() < settings.history_share:
        transform = replace(transform, history=History(
            clip=int(rng.integers(n_context)), lead_s=uniform(settings.history_lead_s, 0.0),
            gap_s=uniform(settings.history_gap_s, 0.0), gain=gain()))
    if settings.mask_share and rng.uniform() < settings.mask_share:
        transform = replace(transform, masks=_draw_masks(rng, settings))
    return transform


def _draw_masks(rng: np.random.Generator, settings: AugmentationSettings) -> tuple[Mask, ...]:
    """The sample's frequency masks, then its time masks; widths uniform in 0..the setting's maximum."""
    plan = ((CHANNELS_AXIS, settings.frequency_masks, settings.frequency_mask_channels),
            (FRAMES_AXIS, settings.time_masks, settings.time_mask_frames))
    return tuple(Mask(axis, int(rng.integers(widest + 1)), float(rng.uniform(0.0, 1.0)))
                 for axis, count, widest in plan for _ in range(count))


def apply_masks(spectrogram: np.ndarray, masks: Sequence[Mask]) -> np.ndarray:
    """``spectrogram`` (frames, channels) with ``masks`` set to :data:`MASK_VALUE` (a copy when there are any).

    A mask wider than its axis covers the whole axis; masks may overlap, as in SpecAugment.
    """
    if not masks:
        return spectrogram
    out = spectrogram.copy()
    for mask in masks:
        region = slice(*mask_span(mask, out.shape[mask.axis]))
        out[(region, slice(None)) if mask.axis == FRAMES_AXIS else (slice(None), region)] = MASK_VALUE
    return out


def mask_span(mask: Mask, size: int) -> tuple[int, int]:
    """The ``(start, stop)`` of the frames or channels ``mask`` covers on an axis of ``size``: what
    :func:`apply_masks` sets, and what the augmentation preview's index reports (empty when the width drawn is 0)."""
    width = min(mask.width, size)
    start = int(mask.position * (size - width + 1))
    return start, start + width


def apply_transform(audio: FloatArray, transform: Transform, settings: AugmentationSettings,
                    noises: list[FloatArray], length: int, sample_rate: int,
                    neighbours: Sequence[FloatArray] = ()) -> FloatArray:
    """The transformed float sample, exactly ``length`` long (see the module docstring).

    ``noises`` are the background recordings already trimmed at ``trim_threshold_db`` (MLTK trims
    the noise file on every draw; trimming once gives the same audio). ``neighbours`` are the audio
    of ``transform.context``'s clips, in its order (trimmed here like the sample).
    """
    x = audio
    if transform.speed != 1.0 or transform.semitones != 0.0:
        x = stretch_and_shift(x, transform.speed, transform.semitones, sample_rate)
    if transform.context:
        x = _with_context(x, transform, settings.trim_threshold_db, neighbours, length, sample_rate)
    else:
        x = fit_length(x, length, transform.offset, settings.trim_threshold_db)
    if transform.loudness != 1.0:
        x = x * np.float32(transform.loudness)
    if transform.noise_index is not None and transform.noise_factor > 0:
        noise = fit_length(noises[transform.noise_index], length, transform.noise_position, None)
        x = x + noise * np.float32(transform.noise_factor * transform.loudness)
    return x.astype(np.float32, copy=False)


def history_audio(transform: Transform, settings: AugmentationSettings, noises: list[FloatArray],
                  word: FloatArray, sample_rate: int, step: int) -> FloatArray:
    """The audio the frontend hears before the window of a sample with ``transform.history`` (``word``: the
    history clip's audio, trimmed here): a whole number of frontend ``step``s long, so the window's frames
    are the frames a fresh frontend would cut; the extra samples lengthen the lead. At the sample's
    loudness, with its background noise at its factor."""
    history = transform.history
    if history is None:
        raise ValueError("the transform has no history")
    spoken = trim_silence(word, settings.trim_threshold_db) if settings.trim_threshold_db else word
    gap = int(round(history.gap_s * sample_rate))
    size = int(round(history.lead_s * sample_rate)) + spoken.size + gap
    size += -size % step
    out = np.zeros(size, np.float32)
    out[size - gap - spoken.size:size - gap] = spoken * np.float32(history.gain)
    if transform.noise_index is not None and transform.noise_factor > 0:
        noise = fit_length(noises[transform.noise_index], size, transform.noise_position, None)
        out += noise * np.float32(transform.noise_factor)
    return out * np.float32(transform.loudness)


def _with_context(audio: FloatArray, transform: Transform, trim_db: float | None,
                  neighbours: Sequence[FloatArray], length: int, sample_rate: int) -> FloatArray:
    """``audio`` trimmed and placed as :func:`fit_length` does, with its neighbours' spoken parts beside it."""
    if len(neighbours) != len(transform.context):
        raise ValueError(f"{len(transform.context)} neighbours drawn, {len(neighbours)} given")
    word = trim_silence(audio, trim_db) if trim_db else audio
    start = placement_start(word.size, length, transform.offset)
    out = place(word, length, start)
    for neighbour, sound in zip(transform.context, neighbours):
        spoken = trim_silence(sound, trim_db) if trim_db else sound
        gap = int(round(neighbour.gap_s * sample_rate))
        at = start - gap - spoken.size if neighbour.side == BEFORE else start + word.size + gap
        out += place(spoken * np.float32(neighbour.gain), length, at)
    return out


def to_int16(audio: FloatArray) -> np.ndarray:
    """Float [-1, 1) audio as int16 (x 32768 truncated, as MLTK), clipped at full scale."""
    return np.clip(audio * np.float32(INT16_SCALE), INT16_MIN, INT16_MAX).astype(np.int16)


def sample_rng(seed: int, epoch: int, sample: int) -> np.random.Generator:
    """The generator of one sample in one epoch (independent of worker and order)."""
    return np.random.default_rng([seed & 0xFFFFFFFF, epoch, sample])
