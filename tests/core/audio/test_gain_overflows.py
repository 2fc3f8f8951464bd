"""Sources count the samples their gain pushes beyond int16: the firmware gain wraps them around (as the board
does), so they reach no full scale for a level meter to see, and only this count tells the audio is overloaded."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.source_base import INT16_MAX, INT16_MIN, apply_gain, gain_overflow_count
from workbench.core.audio.sources import FileSource, load_audio
from workbench.core.engine import Engine
from workbench.core.live_session import LiveSession
from workbench.core.model.model_file import load_model

EVERY_SAMPLE = np.arange(INT16_MIN, INT16_MAX + 1, dtype=np.int16)


def products_out_of_range(samples: np.ndarray, factor: float) -> int:
    """What the count must be: products computed wide, compared with the int16 range."""
    wide = np.rint(samples.astype(np.float64) * factor)
    return int(np.count_nonzero((wide > INT16_MAX) | (wide < INT16_MIN)))


@pytest.mark.parametrize("gain", [2.0, 2.7, 3.0, 7.0])
def test_firmware_gain_counts_exactly_the_samples_it_wraps(gain: float) -> None:
    factor = int(gain)
    assert gain_overflow_count(EVERY_SAMPLE, gain, "firmware") == products_out_of_range(EVERY_SAMPLE, factor)
    gained = apply_gain(EVERY_SAMPLE, gain, "firmware")
    wrapped = gained.astype(np.int64) != EVERY_SAMPLE.astype(np.int64) * factor
    assert gain_overflow_count(EVERY_SAMPLE, gain, "firmware") == np.count_nonzero(wrapped)


@pytest.mark.parametrize("gain", [0.0, 1.0, 1.9])
def test_a_firmware_gain_the_board_skips_overflows_nothing(gain: float) -> None:
    assert gain_overflow_count(EVERY_SAMPLE, gain, "firmware") == 0


@pytest.mark.parametrize("gain", [0.5, 1.0, 1.5, 8.0])
def test_linear_gain_counts_the_samples_it_clips(gain: float) -> None:
    assert gain_overflow_count(EVERY_SAMPLE, gain) == products_out_of_range(EVERY_SAMPLE, gain)


def test_a_session_reports_what_its_source_overflowed() -> None:
    clip = load_audio(sample_audio_path())
    factor = INT16_MAX // int(np.abs(clip.samples.astype(np.int32)).max()) + 1  # the loudest samples overflow
    source = FileSource(sample_audio_path(), realtime=False)
    source.gain_mode = "firmware"
    source.gain = float(factor)
    session = LiveSession(Engine(load_model(default_model_path())), source, views=False)
    session.start()
    assert session.wait(30)
    session.close()
    assert session.error is None
    expected = products_out_of_range(clip.samples, factor)
    assert expected > 0
    assert session.stats().gain_overflows == source.gain_overflows == expected
