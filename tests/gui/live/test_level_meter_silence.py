"""The level meter falls to silence when no audio arrives (a file ended, paused or stopped mid-word).

The audit: a file paused in the middle of a word left the meter at -12 dBFS, and a screen reader said "peak about
-12 dBFS", for as long as it stayed paused; a file that ended loud (or a stream stopped mid-word) the same, because
the meter only moved when new audio blocks came.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.assets import sample_audio_path
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.gui.live.level_meter_view import METER_FLOOR_DB, PEAK_FALL_DB_PER_S

LOUD_DB = -20.0  # the word's last blocks are louder than this
BLOCK_S = 0.01  # the envelope's block


def ends_mid_word(tmp_path: Path) -> Path:
    """The bundled sample cut just after its loudest 10 ms block: its last audio is speech, not silence."""
    clip = load_audio(sample_audio_path())
    block = round(BLOCK_S * clip.sample_rate)
    magnitude = np.abs(clip.samples.astype(np.int32))
    loudest = int(np.argmax(magnitude[: magnitude.size // block * block].reshape(-1, block).max(axis=1)))
    path = tmp_path / "mid_word.wav"
    save_wav(path, clip.samples[: (loudest + 1) * block], clip.sample_rate)
    return path


def test_the_meter_reads_silent_once_the_file_has_ended_mid_word(play_file, qtbot, window, tmp_path: Path) -> None:
    meter = window.live.waveform.meter
    now = [meter.clock()]  # the meter's time from here on only moves when the test says
    meter.clock = lambda: now[0]
    play_file(window, ends_mid_word(tmp_path))
    qtbot.waitUntil(lambda: window.live.waveform._cursor == window.controller.session.envelope.total, timeout=2000)
    assert meter.level_db > LOUD_DB and meter.hold_db > LOUD_DB

    now[0] += (0.0 - METER_FLOOR_DB) / PEAK_FALL_DB_PER_S  # time enough to fall from full scale to the floor
    qtbot.waitUntil(lambda: meter.level_db == meter.hold_db == METER_FLOOR_DB, timeout=2000)
    assert meter.accessibleDescription() == "Input silent; no clipping."
