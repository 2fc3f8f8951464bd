"""The guided recorder and the window's recorder share one speaker id and one dataset folder: a person's second
guided session (or a clip recorded in Live) goes under the same speaker into the same folder as the first, also
after the window is opened again. While the guided recorder is open it follows the Source panel's speaker and
folder, except during a session (which takes them when it ends)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent

from workbench.gui.stream.guided_recording_view import DONE
from workbench.gui.stream.recording_view import default_recordings_folder, default_speaker
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


def test_the_open_guided_recorder_follows_the_windows_speaker_and_folder(qtbot, window, tmp_path: Path) -> None:
    """They were copied only when it opened: a speaker changed in the Source panel meanwhile recorded as the old."""
    chosen = tmp_path / "dataset"
    chosen.mkdir()
    recording = window.source_panel.recording
    view = open_guided_recording(window)
    recording.speaker_edit.setText("bob")  # typed into the Source panel
    assert view.speaker_edit.text() == "bob"
    recording.speaker_edit.clear()  # no speaker there: the login name, as when it opens (takes always have one)
    assert view.speaker_edit.text() == default_speaker()
    recording._ask_folder = lambda: str(chosen)  # the folder dialog's answer
    recording.folder_button.click()
    assert view.folder == chosen and not view.recordings_folder.may_create  # a folder the user chose: never made
    view.close()  # deleted on close (now, not at the next event loop): the Source panel's next change reaches none
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    recording.speaker_edit.setText("cy")


def test_a_guided_session_keeps_its_speaker_and_folder_until_it_ends(qtbot, window, mic, tmp_path: Path) -> None:
    session_folder, later_folder = tmp_path / "session", tmp_path / "later"
    session_folder.mkdir()
    later_folder.mkdir()
    recording = window.source_panel.recording
    view = start_saying_yes(qtbot, window, mic, tmp_path, session_folder, takes=2)  # speaker "ada"
    recording.speaker_edit.setText("bob")
    recording._ask_folder = lambda: str(later_folder)
    recording.folder_button.click()
    assert (view.speaker_edit.text(), view.folder) == ("ada", session_folder)  # nothing changes under the session
    qtbot.waitUntil(lambda: view.state == DONE, timeout=SESSION_TIMEOUT_MS)
    assert len(view.kept) == 2 and all(path.name.startswith("ada_nohash_") for path in view.kept)
    assert all(path.parent.parent == session_folder for path in view.kept)
    assert (view.speaker_edit.text(), view.folder) == ("bob", later_folder)  # the next session's, once it ended
    assert "session" in view.detail.text()  # the Done page names where the takes went
    with qtbot.waitSignal(view.use_for_training) as used:
        view.train_button.click()
    assert used.args == [session_folder]


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
