"""Small screens: the first window fits the screen, tall workspaces scroll instead of making the window
taller than a 1280x720 screen, and a scrolled column follows the keyboard focus down to its last control."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from workbench.gui.widgets.small_screen import FRAME_ALLOWANCE_PX, ScrollColumn, first_window_size

MAX_WINDOW_MIN_HEIGHT_PX = 600  # a 1280x720 screen less a title bar and a desktop panel
SHORT_WINDOW_WIDTH = 1280
MAX_TABS = 40


def test_first_window_size_is_the_default_where_it_fits_and_the_screen_where_not() -> None:
    assert first_window_size((1600, 960), QRect(0, 0, 2560, 1440)) == QSize(1600, 960)
    small = first_window_size((1600, 960), QRect(0, 0, 1280, 720))
    assert small == QSize(1280 - FRAME_ALLOWANCE_PX[0], 720 - FRAME_ALLOWANCE_PX[1])


def test_a_first_window_is_no_larger_than_the_screen(qtbot, settings_dir) -> None:
    from workbench.gui.window.main_window import DEFAULT_SIZE, MainWindow

    window = MainWindow(dark=True)  # no saved geometry: the first start
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()
    assert available.width() < DEFAULT_SIZE[0]  # the offscreen screen is smaller than the default size
    assert window.width() <= available.width() and window.height() <= available.height()
    window.close()


@pytest.mark.parametrize("key", ["live", "model", "profile", "training", "calibration", "board"])
def test_no_workspace_makes_the_window_taller_than_a_small_screen(window, qtbot, key: str) -> None:
    window.show_workspace(key)
    qtbot.wait(20)
    assert window.minimumSizeHint().height() <= MAX_WINDOW_MIN_HEIGHT_PX
    assert window.minimumSize().height() <= MAX_WINDOW_MIN_HEIGHT_PX


@pytest.mark.parametrize(("key", "height"), [("training", 560), ("calibration", 400)])
def test_a_short_window_scrolls_the_inputs_to_the_focused_button(window, qtbot, key: str, height: int) -> None:
    window.resize(SHORT_WINDOW_WIDTH, height)
    window.show_workspace(key)
    qtbot.waitUntil(lambda: window.height() == height, timeout=2000)
    column = window.workspaces[key].findChild(ScrollColumn)
    assert column is not None and column.isVisible()
    bar, viewport, content = column.verticalScrollBar(), column.viewport(), column.widget()
    assert bar.maximum() > 0 and bar.value() == 0  # the inputs are taller than the window: they scroll
    assert content.width() >= content.minimumSizeHint().width()  # and are never squeezed sideways
    # the column's last control: Training's buttons are under the column, in view (tests/gui/training/
    # test_training_buttons_in_view.py)
    button = window.training.training.settings.mltk_zip if key == "training" else window.calibration.run_button
    assert button.mapTo(content, button.rect().bottomLeft()).y() > viewport.height()  # below the fold
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    content.nextInFocusChain().setFocus()
    for _ in range(MAX_TABS):
        if QApplication.focusWidget() is button:
            break
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is button
    top, bottom = (button.mapTo(viewport, corner).y() for corner in (button.rect().topLeft(),
                                                                     button.rect().bottomLeft()))
    assert bar.value() > 0 and 0 <= top and bottom <= viewport.height()  # scrolled into view
