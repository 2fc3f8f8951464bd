"""View ▸ Dark palette at run time: every plot, the workspace bar, the legend, the log and the status bar
follow the switch, and every workspace that can hear of it is told."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QToolButton

from workbench.gui import theme
from workbench.gui.live.detection_log_view import LABEL_COLUMN, LogEntry


def _checked_button(window) -> QToolButton:
    bar = window.workspace_bar
    return bar.widgetForAction(bar.actions_by_key[window.current_workspace])


def _colours(widget) -> tuple[QColor, QColor]:
    """The most common colour of a widget as painted (its background) and the colour most unlike it."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.width())
    values, counts = np.unique(pixels, return_counts=True)
    background = QColor.fromRgb(int(values[counts.argmax()]))
    text = max((QColor.fromRgb(int(v)) for v in values), key=lambda c: theme.contrast_ratio(c, background))
    return background, text


def test_switching_to_light_at_run_time_restyles_every_view(qtbot, window) -> None:
    told: list[bool] = []
    window.model_view.set_dark = told.append  # any workspace with set_dark is told, duck-typed
    window.log.add_entry(LogEntry(0.0, 1.0, "yes", 0, 200))
    window.live.scores.add_board_scores(0.5, [10, 20], ("yes", "no"))  # the legend has its entries
    assert len(window.live.scores.legend.items) > 2
    assert window.dark
    window.dark_action.trigger()  # the user turns the dark palette off
    try:
        assert not window.dark and told == [False]
        light = theme.plot_colors(False)
        live = window.live
        for widget in (live.waveform.plot_widget, live.spectrogram.plot_widget, live.scores.plot_widget):
            assert widget.backgroundBrush().color() == QColor(light.background)
        for view in live.views:
            assert view.plot.getAxis("left").textPen().color() == QColor(light.foreground)
        assert live.scores.bars._background == QColor(light.background)
        for _sample, label in live.scores.legend.items:  # drawn again in the light foreground, not kept grey
            assert QColor(light.foreground).name() in label.item.toHtml()
        qtbot.wait(50)
        background, text = _colours(_checked_button(window))
        assert background.lightness() > 200  # the selected button is light in the light palette ...
        assert theme.contrast_ratio(text, background) >= theme.MIN_TEXT_CONTRAST  # ... and its text reads
        base = window.log.palette().color(QPalette.ColorRole.Base)
        label = window.log.table.item(0, LABEL_COLUMN).foreground().color()
        assert theme.contrast_ratio(label, base) >= theme.MIN_TEXT_CONTRAST  # "yes" in a darker sky blue
    finally:
        window.set_dark(True)
    background, text = _colours(_checked_button(window))
    assert background.lightness() < 100 and theme.contrast_ratio(text, background) >= theme.MIN_TEXT_CONTRAST
    assert window.live.scores.plot_widget.backgroundBrush().color() == QColor(theme.DARK.background)


def test_every_live_plot_starts_in_the_light_palette_when_asked(qtbot, settings_dir) -> None:
    from workbench.gui.window.main_window import MainWindow

    win = MainWindow(dark=False)
    qtbot.addWidget(win)
    try:
        light = QColor(theme.LIGHT.background)
        assert all(view.plot_widget.backgroundBrush().color() == light for view in win.live.views)
        background, text = _colours(_checked_button(win))
        assert theme.contrast_ratio(text, background) >= theme.MIN_TEXT_CONTRAST
    finally:
        win.set_dark(True)
        win.close()
