"""Tab goes through the Profile and Board workspaces in reading order.

The audit: in Profile, Tab went from the layer table up to the summary, down to Export, Accelerator and Clock at the
bottom, and back up to the layer details and the chart's tabs (and the layer diagram came after the Clock). In
Board, each results tab was reached after its own page (its buttons and table first), the measurement's Save and
Export buttons above the table after the table, and the console's Save… before the Clear left of it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QTabWidget, QWidget


def _tab_walk(window, qtbot, first: QWidget, steps: int) -> list[QWidget]:  # type: ignore[no-untyped-def]
    """``first`` and the widgets Tab gives the focus to next, ``steps`` times."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    first.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=2000)
    walked = [first]
    for _ in range(steps):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget())
    return walked


def _names(widgets: list[QWidget]) -> list[str]:
    return [f"{type(w).__name__} {w.accessibleName() or getattr(w, 'text', lambda: '')()}".strip() for w in widgets]


def test_profile_tab_order_reads_top_down_then_the_bottom_row(window, qtbot) -> None:
    window.show_workspace("profile")
    profile = window.profile_view
    tabs = profile.findChild(QTabWidget)
    tabs.setCurrentIndex(tabs.count() - 1)  # the layer diagram, a Tab stop of its own
    diagram = next(w for w in tabs.findChildren(QScrollArea) if w.accessibleName() == "Layer diagram")
    expected = [profile.headline.summary_label, profile.table, profile.details_scroll, profile.details_label,
                tabs.tabBar(), diagram, profile.export_button, profile.accelerator_box, profile.clock_box]
    if profile.netron_button.isEnabled():
        expected.append(profile.netron_button)
    walked = _tab_walk(window, qtbot, expected[0], len(expected) - 1)
    assert _names(walked) == _names(expected)
    assert walked == expected


def test_board_results_tabs_come_before_their_pages_in_reading_order(window, qtbot) -> None:
    window.show_workspace("board")
    board = window.board
    measured, console = board.measured, board.console
    for button in (measured.save_button, measured.export_button):
        button.setEnabled(True)  # as once the board measured a profile
    expected = [board.tabs.tabBar(), measured.save_button, measured.export_button, measured.table]
    walked = _tab_walk(window, qtbot, board.tabs.tabBar(), len(expected) - 1)
    assert _names(walked) == _names(expected)
    board.tabs.setCurrentWidget(console)
    expected = [board.tabs.tabBar(), console.text, console.clear_button, console.save_button]
    walked = _tab_walk(window, qtbot, board.tabs.tabBar(), len(expected) - 1)
    assert _names(walked) == _names(expected)
