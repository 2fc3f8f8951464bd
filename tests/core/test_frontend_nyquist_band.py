"""A filterbank that reaches the Nyquist frequency runs, bit for bit as MLTK computes it.

MLTK's own ``keyword_spotting_pacman`` (``mltk/models/siliconlabs/keyword_spotting_pacman.mltk.zip``, MLTK 0.20.0)
sets ``fe.filterbank_upper_band_limit`` to 8000 Hz at 16000 Hz: its last band takes the Nyquist bin (256 of a
512-point FFT), so the filterbank ends at the spectrum's size. TFLM's ``FilterbankPopulateState``
(``cpp/shared/microfrontend/microfrontend/lib/filterbank_util.c``) refuses only ``end_index > spectrum_size``;
the workbench refused any upper limit at or above half the sample rate, so this MLTK model could not be run,
tuned or rewritten (``kws params``: "must be below half the sample rate").
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings, FrontendSettingsError

# keyword_spotting_pacman.tflite's fe.* parameters as MLTK 0.20.0's TfliteModelParameters reads them
PACMAN_FRONTEND = {
    "fe.sample_rate_hz": 16000, "fe.sample_length_ms": 700, "fe.window_size_ms": 20, "fe.window_step_ms": 10,
    "fe.filterbank_n_channels": 70, "fe.filterbank_upper_band_limit": 8000.0,
    "fe.filterbank_lower_band_limit": 150.0, "fe.noise_reduction_enable": False,
    "fe.noise_reduction_smoothing_bits": 10, "fe.noise_reduction_even_smoothing": 0.004000000189989805,
    "fe.noise_reduction_odd_smoothing": 0.004000000189989805,
    "fe.noise_reduction_min_signal_remaining": 0.05000000074505806, "fe.pcan_enable": False,
    "fe.pcan_strength": 0.949999988079071, "fe.pcan_offset": 80.0, "fe.pcan_gain_bits": 21,
    "fe.log_scale_enable": True, "fe.log_scale_shift": 6, "fe.activity_detection_enable": False,
    "fe.activity_detection_alpha_a": 0.5, "fe.activity_detection_alpha_b": 0.800000011920929,
    "fe.activity_detection_arm_threshold": 0.75, "fe.activity_detection_trip_threshold": 0.800000011920929,
    "fe.dc_notch_filter_enable": True, "fe.dc_notch_filter_coefficient": 0.949999988079071,
    "fe.quantize_dynamic_scale_enable": True, "fe.quantize_dynamic_scale_range_db": 40.0, "fe.fft_length": 512,
}
PACMAN_SAMPLES = 11200  # 700 ms at 16 kHz
# SHA-256 of MLTK 0.20.0's output for the first 700 ms of a golden clip's ``audio`` (../shared/golden/frontend),
# from fresh state: ``AudioFeatureGenerator(settings).process_sample(audio, dtype=np.uint16)`` (69 x 70, bytes
# little-endian) and ``dtype=np.int8`` (dynamic quantisation), settings = PACMAN_FRONTEND
MLTK_DIGESTS = {
    "mltk_yes": ("e28c0e1dd1882a39015d30bd42f0cbd2f6feb837f5e44f623665474e72b24e27",
                 "2c7da03cca25a1c50112e2091602f723e60c9369b4f41e3abe28536c2b100cee"),
    "synth_chirp_100_7900hz": ("9c3ce871f835621cf25cf7fa856dff1aecdb4c3a8d58643d3a28d415a67c49bb",
                               "a57c93c56af5617a758b248feb561cf561c911cba43871783342503d62f69d5d"),
    "synth_square_250hz_clipped": ("40f3dac88c8eacc3dc16db98a1c588b456a133572a4b534bfc8dfc2d70130f84",
                                   "5fbb2716613a3fdbe1d2adf77ed37e8e5c5a0a75207e5f175566ebd14b314aa4"),
}


def _digest(features: np.ndarray, dtype: str) -> str:
    return hashlib.sha256(features.astype(dtype).tobytes()).hexdigest()


@pytest.mark.parametrize("clip", sorted(MLTK_DIGESTS))
def test_mltk_pacman_frontend_is_bit_exact(golden_dir: Path, clip: str) -> None:
    settings = FrontendSettings.from_params(PACMAN_FRONTEND)
    audio = np.load(golden_dir / f"{clip}.npz")["audio"][:PACMAN_SAMPLES]
    u16 = MicroFrontend(settings).process_clip(audio)
    i8 = MicroFrontend(settings).process_clip(audio, dtype=np.int8)
    assert u16.shape == (69, 70)
    assert (_digest(u16, "<u2"), _digest(i8, "i1")) == MLTK_DIGESTS[clip]


def test_the_nyquist_bin_feeds_the_last_channel() -> None:
    """A tone at exactly half the sample rate (samples +A, -A, ...) is loudest in the top channel: the bins at and
    just below the Nyquist frequency belong to the filterbank's last band."""
    settings = FrontendSettings.from_params({**PACMAN_FRONTEND, "fe.dc_notch_filter_enable": False,
                                             "fe.quantize_dynamic_scale_enable": False})
    nyquist_tone = np.tile(np.array([8000, -8000], dtype=np.int16), PACMAN_SAMPLES // 2)
    features = MicroFrontend(settings).process_clip(nyquist_tone)
    assert int(np.argmax(features[-1])) == settings.filterbank_n_channels - 1


def test_a_band_above_the_nyquist_frequency_is_still_refused() -> None:
    with pytest.raises(FrontendSettingsError, match="must not be above half the sample rate.*at most 8000 Hz"):
        FrontendSettings.from_params({**PACMAN_FRONTEND, "fe.filterbank_upper_band_limit": 8001.0})
