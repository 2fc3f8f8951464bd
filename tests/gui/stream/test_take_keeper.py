"""Takes that cannot be saved are all kept (not just the last), under one message box whose Save as…/Discard
act on every one of them, and are rescued when the guided dialog or the window closes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtWidgets import QWidget

from workbench.gui.stream.guided_recording_view import IDLE
from workbench.gui.stream.take_keeper import Take, TakeKeeper
from workbench.gui.window.window_menus import open_guided_recording
from guided_saying import start_saying_yes, visible_boxes

RATE = 16000


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A dataset folder that cannot be written: a file stands where the folder should be."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    return blocker


@pytest.fixture
def recordings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default recordings folder (the rescue target), moved into the test's tmp folder."""
    from workbench.gui.stream.recording_view import default_recordings_folder

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = default_recordings_folder()
    assert folder.is_relative_to(tmp_path)
    return folder


def take(value: int) -> Take:
    return Take(np.full(RATE // 2, value, np.int16), RATE)


def test_every_failed_take_is_kept_under_one_box_and_save_as_saves_them_all(qtbot, blocked, tmp_path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    keeper = TakeKeeper(parent)
    first, second = take(1), take(2)
    assert not keeper.save(first, blocked / "yes" / "ada_nohash_yes_1.wav")
    assert not keeper.save(second, blocked / "no" / "ada_nohash_no_2.wav")
    assert [t is k for t, k in zip(keeper.unsaved, (first, second))] == [True, True]
    boxes = visible_boxes(parent)
    assert len(boxes) == 1 and "All 2 unsaved takes are kept" in boxes[0].text()
    target = tmp_path / "elsewhere"
    target.mkdir()
    keeper._ask_path = lambda count: str(target) if count == 2 else ""
    boxes[0].buttons()[0].click()  # "Save as…"
    assert keeper.unsaved == [] and not visible_boxes(parent)
    for path, value in ((target / "yes" / "ada_nohash_yes_1.wav", 1), (target / "no" / "ada_nohash_no_2.wav", 2)):
        samples, rate = sf.read(path, dtype="int16")
        assert rate == RATE and np.all(samples == value)


def test_cancelled_save_as_keeps_the_box_and_discard_drops_them_all(qtbot, blocked) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    keeper = TakeKeeper(parent)
    for n in range(3):
        keeper.save(take(n), blocked / f"clip{n}.wav")
    keeper._ask_path = lambda count: ""  # the file dialog is cancelled
    visible_boxes(parent)[0].buttons()[0].click()
    assert len(keeper.unsaved) == 3
    boxes = visible_boxes(parent)
    assert len(boxes) == 1 and "3 recordings not saved yet" in boxes[0].text()
    boxes[0].buttons()[1].click()  # "Discard"
    assert keeper.unsaved == []


def test_rescue_writes_every_kept_take_without_overwriting(qtbot, blocked, tmp_path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    keeper = TakeKeeper(parent)
    keeper.save(take(1), blocked / "yes" / "clip.wav")
    keeper.save(take(2), blocked / "no" / "clip.wav")  # the same name in another word folder
    written = keeper.rescue(tmp_path / "rescue")
    assert written == [tmp_path / "rescue" / "unsaved-clip.wav", tmp_path / "rescue" / "unsaved-clip-2.wav"]
    assert [int(sf.read(path, dtype="int16")[0][0]) for path in written] == [1, 2] and keeper.unsaved == []


def test_the_window_rescues_its_unsaved_takes_when_it_closes(qtbot, window, blocked, recordings) -> None:
    window.takes.save(take(5), blocked / "yes" / "yes_1.wav")
    window.takes.save(take(6), blocked / "yes" / "yes_2.wav")
    window.close()
    assert sorted(p.name for p in recordings.iterdir()) == ["unsaved-yes_1.wav", "unsaved-yes_2.wav"]


def test_a_guided_session_stops_at_the_first_take_it_cannot_save(qtbot, window, mic, blocked, recordings,
                                                                  tmp_path) -> None:
    view = start_saying_yes(qtbot, window, mic, tmp_path, blocked, takes=3)
    qtbot.waitUntil(lambda: view.state == IDLE, timeout=60_000)
    assert len(view.keeper.unsaved) == 1 and view.last_verdict is not None and view.last_verdict.ok
    assert "could not be saved, so the session stopped" in view.result.text()
    assert not view._timer.isActive() and view.start_button.isEnabled()
    assert len(visible_boxes(view)) == 1  # one message, not one per take
    kept = view.keeper.unsaved[0]
    view.close()  # the unsaved take is rescued, not dropped with the dialog
    rescued = list(recordings.glob("unsaved-ada_nohash_yes_*.wav"))
    assert len(rescued) == 1 and window.takes.unsaved == []
    samples, rate = sf.read(rescued[0], dtype="int16")
    assert rate == kept.sample_rate and np.array_equal(samples, kept.samples)


def test_a_take_the_guided_dialog_cannot_rescue_goes_to_the_window(qtbot, window, blocked, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(blocked / "data"))  # the recordings folder cannot be made either
    view = open_guided_recording(window)
    kept = take(9)
    view.keeper.save(kept, blocked / "yes" / "clip.wav")
    view.close()
    assert len(window.takes.unsaved) == 1 and window.takes.unsaved[0] is kept
    boxes = visible_boxes(window)
    assert len(boxes) == 1 and [b.text() for b in boxes[0].buttons()] == ["Save as…", "Discard"]
