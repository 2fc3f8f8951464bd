"""In a 1280x720 window, at the default font and at 16 pt, the Live workspace's docks give way to the plots: these keep
at least MIN_CENTRE_SHARE of the window's width, the Source panel's buttons fit its dock whole (it scrolled sideways
with "Refre" and "Folde" cut at 16 pt), the Detections dock's controls wrap without covering its table, the Tuning
dock's rows and buttons wrap instead of scrolling sideways, and the recordings folder shows its name."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QWidget

from tests.gui.spoken import spoken_description
from workbench.gui import theme
from workbench.gui.stream.parameter_row import SLIDER_MIN_LINES
from workbench.gui.window.window_areas import MIN_CENTRE_SHARE, SOURCE, TUNING

SMALL_SCREEN = (1280, 720)
SLACK_PX = 2  # rounding of the shares between the docks and their separators


@pytest.fixture(params=[False, True], ids=["default font", "16 pt"])
def small_window(request, qtbot, settings_dir):  # type: ignore[no-untyped-def]
    """The window built at the font of the test (as a user whose desktop font it is starts it), 1280x720, with the
    Live workspace in its default arrangement for that size."""
    if request.param:
        request.getfixturevalue("large_font")
    window = request.getfixturevalue("window")
    window.resize(*SMALL_SCREEN)
    qtbot.waitUntil(lambda: window.size().toTuple() == SMALL_SCREEN, timeout=2000)
    window.reset_layout()  # the default arrangement at this size, as on a small screen's first start
    qtbot.wait(50)  # let the docks settle
    return window


def _place(widget: QWidget, within: QWidget) -> QRect:
    return QRect(widget.mapTo(within, widget.rect().topLeft()), widget.size())


def test_the_live_plots_keep_their_share_and_the_detections_wrap(small_window) -> None:
    live, log = small_window.live, small_window.log
    assert live.width() >= MIN_CENTRE_SHARE * small_window.width() - SLACK_PX  # 16 pt: the plots were some 70 px
    assert small_window.size().toTuple() == SMALL_SCREEN
    for widget in (log.beep_box, log.clear_button, log.export_button):  # wrapped where the dock is narrow
        place = _place(widget, log)
        assert log.rect().contains(place) and widget.width() >= widget.sizeHint().width(), widget.text()
        assert place.bottom() < log.table.geometry().top(), widget.text()


def test_the_source_panels_buttons_fit_its_dock(small_window) -> None:
    area = small_window.docks[SOURCE].widget()
    viewport = area.viewport()
    assert small_window.source_panel.width() <= viewport.width()  # no sideways scrolling
    buttons = [b for b in small_window.source_panel.findChildren(QAbstractButton) if b.isVisible()]
    assert len(buttons) >= 5  # Refresh, Start, Record, Folder…, Open…, Play, Loop, Real time
    for button in buttons:
        assert viewport.rect().contains(_place(button, viewport)), button.text()
        assert button.width() >= button.sizeHint().width(), button.text()


def test_the_tuning_dock_never_scrolls_sideways(small_window) -> None:
    area, panel = small_window.docks[TUNING].widget(), small_window.tuning_panel
    viewport = area.viewport()
    assert area.horizontalScrollBar().maximum() == 0  # 16 pt: 171 px to scroll, "Save into model…" off screen
    for button in (panel.reset_button, panel.save_button):  # on two rows where the dock is narrow
        assert viewport.rect().contains(_place(button, viewport)), button.text()
        assert button.width() >= button.sizeHint().width(), button.text()
    usable = SLIDER_MIN_LINES * theme.line_px(small_window.font())
    for row in list(panel.rows.values()) + [row for _check, row in panel.class_rows]:  # under their labels at 16 pt
        assert row.slider.width() >= usable, row.spec.label
        assert _place(row.spin, viewport).right() <= viewport.rect().right(), row.spec.label


def test_the_recordings_folder_shows_its_name(small_window) -> None:
    recording = small_window.source_panel.recording
    label, folder = recording.folder_label, recording.folder()
    assert label.text().endswith(folder.name)  # 16 pt: "recor"
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    assert label.toolTip() == str(folder) == spoken_description(label)
