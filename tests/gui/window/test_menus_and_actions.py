"""The menus as a keyboard user meets them: each menu's Alt letters are distinct (README's Alt+S, S starts the
stream), the Record action is off exactly when the Source panel's Record button is and says why, and a Help guide
that no desktop program opens says where its file is, and the window's Ctrl shortcuts work from text fields."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from workbench import documentation
from workbench.assets import sample_audio_path
from workbench.core.audio.sources import list_input_devices
from workbench.gui.stream.source_choice import FILE, MICROPHONE, SourceChoice
from workbench.gui.stream.source_panel import NO_INPUT_TIP, RECORD_NEEDS_STREAM_TIP, RECORD_NOT_A_FILE_TIP
from workbench.gui.window.window_menus import GUIDES, RECORD_TIP, guide_not_opened

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from virtmic import running_or_skip  # noqa: E402

STREAM_TIMEOUT_MS = 10_000


def mnemonic(text: str) -> str | None:
    """The letter Alt (or a key in an open menu) reaches an entry by: the one after a single '&'."""
    key = QKeySequence.mnemonic(text)
    return key.toString().lower().removeprefix("alt+") if not key.isEmpty() else None


def menus(window) -> list[tuple[str, QMenu]]:  # type: ignore[no-untyped-def]
    """Every menu of the menu bar and their submenus, filled as when they open."""
    found, todo = [], [("", window.menuBar())]
    while todo:
        path, menu = todo.pop()
        if isinstance(menu, QMenu):
            menu.aboutToShow.emit()  # e.g. Bundled models is filled when it opens
            found.append((path, menu))
        todo += [(f"{path}/{a.text()}", a.menu()) for a in menu.actions() if a.menu() is not None]
    return found


def test_no_two_entries_of_one_menu_share_an_alt_letter(window) -> None:
    bar_letters = [mnemonic(a.text()) for a in window.menuBar().actions()]
    assert len(bar_letters) == len(set(bar_letters)), bar_letters
    checked = 0
    for path, menu in menus(window):
        letters = [(mnemonic(a.text()), a.text()) for a in menu.actions() if not a.isSeparator()]
        used = [letter for letter, _text in letters if letter is not None]
        assert len(used) == len(set(used)), f"{path}: {letters}"
        checked += 1
    assert checked >= 5  # File, Recent files, Bundled models, View, Stream, Help
    stream = next(menu for path, menu in menus(window) if path == "/&Stream")
    by_letter = {mnemonic(a.text()): a for a in stream.actions() if not a.isSeparator()}
    assert by_letter["s"] is window.start_action  # README: Alt+S, S starts and stops the stream


def test_the_record_action_is_off_while_a_file_plays_and_says_why(qtbot, window) -> None:
    controller, panel, action = window.controller, window.source_panel, window.record_action
    assert controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    qtbot.waitUntil(lambda: controller.running and panel.file_source is not None, timeout=STREAM_TIMEOUT_MS)
    assert not panel.record_button.isEnabled()
    assert not action.isEnabled() and action.toolTip() == action.statusTip() == RECORD_NOT_A_FILE_TIP
    window.toggle_recording()  # what Ctrl+R does: nothing, as the button
    assert not controller.session.recording
    controller.stop()
    qtbot.waitUntil(lambda: not panel.streaming, timeout=STREAM_TIMEOUT_MS)
    reason = RECORD_NEEDS_STREAM_TIP if list_input_devices() else NO_INPUT_TIP
    assert not action.isEnabled() and action.toolTip() == panel.record_button.toolTip() == reason


def test_the_record_action_records_the_microphone_as_the_button_does(qtbot, window) -> None:
    with running_or_skip():
        controller, action = window.controller, window.record_action
        window.source_panel.refresh_device_list(rescan=True)
        assert controller.set_source(SourceChoice(MICROPHONE, device="pulse")), window.last_error
        qtbot.waitUntil(lambda: controller.running, timeout=STREAM_TIMEOUT_MS)
        assert action.isEnabled() and action.toolTip() == RECORD_TIP
        action.trigger()
        assert controller.session.recording and window.source_panel.record_button.isChecked()
        assert action.isEnabled()  # pressed again, it stops and saves
        controller.take_recording().release()
        controller.stop()


def test_a_guide_nothing_opens_says_where_its_file_is(qtbot, window) -> None:
    QDesktopServices.unsetUrlHandler("file")  # as on a desktop without a Markdown viewer (and no xdg-open)
    (title, name), action = GUIDES[0], window.guide_actions[0]
    path = documentation.doc_path(name)
    assert path is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))  # nothing opens it
    action.trigger()
    box = window.guide_box
    qtbot.waitUntil(box.isVisible)
    assert box.text() == guide_not_opened(title, path) == f"Nothing on this desktop opens the Training guide; " \
                                                         f"it is the Markdown file {path}."
    assert window.statusBar().currentMessage() == box.text()
    box.accept()


class X11EditingKeys(QObject):
    """What a Qt text field does with Ctrl+E on X11 (its "end of line" binding; offscreen has none): it claims
    the key before any shortcut sees it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_E and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
            event.accept()
            return True
        return False


def test_ctrl_e_exports_the_log_from_a_text_field(qtbot, window, monkeypatch) -> None:
    from workbench.gui import file_dialogs

    asked: list[object] = []
    monkeypatch.setattr(file_dialogs, "choose_export_log", asked.append)
    fields = (window.tuning_panel.rows["detection_threshold"].spin, window.source_panel.recording.speaker_edit)
    x11 = X11EditingKeys(window)
    for field in fields:
        field.installEventFilter(x11)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for field in fields:
        field.setFocus()
        qtbot.waitUntil(lambda f=field: QApplication.focusWidget() is f)
        before = len(asked)
        QTest.keyClick(field, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert asked[before:] == [window], type(field).__name__
