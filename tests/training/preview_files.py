"""Reading an augmentation preview's files back, for the preview's tests (tests/training/preview, tests/cli).

The PNG reader reads only what the preview writes (8-bit grey, unfiltered rows, one IDAT) and checks that it is
that, with every chunk's CRC; test_spectrogram_png.py holds it to a real decoder (Pillow) where one is installed.
"""

from __future__ import annotations

import csv
import struct
import zlib
from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.training.preview.spectrogram_png import PIXELS_PER_VALUE
from workbench.training.run.run_request import DatasetArg, TrainRequest
from workbench.training.spec.setting_paths import parse_assignment

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GREY_8_BIT = (8, 0, 0, 0, 0)  # bit depth, colour type, compression, filter, interlace
INT8_OFFSET = 128


def preview_request(dataset: Path, out: Path, spec: Path, *settings: str) -> TrainRequest:
    """``kws train --dataset DATASET --out OUT --spec SPEC --set SETTING ...`` as the command makes it."""
    return TrainRequest(datasets=(DatasetArg(dataset),), out=out, spec=str(spec),
                        settings=tuple(parse_assignment(text) for text in settings))


def read_index(folder: Path) -> list[dict[str, str]]:
    with (folder / "index.csv").open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def png_pixels(path: Path) -> np.ndarray:
    """The grey levels of a preview PNG, rows from the top."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    at, chunks = len(PNG_SIGNATURE), {}
    while at < len(data):
        (length,), kind = struct.unpack(">I", data[at:at + 4]), data[at + 4:at + 8]
        body = data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + body), kind
        chunks[kind] = body
        at += 12 + length
    width, height, *form = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert tuple(form) == GREY_8_BIT and b"IEND" in chunks
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, width + 1)
    assert not rows[:, 0].any(), "every row unfiltered"
    return rows[:, 1:]


def png_spectrogram(path: Path) -> np.ndarray:
    """The int8 (frames, channels) spectrogram a preview PNG shows (channels bottom to top, one square per value)."""
    pixels = png_pixels(path)
    squares = pixels[::PIXELS_PER_VALUE, ::PIXELS_PER_VALUE]
    assert np.array_equal(np.repeat(np.repeat(squares, PIXELS_PER_VALUE, 0), PIXELS_PER_VALUE, 1), pixels)
    return (squares[::-1].T.astype(np.int16) - INT8_OFFSET).astype(np.int8)


def wav_samples(path: Path) -> tuple[np.ndarray, int]:
    """A preview WAV's int16 samples and rate."""
    samples, rate = sf.read(str(path), dtype="int16")
    return samples, rate
