"""The CLIP lamp lights when the microphone's volume_gain overloads the audio, though the board's gain wraps the
overloaded samples around instead of leaving them at full scale.

The audit: speech peaking above half scale, spoken into a (PulseAudio virtual) microphone with the bundled model's
volume_gain 2, reached the engine wrapped around -- half the keywords missed -- while the lamp said "no clip",
because it only looked for samples at full scale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from workbench.assets import sample_audio_path
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.audio.source_base import INT16_MAX, firmware_gain_factor
from workbench.core.audio.sources import refresh_devices
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice

REPO_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from virtmic import running_or_skip  # noqa: E402

LOUD_PEAK = 0.9  # of full scale: far beyond what a gain of 2 keeps within int16
STREAM_MS = 10_000


def loud_sample(tmp_path: Path, factor: int) -> Path:
    """The bundled sample raised to LOUD_PEAK, with no sample whose product by ``factor`` lands exactly on full
    scale: every overloaded sample then wraps to somewhere inside the range, which the old lamp could not see."""
    samples = load_audio(sample_audio_path()).samples.astype(np.float64)
    loud = np.rint(samples * (LOUD_PEAK * INT16_MAX / np.abs(samples).max())).astype(np.int64)
    for edge in (INT16_MAX // factor + 1, -(INT16_MAX + 1) // factor):  # wraps to -32768 / is -32768
        loud[loud == edge] += int(np.sign(edge))
    path = tmp_path / "loud.wav"
    save_wav(path, loud.astype(np.int16), 16000)
    return path


def test_the_lamp_lights_when_volume_gain_wraps_the_microphone(qtbot, window, tmp_path: Path) -> None:
    factor = firmware_gain_factor(window.controller.settings.volume_gain)
    assert factor > 1, "the bundled model's volume_gain no longer overloads loud speech: pick a louder clip"
    wav = loud_sample(tmp_path, factor)
    with running_or_skip() as mic:
        refresh_devices()
        try:
            assert window.controller.set_source(SourceChoice(MICROPHONE)), window.last_error
            session = window.controller.session
            qtbot.waitUntil(lambda: session.spectrogram.total > 10, timeout=STREAM_MS)
            meter = window.live.waveform.meter
            assert meter.clip_count == 0 and not meter.clipping  # silence first: nothing to light the lamp
            mic.play(wav)
            qtbot.waitUntil(lambda: meter.clip_count > 0, timeout=STREAM_MS)
            assert session.stats().gain_overflows > 0
            heard, _ = session.envelope.since(0)
            assert np.abs(heard.astype(np.int32)).max() < INT16_MAX  # wrapped: no sample at full scale to see
        finally:
            window.controller.close()
    refresh_devices()
