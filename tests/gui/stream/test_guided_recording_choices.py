"""The guided recorder and the window's recorder share one speaker id and one dataset folder: a person's second
guided session (or a clip recorded in Live) goes under the same speaker into the same folder as the first, also
after the window is opened again."""

from __future__ import annotations

from pathlib import Path

from workbench.gui.stream.recording_view import default_recordings_folder
from workbench.gui.window.window_menus import open_guided_recording
from guided_saying import start_saying_yes


def test_the_guided_recorder_starts_from_the_windows_speaker_and_folder(qtbot, window, tmp_path: Path) -> None:
    (tmp_path / "dataset").mkdir()  # chosen in a folder dialog: it exists
    window.source_panel.recording.set_speaker("ada")
    window.source_panel.recording.set_folder(tmp_path / "dataset")
    view = open_guided_recording(window)
    assert view.speaker_edit.text() == "ada"
    assert view.folder == tmp_path / "dataset" and not view.recordings_folder.may_create  # never made again
    view.close()


def test_without_choices_it_starts_from_the_workbench_default_folder(qtbot, window) -> None:
    view = open_guided_recording(window)
    assert view.speaker_edit.text()  # the login name: takes are never left without a speaker
    assert view.folder == default_recordings_folder() and view.recordings_folder.may_create
    view.close()


def test_a_second_guided_session_keeps_the_speaker_and_folder_of_the_first(qtbot, window, mic,
                                                                            tmp_path: Path) -> None:
    folder = tmp_path / "my takes"
    folder.mkdir()
    first = start_saying_yes(qtbot, window, mic, tmp_path, folder, takes=1)  # speaker "ada"
    first.stop()
    first.close()
    second = open_guided_recording(window)
    assert (second.speaker_edit.text(), second.folder) == ("ada", folder)
    assert not second.recordings_folder.may_create
    second.close()
    recording = window.source_panel.recording  # Live's recorder follows, and the next run of the window too
    assert (recording.speaker(), recording.folder()) == ("ada", folder)
    assert window.settings.clip_speaker() == "ada" and window.settings.clips_folder() == folder.resolve()
