"""The preview's spectrogram PNG holds the int8 values exactly, laid out as the live spectrogram shows them."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from preview_files import png_pixels, png_spectrogram

from workbench.training.preview.spectrogram_png import PIXELS_PER_VALUE, spectrogram_png

FRAMES, CHANNELS = 49, 40


def _random_spectrogram(seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).integers(-128, 128, (FRAMES, CHANNELS)).astype(np.int8)


def test_the_png_reads_back_as_the_very_spectrogram(tmp_path: Path) -> None:
    spectrogram = _random_spectrogram()
    path = tmp_path / "s.png"
    path.write_bytes(spectrogram_png(spectrogram))
    assert np.array_equal(png_spectrogram(path), spectrogram)
    assert png_pixels(path).shape == (CHANNELS * PIXELS_PER_VALUE, FRAMES * PIXELS_PER_VALUE)


def test_time_runs_left_to_right_and_the_lowest_channel_is_at_the_bottom(tmp_path: Path) -> None:
    spectrogram = np.full((FRAMES, CHANNELS), -128, np.int8)
    spectrogram[0, 0] = 127  # the first frame's lowest channel: loud
    path = tmp_path / "s.png"
    path.write_bytes(spectrogram_png(spectrogram))
    pixels = png_pixels(path)
    assert pixels[-1, 0] == 255 and pixels[0, 0] == 0 and pixels[-1, -1] == 0  # bottom left white, the rest black
    assert int(pixels.sum()) == 255 * PIXELS_PER_VALUE ** 2


def test_a_real_decoder_reads_the_same_image() -> None:
    image_module = pytest.importorskip("PIL.Image", reason="Pillow (the plots extra) is not installed")
    spectrogram = _random_spectrogram(seed=8)
    data = spectrogram_png(spectrogram)
    decoded = np.asarray(image_module.open(io.BytesIO(data)))
    squares = decoded[::PIXELS_PER_VALUE, ::PIXELS_PER_VALUE]
    assert np.array_equal(squares[::-1].T.astype(np.int16) - 128, spectrogram)


def test_only_an_int8_spectrogram_is_an_image() -> None:
    with pytest.raises(ValueError, match="int8"):
        spectrogram_png(np.zeros((FRAMES, CHANNELS), np.uint16))
