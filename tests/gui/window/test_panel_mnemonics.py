"""A side panel shown beside another workspace leaves its Alt letters to the workspace's own buttons.

The audit: with the Source panel shown in Calibration (View menu), Alt+R only moved the focus between Refresh and
Run calibration and ran nothing; with Detections shown in Board, Alt+C did not cancel a board task (Clear has the
letter too). Back in Live, the panels' letters work again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton

from workbench.gui.window.panel_mnemonics import alt_letter


def _count(signal) -> list[object]:  # type: ignore[no-untyped-def]
    seen: list[object] = []
    signal.connect(lambda *args: seen.append(args))
    return seen


def _show_beside(window, qtbot, workspace: str, dock: str) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.show_workspace(workspace)
    window.docks[dock].setVisible(True)
    qtbot.waitUntil(window.docks[dock].isVisible, timeout=2000)


CASES: list[tuple[str, str, Qt.Key, Callable]] = [
    ("calibration", "Source", Qt.Key.Key_R, lambda window: window.calibration.run_button),
    ("board", "Detections", Qt.Key.Key_C, lambda window: window.board.cancel_button),
    ("calibration", "Tuning", Qt.Key.Key_M, lambda window: window.calibration.save_model_button),
]


@pytest.mark.parametrize(("workspace", "dock", "letter", "button_of"), CASES, ids=[f"{c[1]}-in-{c[0]}" for c in CASES])
def test_the_workspaces_alt_letter_presses_its_button_with_a_panel_shown(window, qtbot, workspace: str, dock: str,
                                                                       letter: Qt.Key, button_of: Callable) -> None:
    _show_beside(window, qtbot, workspace, dock)
    button: QAbstractButton = button_of(window)
    button.setEnabled(True)  # Cancel while a task runs, Save … into model with a set selected
    button.clicked.disconnect()  # what the button does is not this test's: that the letter presses it
    panel_buttons = [b for b in window.docks[dock].widget().findChildren(QAbstractButton)
                     if b.isVisible() and alt_letter(b) == alt_letter(button)]
    assert panel_buttons, f"the {dock} panel has no button with {alt_letter(button)} any more: the case is moot"
    clicks = _count(button.clicked)
    QTest.keyClick(window, letter, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(clicks) == 1, timeout=2000)


def test_the_panels_letters_work_again_in_live(window, qtbot) -> None:
    _show_beside(window, qtbot, "calibration", "Source")
    window.show_workspace("live")
    refresh = window.source_panel.refresh_button
    assert refresh.isVisible() and alt_letter(refresh) == "Alt+R"
    clicks = _count(refresh.clicked)
    QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(clicks) == 1, timeout=2000)
