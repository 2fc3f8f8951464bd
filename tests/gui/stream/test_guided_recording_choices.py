"""The guided recorder and the window's recorder share one speaker id and one dataset folder: a person's second
guided session (or a clip recorded in Live) goes under the same speaker into the same folder as the first, also
after the window is opened again."""

from __future__ import annotations

from pathlib import Path

from workbench.gui.stream.guided_recording_view import DONE
from workbench.gui.stream.recording_view import default_recordings_folder
from workbench.gui.window.window_menus import open_guided_recording
from guided_saying import start_saying_yes

SMALL_SCREEN_WIDTH_PX = 1280  # the narrowest screen the window is made for (1280x720)
SESSION_TIMEOUT_MS = 60_000


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


def test_a_long_dataset_folder_leaves_the_recorder_on_a_small_screen_at_a_large_font(  # type: ignore[no-untyped-def]
        large_font, qtbot, window, mic, tmp_path: Path) -> None:
    """The folder now comes from the window's recorder, a folder the user chose anywhere: shown whole on one line,
    a 130-character path made the recorder 1712 px wide at 16 pt, its Folder… button off a 1280 px screen."""
    folder = tmp_path / "keyword recordings of the second week of the project" / "sessions at home" / "my takes"
    folder.mkdir(parents=True)
    view = start_saying_yes(qtbot, window, mic, tmp_path, folder, takes=1)
    assert view.minimumSizeHint().width() <= SMALL_SCREEN_WIDTH_PX
    assert view.folder_label.text().endswith("my takes") and view.folder_label.toolTip() == str(folder)
    qtbot.waitUntil(lambda: view.state == DONE, timeout=SESSION_TIMEOUT_MS)
    assert view.kept and view.minimumSizeHint().width() <= SMALL_SCREEN_WIDTH_PX  # the Done page says where too
    assert "my takes" in view.detail.text()
    view.close()
