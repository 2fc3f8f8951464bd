"""An int8 spectrogram (the model's input) as a grey-scale PNG whose pixels are its values, exactly.

Why our own encoder: matplotlib is optional (the training history plot is skipped without it), and the preview's
image is no convenience but the sample itself. A PNG of 8-bit grey is a few lines of zlib, and lossless: grey level
``value - (-128)``, so black is what silence renders to and the file can be read back into the very array.

Layout as the live spectrogram shows it: time (frames) left to right, channels bottom (lowest) to top; every value is
a square of :data:`PIXELS_PER_VALUE` pixels, so an image viewer shows 49 frames x 40 channels at a readable size.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

PIXELS_PER_VALUE = 4
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BIT_DEPTH = 8
GREY = 0  # PNG colour type: grey scale
COMPRESSION, FILTER, INTERLACE = 0, 0, 0  # the only compression and filter method; not interlaced
NO_FILTER = b"\x00"  # the filter byte before each row
GREY_OFFSET = 128  # int8 -128..127 to grey 0..255


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def spectrogram_image(spectrogram: np.ndarray) -> np.ndarray:
    """The grey levels of ``spectrogram`` (frames, channels) int8, as rows of pixels from the top (module
    docstring)."""
    if spectrogram.dtype != np.int8 or spectrogram.ndim != 2:
        raise ValueError(f"an int8 (frames, channels) spectrogram is needed, got {spectrogram.dtype} "
                         f"{spectrogram.shape}")
    grey = (spectrogram.astype(np.int16) + GREY_OFFSET).astype(np.uint8)
    rows = grey.T[::-1]  # channels bottom to top, frames left to right
    return np.repeat(np.repeat(rows, PIXELS_PER_VALUE, axis=0), PIXELS_PER_VALUE, axis=1)


def spectrogram_png(spectrogram: np.ndarray) -> bytes:
    """The PNG file of ``spectrogram`` (see :func:`spectrogram_image`)."""
    image = spectrogram_image(spectrogram)
    height, width = image.shape
    header = struct.pack(">IIBBBBB", width, height, BIT_DEPTH, GREY, COMPRESSION, FILTER, INTERLACE)
    raw = b"".join(NO_FILTER + row.tobytes() for row in image)
    return (PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw))
            + _chunk(b"IEND", b""))
