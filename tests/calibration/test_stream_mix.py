"""A stream's audio is mixed a block at a time: the same WAV as the whole-stream mix made, however it is cut,
written in memory that does not grow with the stream's length, and nothing written when it is cancelled."""

from __future__ import annotations

import hashlib
import io
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.calibration.replay import CalibrationCancelled
from workbench.calibration.streams.build_tag import audio_build_token
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_background_stream, make_dataset_stream, write_stream
from workbench.calibration.streams.stream_mix import BuiltStream

COUNTS = {"split": "all", "keyword_count": 8, "unknown_count": 10, "silence_count": 2}
FILE = {"snr_reference": "file"}  # the pinned WAVs were made before the SNR was measured under each word
RECIPES = {
    "counts_whole": StreamRecipe(seed=3, **FILE, **COUNTS),  # type: ignore[arg-type]
    "counts_trim": StreamRecipe(seed=4, whole_clips=False, gap_s=(0.0, 0.1), **FILE, **COUNTS),  # type: ignore
    "minutes": StreamRecipe(split="all", minutes=1.5, seed=5, **FILE),  # type: ignore[arg-type]
    "word_trim": StreamRecipe(seed=4, whole_clips=False, gap_s=(0.0, 0.1), **COUNTS),  # type: ignore[arg-type]
    "word_minutes": StreamRecipe(split="all", minutes=1.5, seed=5),
}
# sha256 of the WAVs the whole-stream mix wrote (before the mix was made by blocks) for these recipes
PINNED = {
    "counts_whole": "2570e954645d80215c083087228a1e60bb79c7cd841c177a89892fa448780cc4",
    "counts_trim": "431788166d5ff2793e21861bf8394ac96431a68655d9dd214ec0738b74c5050d",
    "minutes": "116c0b0da77da4f34cc96e9e9da630585c0b82d0a726e1f61f2dd30b01bb9f6b",
    "background": "4c4d0289a44937510ac8c14fac5ad9d58d8bbffe1fb18ba606e093095a446156",
}
ODD_BLOCK = 4001  # samples: a block size that cuts through clips, noise stretches and level ramps
MEMORY_MINUTES = (2.0, 20.0)
MEMORY_GROWTH_BYTES = 2 * 1024 * 1024  # the whole-stream mix grew by about 32 MB a minute


def background(dataset: Path, minutes: float = 1.5) -> BuiltStream:
    return make_background_stream([dataset / "_background_noise_" / "tap.wav"], minutes, -30.0, seed=6)


@pytest.mark.parametrize("name", sorted(PINNED))
def test_a_seed_still_gives_the_same_wav_byte_for_byte(small_dataset: Path, tmp_path: Path, name: str) -> None:
    """The same samples as the pinned WAVs (which had no build comment yet: the samples are written again without
    it), and the same file, comment included, from a second build."""
    def build() -> BuiltStream:
        return background(small_dataset) if name == "background" else \
            make_dataset_stream([small_dataset], RECIPES[name])

    wav, _, _ = write_stream(build(), tmp_path / "s.wav")
    samples, rate = sf.read(wav, dtype="int16")
    without_comment = io.BytesIO()
    sf.write(without_comment, samples, rate, subtype="PCM_16", format="WAV")
    assert hashlib.sha256(without_comment.getvalue()).hexdigest() == PINNED[name]
    again, _, _ = write_stream(build(), tmp_path / "again.wav")
    assert again.read_bytes() == wav.read_bytes() and audio_build_token(wav) is not None  # the comment too


@pytest.mark.parametrize("name", sorted({*PINNED, *RECIPES}))
def test_blocks_of_any_size_make_the_same_samples(small_dataset: Path, name: str) -> None:
    built = background(small_dataset) if name == "background" else make_dataset_stream([small_dataset], RECIPES[name])
    whole, clipped = built.samples, built.clipped_samples  # counted by the pass that made ``whole``
    assert whole.size == built.n_samples and np.array_equal(np.concatenate(list(built.blocks(ODD_BLOCK))), whole)
    assert built.clipped_samples == built.info["clipped_samples"] == clipped  # counted again, by other blocks


def _write_peak(built: BuiltStream, wav: Path) -> int:
    """Bytes allocated at most while ``built`` is written, above what was held before."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        write_stream(built, wav)
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["speech", "background"])
def test_writing_takes_no_more_memory_for_a_longer_stream(small_dataset: Path, tmp_path: Path, kind: str) -> None:
    peaks = []
    for minutes in MEMORY_MINUTES:
        built = (background(small_dataset, minutes) if kind == "background" else
                 make_dataset_stream([small_dataset], StreamRecipe(split="all", minutes=minutes, seed=1)))
        peaks.append(_write_peak(built, tmp_path / f"{minutes:g}.wav"))
    assert peaks[1] - peaks[0] < MEMORY_GROWTH_BYTES, peaks


def test_a_cancel_while_the_wav_is_written_leaves_nothing(small_dataset: Path, tmp_path: Path) -> None:
    cancel = threading.Event()
    fractions: list[float] = []

    def progress(fraction: float) -> None:
        fractions.append(fraction)
        cancel.set()  # stop after the first block

    with pytest.raises(CalibrationCancelled):
        write_stream(background(small_dataset), tmp_path / "s.wav", progress, cancel)
    assert list(tmp_path.iterdir()) == [] and 0.5 < fractions[0] < 1.0
