"""A take is never lost: not when the stream restarts under it, not when its label is too long for a file name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.audio_file import save_wav
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice
from workbench.gui.stream.recording_view import unique_clip_path

RATE = 16000
OTHER_MODEL = default_model_path().parent / "tflite_micro_speech.tflite"
RECORD_MS = 1200
LONG_LABELS = ("a" * 300, "是" * 90)  # 300 and 270 bytes: more than a file name may hold


def stream_from_pulse(qtbot, window) -> None:
    assert window.controller.set_source(SourceChoice(MICROPHONE, device="pulse")), window.last_error
    session = window.controller.session
    qtbot.waitUntil(lambda: session.spectrogram.total > 10, timeout=10_000)


def clips(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.wav"))


@pytest.mark.parametrize("restart", ["open a model", "open an audio file", "use the microphone again"])
def test_a_take_is_saved_when_the_stream_restarts_while_recording(qtbot, window, mic, tmp_path: Path,
                                                                   restart: str) -> None:
    panel = window.source_panel
    (tmp_path / "dataset").mkdir()  # chosen in a folder dialog: it exists
    panel.recording.set_folder(tmp_path / "dataset")
    panel.recording.set_label("yes")
    stream_from_pulse(qtbot, window)
    panel.record_button.click()
    mic.play(sample_audio_path(), wait=False)
    qtbot.wait(RECORD_MS)
    assert window.controller.session.recording
    if restart == "open a model":
        assert window.open_model(OTHER_MODEL), window.last_error
    elif restart == "open an audio file":
        assert window.open_audio(sample_audio_path()), window.last_error
    else:
        assert window.controller.set_source(SourceChoice(MICROPHONE, device="pulse")), window.last_error
    saved = clips(tmp_path / "dataset")
    assert [path.parent.name for path in saved] == ["yes"], saved
    samples, rate = sf.read(saved[0], dtype="int16")
    assert rate == RATE and samples.size / RATE > RECORD_MS / 1000 / 2
    assert not window.takes.unsaved and not panel.record_button.isChecked()
    qtbot.waitUntil(lambda: str(saved[0]) in window.statusBar().currentMessage(), timeout=2000)


@pytest.mark.parametrize("label", LONG_LABELS)
def test_a_long_label_and_speaker_still_make_a_file_name(tmp_path: Path, label: str) -> None:
    path = unique_clip_path(tmp_path, label, when=0.0, speaker=label)
    path.parent.mkdir(parents=True)
    save_wav(path, np.zeros(RATE, np.int16), RATE)
    again = unique_clip_path(tmp_path, label, when=0.0, speaker=label)
    assert again != path and again.parent == path.parent and again.stem.endswith("-2")
    assert path.parent.name.startswith(label[:10]) and "_nohash_" in path.name


def test_a_very_long_label_records_into_the_dataset(qtbot, window, mic, tmp_path: Path) -> None:
    panel = window.source_panel
    (tmp_path / "dataset").mkdir()  # chosen in a folder dialog: it exists
    panel.recording.set_folder(tmp_path / "dataset")
    panel.recording.label_combo.setCurrentText(LONG_LABELS[0])
    stream_from_pulse(qtbot, window)
    panel.record_button.click()
    qtbot.wait(RECORD_MS)
    panel.record_button.click()
    saved = clips(tmp_path / "dataset")
    assert len(saved) == 1 and saved[0].parent.name.startswith("a" * 100)
    assert "saved" in window.statusBar().currentMessage() and not window.takes.unsaved


def test_a_folder_that_cannot_be_looked_at_keeps_the_take(qtbot, window, mic, tmp_path: Path) -> None:
    panel = window.source_panel
    panel.recording.set_folder(tmp_path / ("b" * 300))  # stat() itself fails: ENAMETOOLONG
    panel.recording.set_label("yes")
    stream_from_pulse(qtbot, window)
    panel.record_button.click()
    qtbot.wait(RECORD_MS)
    panel.record_button.click()
    assert len(window.takes.unsaved) == 1 and window.takes.unsaved[0].seconds > RECORD_MS / 1000 / 2
    assert "kept" in window.last_error
    assert not window.controller.session.recording and not panel.record_button.isChecked()
    window.takes.discard_unsaved()
