"""How loud the noise bed is under each item of a stream: the level envelope the mix multiplies the bed by.

Why two references: the bed is made of stretches of noise files, each file scaled by its whole-file RMS, and a
file such as ``doing_the_dishes`` or ``running_tap`` is far louder in some seconds than in others. Scaling the
bed by "speech level minus SNR" (``file``, how streams were first made) gives the SNR relative to each file's
overall level: the noise's own loud and quiet moments stay, and the SNR under one word can be many dB off the
value drawn for it. ``word`` first measures the bed's RMS under each labelled span (a pass over the bed made
exactly as the mix makes it, block by block, so memory does not grow with the stream) and scales by
wanted / measured, so the SNR under every word is the drawn one. Where the bed is nearly silent under a word,
the boost stops at :data:`MAX_BOOST_DB` over the ``file`` level (a quiet stretch is not amplified into hiss);
such a word gets more SNR than asked, and :attr:`BedLevels.boosted` counts them. ``file`` stays selectable, sample
for sample the streams it always made, because figures measured on such streams must stay reproducible.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from workbench.calibration.replay import CalibrationCancelled
from workbench.calibration.streams.stream_audio import NoiseBed, level_envelope

SNR_WORD, SNR_FILE = "word", "file"
SNR_REFERENCES = (SNR_WORD, SNR_FILE)
LEVEL_RAMP_S = 0.05  # the level moves from one item's to the next over this, in the gap between them
MAX_BOOST_DB = 30.0  # the most a quiet stretch of bed is raised above its file's overall level
MEASURE_BLOCK_S = 10.0  # the bed measured at a time
DB_PER_AMPLITUDE_DECADE = 20.0

Spans = npt.NDArray[np.int64]  # (n, 2): [start, stop) of each item, in samples


@dataclass(frozen=True)
class BedLevels:
    """A level for each item, held between ``boundaries`` and ramped over ``ramps`` samples across each one."""

    boundaries: npt.NDArray[np.int64]
    ramps: int | npt.NDArray[np.int64]
    levels: npt.NDArray[np.float64]
    boosted: int = 0  # items whose bed was too quiet for the wanted level: their SNR is above the one drawn

    def envelope(self, start: int, stop: int) -> npt.NDArray[np.float32]:
        """Samples [start, stop) of the envelope."""
        return level_envelope(self.boundaries, self.levels, start, stop, self.ramps)


def file_levels(item_spans: Spans, wanted: npt.NDArray[np.float64], sample_rate: int) -> BedLevels:
    """``wanted`` as the bed's level (the bed at unit RMS per file), changing halfway between each item's start
    and the next one's end: the ``file`` reference, exactly as streams were first made."""
    boundaries = (item_spans[:-1, 0] + item_spans[1:, 1]) // 2
    return BedLevels(boundaries.astype(np.int64), int(LEVEL_RAMP_S * sample_rate), wanted)


def word_levels(word_spans: Spans, wanted: npt.NDArray[np.float64], total: int, sample_rate: int,
                noise: list[npt.NDArray[np.float32]], rng: np.random.Generator,
                cancel: threading.Event | None = None) -> BedLevels:
    """Levels giving the bed the RMS ``wanted`` under each item's labelled span (the ``word`` reference).

    The level changes in the middle of the gap between two spans and ramps within the gap only, so each span
    lies under one constant level; ``rng`` is the bed's (copied, as every pass over the bed copies it).
    """
    measured = bed_rms_under(word_spans, noise, total, sample_rate, rng, cancel)
    floor = 10.0 ** (-MAX_BOOST_DB / DB_PER_AMPLITUDE_DECADE)
    boosted = int(np.count_nonzero((measured < floor) & (wanted > 0)))
    levels = wanted / np.maximum(measured, floor)
    ends, starts = word_spans[:-1, 1], word_spans[1:, 0]
    gaps = np.maximum(starts - ends, 0)
    ramps = np.minimum(gaps, int(LEVEL_RAMP_S * sample_rate))
    return BedLevels((ends + starts) // 2, ramps.astype(np.int64), levels, boosted)


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
