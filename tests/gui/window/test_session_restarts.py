"""What a model switch, a save into the model or a short/paused file does to the stream the window shows."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.audio_file import save_wav
from workbench.core.model.model_file import load_model

RATE = 16000
OTHER_MODEL = default_model_path().parent / "tflite_micro_speech.tflite"
PLAY_MS = 1000
POSITION_TOLERANCE_S = 0.3
NEW_THRESHOLD = 201


def play_in_real_time(qtbot, window, loop: bool) -> None:
    transport = window.source_panel.transport
    transport.realtime_check.setChecked(True)
    transport.loop_check.setChecked(loop)
    assert window.open_audio(sample_audio_path()), window.last_error
    qtbot.wait(PLAY_MS)


def test_a_model_switch_keeps_the_file_options_position_and_pause(qtbot, window) -> None:
    transport = window.source_panel.transport
    play_in_real_time(qtbot, window, loop=True)
    transport.loop_check.setChecked(False)
    assert window.controller.source_choice.loop is False
    assert "(loop)" not in window.status_labels["state"].text()
    transport.toggle_play()  # pause
    position = window.controller.session.source.position_s
    assert position > 0.5
    assert window.open_model(OTHER_MODEL), window.last_error
    qtbot.wait(300)
    source = window.controller.session.source
    assert source.paused and not source.loop and abs(source.position_s - position) < POSITION_TOLERANCE_S
    assert not transport.loop_check.isChecked() and transport.play_button.text() == "Play"
    assert "(loop)" not in window.status_labels["state"].text()
    transport.realtime_check.setChecked(False)  # applies to the next playback: the one the next model reopens
    assert window.open_model(default_model_path()), window.last_error
    assert window.controller.session.source.realtime is False


def test_a_paused_file_is_not_shown_as_listening(qtbot, window) -> None:
    transport = window.source_panel.transport
    play_in_real_time(qtbot, window, loop=True)
    assert "●" in window.status_labels["state"].text()
    transport.toggle_play()
    qtbot.wait(100)
    assert "○" in window.status_labels["state"].text() and window.log.flash_label.text() == "not listening"
    assert window.open_model(OTHER_MODEL), window.last_error  # reopened paused: still not listening
    qtbot.wait(100)
    assert "○" in window.status_labels["state"].text() and window.log.flash_label.text() == "not listening"
    transport.toggle_play()
    qtbot.wait(100)
    assert "●" in window.status_labels["state"].text() and window.log.flash_label.text() != "not listening"


def test_a_file_shorter_than_a_frame_says_it_finished(qtbot, window, tmp_path: Path) -> None:
    short = tmp_path / "short.wav"
    save_wav(short, (np.sin(np.arange(RATE // 10)) * 1000).astype(np.int16), RATE)
    window.source_panel.transport.realtime_check.setChecked(False)
    assert window.open_audio(short), window.last_error
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "finished playing file short.wav", timeout=3000)
    assert not window.controller.running and "○" in window.status_labels["state"].text()


def test_saving_into_the_models_own_file_makes_its_values_the_models(qtbot, window, tmp_path: Path) -> None:
    own = tmp_path / "mine.tflite"
    shutil.copy(default_model_path(), own)
    assert window.open_model(own), window.last_error
    tuning = window.controller.tuning
    tuning.set(detection_threshold=NEW_THRESHOLD)
    assert tuning.is_modified and window.tuning_panel.reset_button.isEnabled()
    assert window.save_parameters(own), window.last_error
    assert load_model(own).params["detection_threshold"] == NEW_THRESHOLD
    assert tuning.model_defaults.detection_threshold == NEW_THRESHOLD and not tuning.is_modified
    assert not window.tuning_panel.reset_button.isEnabled()
    assert window.model_view.parameters_shown()["Detection"]["detection_threshold"] == str(NEW_THRESHOLD)
    tuning.reset_to_model()
    assert tuning.settings.detection_threshold == NEW_THRESHOLD
