"""The channel centre frequencies follow the TFLM filterbank: evenly spaced in mel between the band limits."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.frontend_settings import MEL_BREAK_HZ, MEL_FACTOR, channel_centres_hz
from workbench.core.frontend_settings import FrontendSettings


def _mel(hz: np.ndarray) -> np.ndarray:
    return MEL_FACTOR * np.log1p(hz / MEL_BREAK_HZ)


@pytest.mark.parametrize("settings", [FrontendSettings(),
                                      FrontendSettings(filterbank_n_channels=32, filterbank_lower_band_limit=100.0,
                                                       filterbank_upper_band_limit=4000.0)])
def test_centres_are_evenly_spaced_in_mel_inside_the_band(settings: FrontendSettings) -> None:
    centres = channel_centres_hz(settings)
    lower, upper = settings.filterbank_lower_band_limit, settings.filterbank_upper_band_limit
    assert centres.shape == (settings.filterbank_n_channels,)
    points = _mel(np.array([lower, *centres, upper]))
    np.testing.assert_allclose(np.diff(points), np.diff(points)[0])  # channels + 1 equal intervals
    assert lower < centres[0] < centres[-1] < upper


def test_more_channels_lie_closer_together() -> None:
    assert np.diff(channel_centres_hz(FrontendSettings(filterbank_n_channels=64)))[0] < \
        np.diff(channel_centres_hz(FrontendSettings()))[0]
