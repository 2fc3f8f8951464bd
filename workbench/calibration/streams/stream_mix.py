"""A laid-out stream's audio, mixed a block at a time: memory follows the block, not the stream's length.

Why by blocks: the whole mix of an hour's stream (float noise bed, float mix, its int16 copy and the WAV in
memory) took about 32 MB a stream minute, so ``kws stream make --minutes 600`` was killed by the kernel.
Every step of the mix is sample by sample -- the noise bed (:class:`~.stream_audio.NoiseBed`), its level
envelope, the clips added in the order they were placed, the int16 rounding -- so a block of any size gives
exactly the samples the whole mix did, and a stream is the same WAV for a seed however it is cut up.
A :class:`BuiltStream` keeps how to make its audio, not the audio: each pass over :meth:`BuiltStream.blocks`
makes it again, the same.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import numpy.typing as npt

from workbench.calibration.streams.bed_levels import BedLevels
from workbench.calibration.streams.labels import LabelEvent, StreamLabels
from workbench.calibration.streams.stream_audio import NoiseBed, faded, to_float
from workbench.core.audio.audio_file import load_audio, to_int16

MIX_BLOCK_S = 10.0  # the audio made at a time (about 10 MB of working memory at 16 kHz)
FULL_SCALE = 1.0

FloatBlocks = Callable[[int], Iterator[npt.NDArray[np.float32]]]  # block size -> the mix's float blocks


@dataclass(frozen=True)
class PlacedClip:
    """One item where it lies in the stream: ``clip[first:last] * gain``, faded, from sample ``at`` on."""

    path: Path | None  # None: a silence made of the noise bed alone (adds nothing to the mix)
    first: int
    last: int
    gain: float
    at: int
    event: LabelEvent
    speech_rms: float  # after gain; 0 for silence items
    heard_rms: float = 0.0  # the same through the fades at the cut edges: the word as mixed

    @property
    def size(self) -> int:
        return self.last - self.first

    def word_span(self, sample_rate: int) -> tuple[int, int]:
        """The labelled part, in samples of the stream."""
        return round(self.event.start_s * sample_rate), round(self.event.end_s * sample_rate)

    def audio(self, sample_rate: int) -> npt.NDArray[np.float32]:
        """The clip's samples as the mix adds them (read again from its file: clips are not kept)."""
        if self.path is None:
            return np.zeros(self.size, np.float32)
        clip = to_float(load_audio(self.path, sample_rate).samples)
        return faded(clip[self.first:self.last] * np.float32(self.gain), sample_rate)


class BuiltStream:
    """A stream's labels and facts, and its audio a block at a time (module docstring).

    ``clipped_samples`` (and ``info["clipped_samples"]``) are known once the audio has been made: a pass
    over :meth:`blocks` counts them, or asking for them makes that pass.
    """

    def __init__(self, labels: StreamLabels, sample_rate: int, n_samples: int, info: dict[str, Any],
                 float_blocks: FloatBlocks) -> None:
        self.labels, self.sample_rate, self.n_samples = labels, sample_rate, n_samples
        self._info, self._float_blocks = info, float_blocks
        self._clipped: int | None = None

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.sample_rate

    def blocks(self, block_samples: int | None = None) -> Iterator[npt.NDArray[np.int16]]:
        """The stream's int16 samples in order, ``block_samples`` (default :data:`MIX_BLOCK_S`) at a time."""
        size = block_samples or max(1, int(MIX_BLOCK_S * self.sample_rate))
        clipped = 0
        for block in self._float_blocks(size):
            clipped += int(np.count_nonzero(np.abs(block) >= FULL_SCALE))
            yield to_int16(block)
        self._clipped = clipped

    @property
    def samples(self) -> npt.NDArray[np.int16]:
        """The whole stream in memory (for short streams and tests; files are written by blocks)."""
        blocks = list(self.blocks())
        return np.concatenate(blocks) if blocks else np.zeros(0, np.int16)

    @property
    def clipped_samples(self) -> int:
        if self._clipped is None:
            for _ in self.blocks():
                pass
        return int(self._clipped or 0)

    @property
    def info(self) -> dict[str, Any]:
        return {**self._info, "clipped_samples": self.clipped_samples}


def _candidates(placed: Sequence[PlacedClip]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(the largest end among the clips up to each one, the smallest start from each one on): with them a block
    finds the clips it may hold by bisection, although a trimmed clip can start before the one placed before it."""
    starts = np.asarray([p.at for p in placed], np.int64)
    ends = starts + np.asarray([p.size for p in placed], np.int64)
    return np.maximum.accumulate(ends), np.minimum.accumulate(starts[::-1])[::-1]


def dataset_blocks(placed: Sequence[PlacedClip], levels: BedLevels, total: int, sample_rate: int,
                   noise: list[npt.NDArray[np.float32]] | None, rng: np.random.Generator) -> FloatBlocks:
    """The float mix of a dataset stream by blocks: the noise bed of ``noise`` at ``levels`` under each item (no
    bed when ``noise`` is None), then every clip added in the order it was placed. ``rng`` is copied for each pass."""
    max_end, min_start = _candidates(placed)

    def blocks(size: int) -> Iterator[npt.NDArray[np.float32]]:
        bed = NoiseBed(noise, total, sample_rate, copy.deepcopy(rng)) if noise is not None else None
        kept: dict[int, npt.NDArray[np.float32]] = {}  # clips reaching into the next block
        for start in range(0, total, size):
            stop = min(total, start + size)
            if bed is not None:
                mix = bed.read(stop - start) * levels.envelope(start, stop)
            else:
                mix = np.zeros(stop - start, np.float32)
            first = int(np.searchsorted(max_end, start, side="right"))
            last = int(np.searchsorted(min_start, stop, side="left"))
            for index in range(first, last):
                p = placed[index]
                if p.path is None or p.at >= stop or p.at + p.size <= start:
                    continue
                audio = kept.pop(index, None)
                audio = p.audio(sample_rate) if audio is None else audio
                lo, hi = max(start, p.at), min(stop, p.at + p.size)
                mix[lo - start:hi - start] += audio[lo - p.at:hi - p.at]
                if p.at + p.size > stop:
                    kept[index] = audio
            yield mix

    return blocks


def background_blocks(noise: list[npt.NDArray[np.float32]], total: int, sample_rate: int, gain: float,
                      rng: np.random.Generator) -> FloatBlocks:
    """The float mix of a background-only stream by blocks: the noise bed of ``noise`` times ``gain``."""

    def blocks(size: int) -> Iterator[npt.NDArray[np.float32]]:
        bed = NoiseBed(noise, total, sample_rate, copy.deepcopy(rng))
        for start in range(0, total, size):
            yield bed.read(min(total, start + size) - start) * np.float32(gain)

    return blocks
