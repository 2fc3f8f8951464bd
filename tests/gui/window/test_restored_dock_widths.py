"""A dock arrangement restored at a larger font than it was saved at: a column narrower than its panels now need
widens to that width (the Tuning dock scrolled sideways, "Save into model…" off screen), within the share of the
window the docks may take; a column the user made wider keeps its width."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QScrollArea, QStyle, QWidget

from workbench.assets import default_model_path
from workbench.gui.window.main_window import DEFAULT_SIZE, MainWindow
from workbench.gui.window.window_areas import DETECTIONS, MIN_CENTRE_SHARE, SOURCE, TUNING, needed_width, \
    widen_narrow_docks

SMALL_SCREEN = (1280, 720)  # the synthetic window's size
NARROWEST = 1  # asks for the narrowest column Qt allows
WIDE_PX = 460  # a right column the user widened: more than its panels need at 16 pt
SLACK_PX = 2  # rounding of the shares between the docks and their separators


def saved_window(qtbot, right_column_px: int) -> None:  # type: ignore[no-untyped-def]
    """A window at the default font whose right column the user set to ``right_column_px``, closed (its arrangement
    saved in the test's settings). Its default size leaves the columns room to grow at 16 pt (in 1280x720 the columns
    of 9 pt already take the docks' share: there a column widens only as far as the share allows)."""
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_model(default_model_path()), window.last_error
    window.resize(*DEFAULT_SIZE)
    window.show()
    qtbot.waitUntil(lambda: window.size().toTuple() == DEFAULT_SIZE, timeout=2000)
    window.reset_layout()
    qtbot.wait(50)
    window.resizeDocks([window.docks[TUNING]], [right_column_px], Qt.Orientation.Horizontal)
    qtbot.wait(50)
    window.close()


def reopened(qtbot, request) -> MainWindow:  # type: ignore[no-untyped-def]
    """The next start, at 16 pt, with the saved arrangement restored."""
    request.getfixturevalue("large_font")
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_model(default_model_path()), window.last_error  # as start-up opens the last model
    window.resize(*DEFAULT_SIZE)  # as its saved geometry (the offscreen screen is smaller and would clamp it)
    window.show()
    qtbot.waitUntil(lambda: window.size().toTuple() == DEFAULT_SIZE, timeout=2000)
    qtbot.wait(100)  # the restored arrangement laid out, the columns widened
    return window


def test_a_column_saved_narrow_at_a_small_font_widens_to_what_its_panels_need(qtbot, request, settings_dir) -> None:
    saved_window(qtbot, NARROWEST)
    window = reopened(qtbot, request)
    tuning = window.docks[TUNING]
    area = tuning.widget()
    assert isinstance(area, QScrollArea)
    qtbot.waitUntil(lambda: area.horizontalScrollBar().maximum() == 0, timeout=2000)  # 16 pt: it scrolled 35 px
    assert tuning.width() >= needed_width(tuning)
    save = window.tuning_panel.save_button
    assert area.viewport().rect().contains(QRect(save.mapTo(area.viewport(), QPoint(0, 0)), save.size()))
    assert window.live.width() >= MIN_CENTRE_SHARE * window.width() - SLACK_PX
    window.close()


def test_a_column_the_user_widened_keeps_its_width(qtbot, request, settings_dir) -> None:
    saved_window(qtbot, WIDE_PX)
    window = reopened(qtbot, request)
    assert abs(window.docks[DETECTIONS].width() - WIDE_PX) <= SLACK_PX
    assert window.docks[SOURCE].width() >= needed_width(window.docks[SOURCE])
    window.close()


def _window_with_a_narrow_dock(qtbot, panel_px: int) -> tuple[QMainWindow, QDockWidget]:  # type: ignore[no-untyped-def]
    """A window whose right dock scrolls a panel ``panel_px`` wide, the dock as narrow as Qt allows."""
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QLabel("plots"))
    panel = QWidget()
    panel.setMinimumWidth(panel_px)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(panel)
    dock = QDockWidget("Panel", window)
    dock.setWidget(area)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(*SMALL_SCREEN)
    window.show()
    qtbot.waitExposed(window)
    window.resizeDocks([dock], [NARROWEST], Qt.Orientation.Horizontal)
    qtbot.wait(50)
    return window, dock


@pytest.mark.parametrize("panel_px", [300, 2000], ids=["fits", "wider than the docks' share"])
def test_the_docks_widen_within_their_share_of_the_window(qtbot, panel_px: int) -> None:
    window, dock = _window_with_a_narrow_dock(qtbot, panel_px)
    narrow = dock.width()
    assert narrow < panel_px
    widen_narrow_docks(window)
    qtbot.waitUntil(lambda: dock.width() > narrow, timeout=2000)
    qtbot.wait(50)
    separators = 2 * window.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None, window)
    share = round((1 - MIN_CENTRE_SHARE) * window.width()) - separators
    assert abs(dock.width() - min(needed_width(dock), share)) <= SLACK_PX
