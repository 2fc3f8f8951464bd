"""A recordings folder the user chose that is gone (moved, or on a drive that is not mounted) is never made again at
its old path, where nobody would look: the take is kept under the one Save as…/Discard box, which says the folder is
missing. The workbench's own default folder is still made when it is missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.assets import sample_audio_path
from workbench.gui.stream.guided_recording_view import DONE, IDLE
from workbench.gui.stream.recording_view import default_recordings_folder
from workbench.gui.stream.source_choice import FILE, SourceChoice
from guided_saying import start_saying_yes, visible_boxes

RECORDED_S = 0.5


@pytest.fixture
def mount_point(tmp_path: Path) -> Path:
    """Where a USB drive was mounted: the empty folder an unmounted drive leaves, on the system disk."""
    folder = tmp_path / "media" / "usb"
    folder.mkdir(parents=True)
    return folder


def missing_sentence(folder: Path) -> str:
    return f"the recordings folder {folder} is missing (moved, or its drive is not mounted)"


def record_a_take(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Record from the looping sample, as the record button does, and stop: the take is saved or kept."""
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    window.source_panel.record_toggled.emit(True)
    qtbot.waitUntil(lambda: window.controller.session.recorded_seconds > RECORDED_S, timeout=10_000)
    window.source_panel.record_toggled.emit(False)


def test_a_take_for_a_chosen_folder_that_is_gone_is_kept_and_the_folder_not_made_again(
        qtbot, window, user_data: Path, mount_point: Path, tmp_path: Path) -> None:
    takes = mount_point / "takes"  # chosen while the drive was mounted
    window.source_panel.recording.set_folder(takes)
    window.source_panel.recording.set_label("yes")
    record_a_take(qtbot, window)
    assert list(mount_point.iterdir()) == []  # nothing written at the old path
    assert len(window.takes.unsaved) == 1 and missing_sentence(takes) in window.last_error
    boxes = visible_boxes(window)
    assert len(boxes) == 1 and [b.text() for b in boxes[0].buttons()] == ["Save as…", "Discard"]
    assert missing_sentence(takes) in boxes[0].text() and "The take is kept" in boxes[0].text()
    assert len(list((user_data / "kws-workbench" / "recording-spool").glob("*.pcm"))) == 1  # a crash loses nothing
    kept = window.takes.unsaved[0]
    target = tmp_path / "elsewhere.wav"
    window.takes._ask_path = lambda count: str(target)
    boxes[0].buttons()[0].click()  # "Save as…"
    assert window.takes.unsaved == [] and np.array_equal(sf.read(target, dtype="int16")[0], kept.samples)


def test_the_word_folder_is_made_inside_a_chosen_folder_that_is_there(qtbot, window, mount_point: Path) -> None:
    takes = mount_point / "takes"
    takes.mkdir()
    window.source_panel.recording.set_folder(takes)
    window.source_panel.recording.set_label("yes")
    record_a_take(qtbot, window)
    assert window.takes.unsaved == [] and [p.parent for p in takes.rglob("*.wav")] == [takes / "yes"]


def test_the_workbench_default_recordings_folder_is_made_when_missing(qtbot, window, user_data: Path) -> None:
    default = default_recordings_folder()
    assert default.is_relative_to(user_data) and not default.exists()
    window.source_panel.recording.set_label("yes")
    record_a_take(qtbot, window)
    assert window.takes.unsaved == [] and [p.parent for p in default.rglob("*.wav")] == [default / "yes"]


def test_a_guided_session_into_a_chosen_folder_that_is_gone_stops_and_makes_nothing(
        qtbot, window, mic, mount_point: Path, tmp_path: Path) -> None:
    view = start_saying_yes(qtbot, window, mic, tmp_path, mount_point / "takes", takes=2)
    qtbot.waitUntil(lambda: view.state in (IDLE, DONE), timeout=60_000)
    assert view.state == IDLE and len(view.keeper.unsaved) == 1
    assert "could not be saved, so the session stopped" in view.result.text()
    assert list(mount_point.iterdir()) == []
    boxes = visible_boxes(view)
    assert len(boxes) == 1 and missing_sentence(mount_point / "takes") in boxes[0].text()
    view.keeper.discard_unsaved()
