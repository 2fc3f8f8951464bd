"""The guided recording dialog with the keyboard: Enter in a field presses Start (it pressed "Folder…", the first
button Qt found), or nothing while Start is off; every button has an Alt letter of its own; a screen reader names
the list of kept takes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from tests.gui.spoken import spoken_name
from workbench.assets import default_model_path
from workbench.gui.session_controller import SessionController
from workbench.gui.stream.guided_recording_view import COUNTDOWN, IDLE, GuidedRecordingView, GuidedTiming
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice

SLOW = GuidedTiming(countdown_steps=3, step_ms=60_000)  # the session stays in its countdown while the test looks


def shown_view(qtbot, controller: SessionController) -> GuidedRecordingView:  # type: ignore[no-untyped-def]
    view = GuidedRecordingView(controller, timing=SLOW)
    qtbot.addWidget(view)
    asked: list[str] = []
    view._ask_folder = lambda: asked.append("asked") or ""  # type: ignore[method-assign]
    view.asked = asked  # type: ignore[attr-defined]
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    return view


def press_enter_in(qtbot, view: GuidedRecordingView) -> None:  # type: ignore[no-untyped-def]
    view.words_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.words_edit)
    QTest.keyClick(view.words_edit, Qt.Key.Key_Return)


def test_enter_in_a_field_presses_no_button_while_start_is_off(qtbot) -> None:  # type: ignore[no-untyped-def]
    control = SessionController()  # no microphone stream: Start is off and says why
    assert control.load_model(default_model_path())
    view = shown_view(qtbot, control)
    assert not view.start_button.isEnabled()
    press_enter_in(qtbot, view)
    assert view.asked == [] and view.state == IDLE  # the folder dialog was not opened
    buttons = view.findChildren(QPushButton)
    assert [button for button in buttons if button.autoDefault()] == [view.start_button]
    assert view.start_button.isDefault()
    letters = [QKeySequence.mnemonic(button.text()).toString() for button in
               (view.start_button, view.retake_button, view.skip_button, view.stop_button)]
    assert "" not in letters and len(set(letters)) == len(letters)
    assert spoken_name(view.saved_list) == "Takes kept"
    control.close()


def test_enter_in_a_field_presses_start(qtbot, mic) -> None:  # type: ignore[no-untyped-def]
    control = SessionController()
    assert control.load_model(default_model_path())
    assert control.set_source(SourceChoice(MICROPHONE, device="pulse"))
    view = shown_view(qtbot, control)
    view.words_edit.setText("yes")
    assert view.start_button.isEnabled()
    view.start_button.setFocus()  # a button that had the focus and lost it leaves Start the default
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.start_button)
    press_enter_in(qtbot, view)
    assert view.state == COUNTDOWN and view.asked == []
    view.stop()
    control.close()
