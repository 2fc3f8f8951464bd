"""A guided session in which a person says "yes" into the virtual microphone, and the message boxes it shows:
shared by the tests of takes that cannot be saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.gui.stream.guided_recording_view import GuidedRecordingView, GuidedTiming
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice
from workbench.gui.window.window_menus import open_guided_recording
from word_clip import word_clip

SPOKEN = GuidedTiming(countdown_steps=2, step_ms=30, record_ms=2200, review_ms=30)  # room for the word's latency
WORD_AMPLITUDE = 0.4


def visible_boxes(parent: QWidget) -> list[QMessageBox]:
    return [box for box in parent.findChildren(QMessageBox) if box.isVisible()]


def start_saying_yes(qtbot, window, mic, tmp_path: Path, folder: Path,  # type: ignore[no-untyped-def]
                     takes: int, words: str = "yes") -> GuidedRecordingView:
    """Start a guided session of ``takes`` "yes" takes by speaker "ada" into ``folder``, from the microphone (the
    prompts say ``words``: the take checks judge the sound, not the word)."""
    assert window.controller.set_source(SourceChoice(MICROPHONE, device="pulse")), window.last_error
    qtbot.waitUntil(lambda: window.controller.running, timeout=10_000)
    view = open_guided_recording(window)
    view.timing = SPOKEN
    said = word_clip(tmp_path, "yes", WORD_AMPLITUDE)
    view.recording_started.connect(lambda *_take: mic.play(said, wait=False))  # a person says the word
    view.words_edit.setText(words)
    view.takes_spin.setValue(takes)
    view.speaker_edit.setText("ada")
    view.set_folder(folder)
    assert view.start()
    return view
