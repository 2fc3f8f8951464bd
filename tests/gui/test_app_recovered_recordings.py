"""At start-up the window turns the recordings a workbench that died left on disk into WAVs and says where in its
status bar: one sentence, no dialog to answer."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import soundfile as sf
from PySide6.QtWidgets import QMessageBox

from workbench.core.recording.recording_spool import RecordingSpool, spool_name
from workbench.gui import app

RATE = 16000


def test_a_recording_left_behind_becomes_a_wav_and_the_status_bar_says_where(window, tmp_path: Path) -> None:
    spool, recordings = tmp_path / "spool", tmp_path / "recordings"
    spool.mkdir()
    samples = np.arange(-RATE, RATE, 7, dtype=np.int16)
    (spool / spool_name(RATE, time.time())).write_bytes(samples.astype("<i2").tobytes())  # nobody holds it
    held = RecordingSpool.create(spool, RATE)  # another window, still recording
    try:
        sentence = app.show_recovered_recordings(window, spool, recordings)
        wavs = list(recordings.glob("recovered-*.wav"))
        assert len(wavs) == 1 and np.array_equal(sf.read(wavs[0], dtype="int16")[0], samples)
        assert sentence is not None and str(wavs[0]) in sentence and sentence.count(". ") == 0
        assert window.statusBar().currentMessage() == sentence
        assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
        assert sorted(spool.iterdir()) == [held.path]
    finally:
        held.remove()


def test_nothing_left_behind_says_nothing(window, tmp_path: Path) -> None:
    window.show_status("listening to the sample")
    assert app.show_recovered_recordings(window, tmp_path / "no-spool-yet", tmp_path / "recordings") is None
    assert window.statusBar().currentMessage() == "listening to the sample"
    assert not (tmp_path / "recordings").exists()
