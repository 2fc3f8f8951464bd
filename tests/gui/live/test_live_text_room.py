"""The live plots at a large application font: axes and side panels grow, no tick label is dropped or cut
off, the legend follows the font; and the plots are named for a screen reader and take no Tab stop."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication

from tests.gui.spoken import spoken_description, spoken_name
from workbench.gui import theme
from workbench.gui.live.live_views import LiveViews
from workbench.gui.live.score_items import ScoreBars

NORMAL_POINTS, LARGE_POINTS = 9.0, 16.0
CHANNELS = 40  # the bundled model's filterbank
LOWER_HZ, UPPER_HZ = 125.0, 7500.0
SIZE = (1000, 700)


@pytest.fixture
def app_font(qapp: QApplication) -> Iterator:
    """``app_font(points)`` sets the application font's size; the old font comes back after the test."""
    old = QFont(qapp.font())

    def set_points(points: float) -> None:
        font = QFont(old)
        font.setPointSizeF(points)
        qapp.setFont(font)

    yield set_points
    qapp.setFont(old)


def shown_views(qtbot, dark: bool = True) -> LiveViews:
    views = LiveViews(dark=dark)
    qtbot.addWidget(views)
    views.resize(*SIZE)
    views.spectrogram._channels = CHANNELS
    views.spectrogram._set_frequency_ticks(LOWER_HZ, UPPER_HZ)
    views.spectrogram.plot.setYRange(0, CHANNELS, padding=0)
    views.show()
    qtbot.waitExposed(views)
    return views


def drawn_tick_labels(axis) -> list[tuple[QRectF, str]]:
    """The tick labels pyqtgraph would draw (it drops those that do not fit), in the axis' coordinates."""
    image = QImage(10, 10, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _flags, text in texts]


def sizes(views: LiveViews) -> tuple[int, ...]:
    left = views.spectrogram.plot.getAxis("left")
    return (int(left.width()), views.spectrogram.color_scale.width(), views.waveform.meter.width(),
            views.scores.bars.width(), views.scores.bars.scale_px())


def test_axes_and_side_panels_grow_with_the_font_and_keep_every_label(qtbot, app_font) -> None:
    app_font(NORMAL_POINTS)
    normal = sizes(shown_views(qtbot))
    app_font(LARGE_POINTS)
    views = shown_views(qtbot)
    large = sizes(views)
    assert all(big > small for big, small in zip(large, normal)), (normal, large)
    # the three plots keep equal left axes (their time axes line up) and the side panels equal widths
    widths = {int(view.plot.getAxis("left").width()) for view in views.views}
    assert len(widths) == 1
    assert views.spectrogram.color_scale.width() == views.waveform.meter.width() == views.scores.bars.width()
    qtbot.wait(50)
    spectrogram_labels = [text for _rect, text in drawn_tick_labels(views.spectrogram.plot.getAxis("left"))]
    assert len(spectrogram_labels) == len(range(0, CHANNELS, 8))  # the 16 pt frequency labels were dropped
    for view in (views.waveform, views.scores):  # labels at the ends of the axis are not cut by the widget
        axis = view.plot.getAxis("left")
        frame = QRectF(view.plot_widget.viewport().rect())
        labels = drawn_tick_labels(axis)
        assert labels
        for rect, text in labels:
            on_screen = view.plot_widget.mapFromScene(axis.mapRectToScene(rect)).boundingRect()
            assert frame.contains(QRectF(on_screen)), (text, on_screen, frame)
    # the title of the score axis does not run into its widest tick label ("255", "128")
    score_axis = views.scores.plot.getAxis("left")
    title_right = score_axis.label.mapRectToParent(score_axis.label.boundingRect()).right()
    tick_left = min(rect.left() for rect, _text in drawn_tick_labels(score_axis))
    assert tick_left > title_right - theme.AXIS_TITLE_MARGINS_PX / 2  # the title's box has an empty margin


def test_a_font_change_at_run_time_resizes_the_open_views(qtbot, app_font) -> None:
    app_font(NORMAL_POINTS)
    views = shown_views(qtbot)
    before = sizes(views)
    app_font(LARGE_POINTS)
    qtbot.waitUntil(lambda: sizes(views)[0] > before[0], timeout=2000)
    assert all(big > small for big, small in zip(sizes(views), before))
    views.scores._build_items(("yes", "no"))
    legend_label = views.scores.legend.items[0][1]
    assert "16pt" in legend_label.item.toHtml() or "font-size:16pt" in legend_label.item.toHtml()
    tick_font = views.spectrogram.plot.getAxis("left").style["tickFont"]
    assert tick_font is not None and tick_font.pointSizeF() == LARGE_POINTS


def test_live_plots_have_names_descriptions_and_no_tab_stop(qtbot) -> None:
    views = shown_views(qtbot)
    plots = {views.waveform.plot_widget: "Waveform", views.spectrogram.plot_widget: "Spectrogram",
             views.scores.plot_widget: "Class scores", views.scores.bars: "Current scores"}
    for widget, name in plots.items():
        assert spoken_name(widget) == name
        description = spoken_description(widget)
        assert description.endswith(".") and description.count(". ") == 0  # one sentence
        assert widget.focusPolicy() == Qt.FocusPolicy.NoFocus


def _bar_pixels(bars: ScoreBars) -> np.ndarray:
    image = bars.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.width()).copy()


@pytest.mark.parametrize("foreground", ["#ffffff", "#000000"])
def test_class_names_on_bars_are_in_the_colour_that_reads_on_the_bar(qtbot, foreground: str) -> None:
    orange, pink = QColor("#E69F00"), QColor("#CC79A7")
    bars = ScoreBars()
    qtbot.addWidget(bars)
    bars.resize(160, 120)
    bars.set_colors("#808080", foreground)
    bars.set_classes(["no", "_silence_"], [orange, pink])
    bars.set_scores(np.array([255.0, 255.0]))  # the bars cover the names entirely
    bars.show()
    qtbot.waitExposed(bars)
    pixels = _bar_pixels(bars)
    for color in (orange, pink):
        rows = (pixels == (0xFF000000 | color.rgb())).sum(axis=1) > 20  # the rows the bar fills
        text = theme.text_on(color)
        assert (pixels[rows] == (0xFF000000 | text.rgb())).any()  # the name, in black or white
        wrong = theme.WHITE if text == theme.BLACK else theme.BLACK
        assert not (pixels[rows] == (0xFF000000 | wrong.rgb())).any()
