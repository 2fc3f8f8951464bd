"""Recording dataset clips from a real (PulseAudio virtual) microphone, and never losing a take."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.assets import sample_audio_path
from workbench.core.audio.audio_file import save_wav
from workbench.gui.stream.recording_view import safe_label, unique_clip_path
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice
from workbench.gui.stream.take_keeper import Take

RATE = 16000


def stream_from_pulse(qtbot, window) -> None:
    assert window.controller.set_source(SourceChoice(MICROPHONE, device="pulse")), window.last_error
    session = window.controller.session
    qtbot.waitUntil(lambda: session.spectrogram.total > 10, timeout=10_000)


def test_label_names_and_unique_paths(tmp_path: Path) -> None:
    assert safe_label(" no / yes ") == "no_yes" and safe_label("") == "clip" and safe_label("__") == "clip"
    assert safe_label("_silence_") == "_silence_"  # the dataset layout's own name for the class
    first = unique_clip_path(tmp_path, "yes", when=0.0)
    first.parent.mkdir(parents=True)
    first.write_bytes(b"taken")
    second = unique_clip_path(tmp_path, "yes", when=0.0)
    assert first.parent == second.parent == tmp_path / "yes" and second != first and second.stem.endswith("-2")


def test_a_speaker_name_keeps_the_takes_in_one_split(tmp_path: Path) -> None:
    from workbench.datasets.layout import scan_dataset

    for n, label in enumerate(("yes", "no", "yes", "_silence_")):
        path = unique_clip_path(tmp_path, label, when=float(n), speaker="Ada Lovelace")
        assert path.name.startswith("Ada_Lovelace_nohash_")
        path.parent.mkdir(parents=True, exist_ok=True)
        save_wav(path, np.zeros(16000, np.int16), 16000)
    index = scan_dataset(tmp_path)
    assert {clip.speaker for clip in index.clips} == {"Ada_Lovelace"}
    assert len({clip.split for clip in index.clips}) == 1
    assert sorted(index.words()) == ["_silence_", "no", "yes"]


def test_a_take_goes_into_the_dataset_folder_under_its_label(qtbot, window, mic, tmp_path: Path) -> None:
    panel = window.source_panel
    view = panel.recording
    assert [view.label_combo.itemText(i) for i in range(view.label_combo.count())] == \
        list(window.controller.model.classes)  # the label list follows the model
    (tmp_path / "dataset").mkdir()  # chosen in a folder dialog: it exists
    view._ask_folder = lambda: str(tmp_path / "dataset")
    view.choose_folder()
    view.set_label("yes")
    stream_from_pulse(qtbot, window)
    panel.record_button.click()
    assert window.controller.session.recording
    mic.play(sample_audio_path())  # 4.5 s, blocks while it plays
    panel.record_button.click()
    clips = list((tmp_path / "dataset" / "yes").glob("yes_*.wav"))
    assert len(clips) == 1, clips
    samples, rate = sf.read(clips[0], dtype="int16")
    assert rate == RATE and samples.ndim == 1
    assert 4.0 < samples.size / RATE < 8.0
    assert np.abs(samples).max() > 1000  # the words are in it, not silence
    assert "saved" in window.statusBar().currentMessage()
    # remembered for the next run
    assert window.settings.clips_folder() == tmp_path / "dataset" and window.settings.clip_label() == "yes"


def test_a_take_never_replaces_a_clip_saved_under_its_name_meanwhile(qtbot, window, mic, tmp_path: Path) -> None:
    """The name is chosen before the take is written: another window recording the same word in the same second
    (or any file put there meanwhile) keeps its clip, and the take goes to ``-2`` (the status line says where)."""
    panel = window.source_panel
    view = panel.recording
    (tmp_path / "dataset" / "yes").mkdir(parents=True)
    view._ask_folder = lambda: str(tmp_path / "dataset")
    view.choose_folder()
    view.set_label("yes")
    taken = tmp_path / "dataset" / "yes" / "yes_20261206-120000.wav"
    view.clip_path = lambda when=None: taken  # as if chosen just before the other window's clip appeared
    stream_from_pulse(qtbot, window)
    panel.record_button.click()
    mic.play(sample_audio_path())
    save_wav(taken, np.full(RATE, 7, np.int16), RATE)  # the other window's clip, saved while this one records
    panel.record_button.click()
    assert sf.read(taken, dtype="int16")[0].tolist() == [7] * RATE
    again = taken.with_name("yes_20261206-120000-2.wav")
    samples, rate = sf.read(again, dtype="int16")
    assert rate == RATE and 4.0 < samples.size / RATE < 8.0
    assert str(again) in window.statusBar().currentMessage()


def test_a_take_that_cannot_be_saved_is_kept_until_saved_elsewhere(qtbot, window, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    take = Take(np.arange(RATE, dtype=np.int16), RATE)
    assert not window.takes.save(take, blocker / "yes" / "yes_1.wav")
    assert len(window.takes.unsaved) == 1 and window.takes.unsaved[0] is take
    assert "Could not save the 1.0 s recording" in window.last_error and "kept" in window.last_error
    box = window.takes.message_box
    assert box is not None and box.isVisible()
    assert [b.text() for b in box.buttons()] == ["Save as…", "Discard"]
    target = tmp_path / "elsewhere.wav"
    window.takes._ask_path = lambda count: str(target)
    box.buttons()[0].click()  # "Save as…"
    assert window.takes.unsaved == []
    samples, rate = sf.read(target, dtype="int16")
    assert rate == RATE and np.array_equal(samples, take.samples)


def test_an_unsaved_take_is_rescued_when_the_window_closes(qtbot, window, tmp_path: Path) -> None:
    take = Take(np.full(800, 7, np.int16), RATE)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    window.takes.save(take, blocker / "clip.wav")
    rescued = window.takes.rescue(tmp_path / "rescue")
    assert rescued == [tmp_path / "rescue" / "unsaved-clip.wav"] and window.takes.unsaved == []
    assert np.array_equal(sf.read(rescued[0], dtype="int16")[0], take.samples)
