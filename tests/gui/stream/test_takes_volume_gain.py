"""Takes from the microphone are saved as the model heard them, after its volume_gain, as the board's audio dump is
(MLTK's ``dump_audio`` reads the buffer its volume scaler already multiplied); training, ``kws detect`` and the Live
view then play them at gain 1 and the model hears them at their live level. The gain wraps a sample it pushes beyond
int16 around, so a too-loud take reads about -0 dBFS with hardly a sample at full scale.

The audit: a word peaking at 0.55 of full scale, said into the (PulseAudio virtual) microphone with the bundled
model's volume_gain 2, was kept by the guided recorder ("kept: ... peak -0 dBFS") and saved wrapped into the
dataset, and the Record button saved it without a word.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.core.audio.source_base import firmware_gain_factor
from workbench.gui.stream.guided_recording_view import DONE, GuidedRecordingView, GuidedTiming
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice
from word_clip import word_clip

FAST = GuidedTiming(countdown_steps=2, step_ms=30, record_ms=2200, review_ms=30)
# of full scale at the microphone: beyond int16 once multiplied by 2, yet hardly a wrapped sample lands at full scale
WRAPPED_AMPLITUDE = 0.55
GOOD_AMPLITUDE = 0.4  # within int16 after the gain
STREAM_MS = 10_000


def microphone_stream(qtbot, window) -> int:
    """Stream the virtual microphone in ``window``; the integer gain the board applies to it (asserted > 1)."""
    assert window.controller.set_source(SourceChoice(MICROPHONE, device="pulse")), window.last_error
    session = window.controller.session
    qtbot.waitUntil(lambda: session.spectrogram.total > 10, timeout=STREAM_MS)
    factor = firmware_gain_factor(window.controller.settings.volume_gain)
    assert factor == 2, "the bundled model's volume_gain changed: pick amplitudes that it wraps and keeps"
    return factor


def test_a_guided_take_the_volume_gain_wrapped_is_said_again_and_a_kept_one_is_the_level_the_model_heard(
        qtbot, window, mic, tmp_path: Path) -> None:
    factor = microphone_stream(qtbot, window)
    loud, good = word_clip(tmp_path, "loud", WRAPPED_AMPLITUDE), word_clip(tmp_path, "good", GOOD_AMPLITUDE)
    script = [loud, good]
    view = GuidedRecordingView(window.controller, timing=FAST)
    qtbot.addWidget(view)
    view.words_edit.setText("yes")
    view.takes_spin.setValue(1)
    view.speaker_edit.setText("ada")
    (tmp_path / "dataset").mkdir()  # chosen in a folder dialog: it exists
    view.set_folder(tmp_path / "dataset")
    verdicts = []
    view.take_judged.connect(verdicts.append)
    view.recording_started.connect(lambda *_take: mic.play(script[min(len(verdicts), 1)], wait=False))
    with qtbot.waitSignal(view.finished, timeout=60_000):
        assert view.start()
    assert view.state == DONE, view.result.text()
    assert not verdicts[0].ok and "volume gain" in verdicts[0].reason, verdicts[0].reason
    assert verdicts[1].ok and len(verdicts) == 2, [v.reason for v in verdicts]
    (kept,) = (tmp_path / "dataset" / "yes").glob("*.wav")
    samples, _ = sf.read(kept, dtype="int16")
    said = sf.read(good, dtype="int16")[0]
    # what the model heard: twice the spoken level, so a replay at gain 1 reaches the model as the word did live
    ratio = np.abs(samples.astype(np.int32)).max() / np.abs(said.astype(np.int32)).max()
    assert abs(ratio - factor) < 0.1 * factor, ratio


def test_the_record_button_says_when_the_volume_gain_wrapped_the_take(qtbot, window, mic, tmp_path: Path) -> None:
    microphone_stream(qtbot, window)
    panel = window.source_panel
    (tmp_path / "dataset").mkdir()
    panel.recording.set_folder(tmp_path / "dataset")
    panel.recording.set_label("yes")
    panel.record_button.click()
    mic.play(word_clip(tmp_path, "loud", WRAPPED_AMPLITUDE))  # blocks while it plays
    panel.record_button.click()
    assert len(list((tmp_path / "dataset" / "yes").glob("*.wav"))) == 1  # saved all the same: never lost
    status = window.statusBar().currentMessage()
    assert status.startswith("saved ") and "too loud" in status and "volume gain" in status, status
