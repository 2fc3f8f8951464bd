"""Decoding a long recording: time and peak memory of ``load_audio`` against decoding the whole file at once.

A calibration stream or a background recording may last hours. ``load_audio`` decodes a block at a time
(libsndfile blocks, soxr's streaming resampler), so its memory follows the 16 kHz int16 result. Baseline in
the same run: the whole file read as float64, averaged to mono and resampled in one call, which is what
``load_audio`` did before; both must give the same samples. Peak memory is what ``tracemalloc`` sees of
NumPy's allocations.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Callable

import numpy as np
import soundfile as sf
import soxr

from workbench.core.audio.audio_file import DEFAULT_SAMPLE_RATE, RESAMPLE_QUALITY, load_audio, to_int16

FORMATS = ((16000, 1, "PCM_16"), (48000, 2, "PCM_24"))  # a built stream; a recorder's export
WRITE_BLOCK_S = 60
NOISE_LEVEL = 0.1


def whole_file(path: Path) -> np.ndarray:
    """The baseline: every frame as float64 at once, then mono, resampling and int16."""
    data, rate = sf.read(str(path), dtype="float64", always_2d=True)
    mono = data.mean(axis=1)
    if rate != DEFAULT_SAMPLE_RATE:
        mono = soxr.resample(mono, rate, DEFAULT_SAMPLE_RATE, quality=RESAMPLE_QUALITY)
    return to_int16(mono)


def measure(decode: Callable[[], np.ndarray]) -> tuple[np.ndarray, float, float]:
    """Samples, seconds and peak MB of one decode."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        samples = decode()
        seconds = time.perf_counter() - start
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return samples, seconds, peak_mb


def write_noise(path: Path, minutes: float, rate: int, channels: int, subtype: str) -> None:
    """``minutes`` of noise, written a minute at a time (the writer must not need the memory measured)."""
    rng = np.random.default_rng(1)
    frames = int(minutes * 60 * rate)
    with sf.SoundFile(str(path), "w", rate, channels, subtype) as f:
        for start in range(0, frames, WRITE_BLOCK_S * rate):
            n = min(WRITE_BLOCK_S * rate, frames - start)
            f.write(rng.uniform(-NOISE_LEVEL, NOISE_LEVEL, (n, channels)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="length of each test file (default 30)")
    args = parser.parse_args()
    status = 0
    with tempfile.TemporaryDirectory() as scratch:
        for rate, channels, subtype in FORMATS:
            path = Path(scratch) / f"{rate}-{channels}.wav"
            write_noise(path, args.minutes, rate, channels, subtype)
            ours, ours_s, ours_mb = measure(lambda: load_audio(path).samples)
            base, base_s, base_mb = measure(lambda: whole_file(path))
            same = np.array_equal(ours, base)
            status |= 0 if same else 1
            print(f"{args.minutes:g} min at {rate} Hz, {channels} ch, {subtype}: load_audio {ours_s:.2f} s, "
                  f"peak {ours_mb:,.0f} MB; whole file at once {base_s:.2f} s, peak {base_mb:,.0f} MB "
                  f"(x{base_mb / ours_mb:.1f} the memory); same samples: {'yes' if same else 'NO'}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
