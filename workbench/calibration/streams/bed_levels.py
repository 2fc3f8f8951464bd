"""How loud the noise bed is along a stream: the level envelope the mix multiplies the bed by.

Why two references: the bed is made of stretches of noise files, each file scaled by its whole-file RMS, and a
file such as ``doing_the_dishes`` or ``running_tap`` is far louder in some seconds than in others. Scaling the
bed by "speech level minus SNR" (``file``, how streams were first made) gives the SNR relative to each file's
overall level: the noise's own loud and quiet moments stay, and the SNR under one word can be many dB off the
value drawn for it. ``word`` first measures the bed's RMS under each labelled word (a pass over the bed made
exactly as the mix makes it, block by block, so memory does not grow with the stream) and scales the bed under
that word, and only there, by wanted / measured, so the SNR under every word is the drawn one. Everywhere else
-- the gaps between words, the lead-in, the tail and the ``_silence_`` items, which have no speech to measure
an SNR against -- the bed keeps the ``file`` level (the speech-minus-SNR level on the unit-RMS bed): raising
the whole gap with its word would lift a loud moment beside a quiet word by up to the boost, into clipping.
The level ramps between the two over at most :data:`LEVEL_RAMP_S` in the gap just outside each word, never
inside the labelled span -- but where two words leave less room than three ramps of :data:`MIN_RAMP_S`, one such
ramp joins their levels, reaching into each word by half the missing room (a step would be a click). Where the
bed is nearly silent under a word, the boost stops at :data:`MAX_BOOST_DB` over the ``file`` level (a quiet stretch
is not amplified into hiss); such a word gets more SNR than asked, and :attr:`BedLevels.boosted` counts them.
``file`` stays selectable, sample for sample the streams it always made, because figures measured on such streams
must stay reproducible. The references, the ramp and the boost live in :mod:`recipe_defaults`, which the help of
``kws stream make`` reads without loading numpy.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workbench.calibration.replay import CalibrationCancelled
from workbench.calibration.streams.recipe_defaults import LEVEL_RAMP_S, MAX_BOOST_DB
from workbench.calibration.streams.stream_audio import NoiseBed
from workbench.core.audio.decibels import amplitude_ratio

GAP_RAMPS = 3  # ``word``: a gap holds up to three ramps (word to file level, file level to file level, to word)
# ``word``: no level change is shorter than this; where two words leave less room between them, one ramp joins
# their levels across the gap, reaching into each word by up to half of it (a step would be a click)
MIN_RAMP_S = 0.005
MEASURE_BLOCK_S = 10.0  # the bed measured at a time
HALF_SAMPLE = 0.5  # knots lie between samples, so every sample of a labelled span is at its level exactly

Spans = npt.NDArray[np.int64]  # (n, 2): [start, stop) of each item, in samples


@dataclass(frozen=True)
class BedLevels:
    """The bed's level, linear between knots (sample positions ``at``, non-decreasing) and held before the first
    and after the last."""

    at: npt.NDArray[np.float64]
    levels: npt.NDArray[np.float64]
    boosted: int = 0  # words whose bed was too quiet for the wanted level: their SNR is above the one drawn

    def envelope(self, start: int, stop: int) -> npt.NDArray[np.float32]:
        """Samples [start, stop) of the envelope."""
        return np.interp(np.arange(start, stop, dtype=np.float64), self.at, self.levels).astype(np.float32)


def file_levels(item_spans: Spans, wanted: npt.NDArray[np.float64], sample_rate: int) -> BedLevels:
    """``wanted`` as the bed's level (the bed at unit RMS per file), changing halfway between each item's start
    and the next one's end: the ``file`` reference, exactly as streams were first made."""
    boundaries = (item_spans[:-1, 0] + item_spans[1:, 1]) // 2
    if boundaries.size == 0:
        return BedLevels(np.zeros(1, np.float64), wanted[:1].astype(np.float64))
    half = int(LEVEL_RAMP_S * sample_rate) / 2.0
    at = np.stack([boundaries - half, boundaries + half], axis=1).ravel()
    return BedLevels(at, np.stack([wanted[:-1], wanted[1:]], axis=1).ravel())


def word_levels(word_spans: Spans, wanted: npt.NDArray[np.float64], is_word: npt.NDArray[np.bool_], total: int,
                sample_rate: int, noise: list[npt.NDArray[np.float32]], rng: np.random.Generator,
                cancel: threading.Event | None = None) -> BedLevels:
    """Levels giving the bed the RMS ``wanted`` under each word's labelled span and the ``file`` level (``wanted``
    on the unit-RMS bed) elsewhere (the ``word`` reference, module docstring).

    ``word_spans`` are in order and do not overlap; items where ``is_word`` is False (silences) keep the ``file``
    level throughout. Between two items the knots are: end of the first at its level, a ramp to its file level,
    the file level changing to the next item's halfway through the gap, a ramp to the next item's level ending
    where it starts; each ramp takes at most :data:`LEVEL_RAMP_S` and a third of the gap. ``rng`` is the bed's
    (copied, as every pass over the bed copies it).
    """
    measured = bed_rms_under(word_spans, noise, total, sample_rate, rng, cancel)
    floor = amplitude_ratio(-MAX_BOOST_DB)
    boosted = int(np.count_nonzero(is_word & (measured < floor) & (wanted > 0)))
    under = np.where(is_word, wanted / np.maximum(measured, floor), wanted)
    starts = word_spans[:, 0].astype(np.float64) - HALF_SAMPLE
    ends = word_spans[:, 1].astype(np.float64) - HALF_SAMPLE
    ramp = float(int(LEVEL_RAMP_S * sample_rate))
    gaps = np.maximum(starts[1:] - ends[:-1], 0.0)
    gap_ramps = np.minimum(gaps / GAP_RAMPS, ramp)
    before = np.concatenate([[min(ramp, max(starts[0], 0.0))], gap_ramps])  # the ramp up to each item
    after = np.concatenate([gap_ramps, [ramp]])  # the ramp down from each item
    middles = (ends[:-1] + starts[1:]) / 2.0
    at = np.stack([starts - before, starts, ends, ends + after], axis=1)
    levels = np.stack([wanted, under, under, wanted], axis=1)
    turns_at = np.stack([middles - gap_ramps / 2.0, middles + gap_ramps / 2.0], axis=1)
    turns = np.stack([wanted[:-1], wanted[1:]], axis=1)
    _join_tight_gaps(at, levels, turns_at, turns, gaps, float(int(MIN_RAMP_S * sample_rate)))
    knots_at = np.concatenate([np.concatenate([at[:-1], turns_at], axis=1).ravel(), at[-1]])
    knots = np.concatenate([np.concatenate([levels[:-1], turns], axis=1).ravel(), levels[-1]])
    return BedLevels(knots_at, knots, boosted)


def _join_tight_gaps(at: npt.NDArray[np.float64], levels: npt.NDArray[np.float64], turns_at: npt.NDArray[np.float64],
                     turns: npt.NDArray[np.float64], gaps: npt.NDArray[np.float64], min_ramp: float) -> None:
    """Where a gap is too short for three ramps of ``min_ramp``, one straight ramp from the first word's level to
    the next one's, at least ``min_ramp`` long and centred on the gap (changes the knots in place). Why: a gap of
    nothing gave ramps of nothing, a step of up to 47 dB between a quiet stretch and a loud one."""
    tight = gaps < GAP_RAMPS * min_ramp
    if not np.any(tight):
        return
    reach = np.maximum(min_ramp - gaps[tight], 0.0) / 2.0  # into each word, where the gap is shorter than a ramp
    first = at[:-1][tight, 2] - reach  # the first word's level ends here
    last = at[1:][tight, 1] + reach  # the next word's level starts here
    low, high = levels[:-1][tight, 2], levels[1:][tight, 1]
    steps = np.arange(1, 5, dtype=np.float64) / 5.0  # the four knots between, on the straight line
    middle_at = first[:, None] + (last - first)[:, None] * steps
    middle = low[:, None] + (high - low)[:, None] * steps
    ends, starts = at[:-1], at[1:]
    ends[tight, 2], starts[tight, 1] = first, last
    ends[tight, 3], turns_at[tight, 0], turns_at[tight, 1], starts[tight, 0] = middle_at.T
    levels[:-1][tight, 3], turns[tight, 0], turns[tight, 1], levels[1:][tight, 0] = middle.T


def bed_rms_under(spans: Spans, noise: list[npt.NDArray[np.float32]], total: int, sample_rate: int,
                  rng: np.random.Generator, cancel: threading.Event | None = None) -> npt.NDArray[np.float64]:
    """The RMS of the unit-level bed over each span, measured a block at a time."""
    energy = np.zeros(len(spans), np.float64)
    if not len(spans):
        return energy
    starts, stops = spans[:, 0], spans[:, 1]
    max_stop = np.maximum.accumulate(stops)  # spans reaching into a block are found by bisection
    min_start = np.minimum.accumulate(starts[::-1])[::-1]
    bed = NoiseBed(noise, total, sample_rate, copy.deepcopy(rng))
    size = max(1, int(MEASURE_BLOCK_S * sample_rate))
    for start in range(0, total, size):
        if cancel is not None and cancel.is_set():
            raise CalibrationCancelled("stream building cancelled")
        block = bed.read(min(total, start + size) - start)
        summed = np.concatenate([[0.0], np.cumsum(block.astype(np.float64) ** 2)])
        first = int(np.searchsorted(max_stop, start, side="right"))
        last = int(np.searchsorted(min_start, start + block.size, side="left"))
        index = np.arange(first, last)
        lo = np.clip(starts[index], start, start + block.size) - start
        hi = np.clip(stops[index], start, start + block.size) - start
        energy[index] += np.where(hi > lo, summed[hi] - summed[np.minimum(lo, hi)], 0.0)
    return np.sqrt(energy / np.maximum(stops - starts, 1))
