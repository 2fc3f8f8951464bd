"""The lean live-view painters: what they hold is what they paint, pixel for pixel."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from workbench.gui.live.score_items import ScoreBars, ScoreTraces, ThresholdMark
from workbench.gui.live.scrolling_items import EnvelopeLines, ScrollingImage, TimePlacement, rgb32_table

BLACK = 0xFF000000
WHITE = 0xFFFFFFFF


def render(item, width: int, height: int, source: QRectF) -> np.ndarray:
    """Paint ``item`` alone through a real QGraphicsScene; (height, width) RGB32 words, row 0 at the top."""
    scene = QGraphicsScene()
    scene.addItem(item)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("black"))
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, width, height), source)
    painter.end()
    scene.removeItem(item)
    return np.frombuffer(image.constBits(), np.uint32).reshape(height, width).copy()


def grey_lut() -> np.ndarray:
    return np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)


def test_scrolling_image_pushes_new_columns_at_the_right(qapp) -> None:
    image = ScrollingImage(grey_lut())
    image.resize(4, 2)
    image.push(np.array([[10, 20]], np.uint8))
    image.push(np.array([[30, 40], [50, 60]], np.uint8))
    table = rgb32_table(grey_lut())
    # columns oldest → newest, each column's value 0 at the bottom row (row 0 of the array)
    assert image.pixels().tolist() == table[np.array([[0, 10, 30, 50], [0, 20, 40, 60]])].tolist()
    image.set_columns(np.array([[1, 2]], np.uint8))
    assert image.pixels()[:, -1].tolist() == table[[1, 2]].tolist() and (image.pixels()[:, :-1] == table[0]).all()
    drawn = render(image, 4, 2, QRectF(0, 0, 4, 2))
    assert drawn[:, -1].tolist() == table[[1, 2]].tolist()


def test_envelope_lines_draw_one_segment_per_column(qapp) -> None:
    lines = EnvelopeLines("w", y_range=(0.0, 100.0))
    lines.resize(50)
    lines.push(np.array([[10.0, 90.0]]))  # newest column spans most of the height
    lines.push(np.array([[40.0, 60.0]]))
    assert lines.values()[-2:].tolist() == [[10.0, 90.0], [40.0, 60.0]]
    drawn = render(lines, 50, 100, QRectF(0, 0, 50, 100)) != BLACK
    assert 78 <= drawn[:, 48].sum() <= 82  # column 48: 10..90
    assert 18 <= drawn[:, 49].sum() <= 22  # column 49: 40..60
    assert drawn[:, :48].sum() <= 48  # older columns are flat (at most a dot each)


def test_score_traces_draw_every_segment_of_each_trace(qapp) -> None:
    traces = ScoreTraces()
    traces.configure(["r", "g"], capacity=10)
    times = np.arange(5, dtype=np.float64) * 20  # 0, 20, ... 80
    values = np.stack([np.full(5, 50.0), np.array([0, 200, 0, 200, 0], float)], axis=1)
    traces.set_data(times, values)
    assert traces.drawn(1)[:, 1].tolist() == [0, 200, 0, 200, 0]
    drawn = render(traces, 81, 256, QRectF(0, 0, 81, 256))
    red = (drawn >> 16 & 0xFF) > 128
    green = (drawn >> 8 & 0xFF) > 128
    assert red[50, :].sum() >= 75  # the flat trace is one unbroken line (odd and even segments)
    for column in (10, 30, 50, 70):  # every one of the four zigzag segments crosses the middle
        assert green[95:105, column].any(), column
    traces.set_data(times[:1], values[:1])
    assert not (render(traces, 81, 256, QRectF(0, 0, 81, 256)) != BLACK).any()  # one point: no line


def test_score_bars_paint_widths_and_skip_needless_repaints(qtbot) -> None:
    bars = ScoreBars()
    qtbot.addWidget(bars)
    bars.resize(140, 120)
    bars.set_colors("black", "white")
    bars.set_classes(["a", "b"], [QColor("red"), QColor("blue")])
    bars.set_thresholds([ThresholdMark(128, (QColor("yellow"),))])
    bars.set_scores(np.array([255.0, 64.0]))
    bars.show()
    qtbot.waitExposed(bars)
    image = bars.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.width())
    red_row = ((pixels >> 16 & 0xFF) > 200) & ((pixels & 0xFF) < 50)
    blue_row = ((pixels & 0xFF) > 200) & ((pixels >> 16 & 0xFF) < 50)
    red_width = red_row.sum(axis=1).max()
    blue_width = blue_row.sum(axis=1).max()
    assert red_width > 100 and 0.2 < blue_width / red_width < 0.3  # 64 / 255 of the full bar
    assert bars.thresholds() == [128]

    paints = []

    class Counter(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                paints.append(1)
            return False

    counter = Counter()
    qtbot.wait(50)  # let any paint still queued from showing the widget happen
    bars.installEventFilter(counter)
    bars.set_scores(np.array([255.0, 64.2]))  # less than a pixel: no repaint
    qtbot.wait(50)
    assert not paints
    bars.set_scores(np.array([0.0, 64.0]))
    qtbot.waitUntil(lambda: bool(paints), timeout=1000)


@pytest.mark.parametrize("end_s", [4.0, 25.0])
def test_time_placement_follows_in_window_coordinates_and_freezes_in_stream_time(qtbot, end_s: float) -> None:
    import pyqtgraph as pg

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    image = ScrollingImage(grey_lut())
    image.resize(100, 1)  # 100 columns of 0.1 s: ten seconds
    plot.addItem(image)
    placement = TimePlacement(plot, image, width_s=10.0)

    placement.place(end_s, 0.1, following=True)
    start, stop = plot.viewRange()[0]
    assert (start, stop) == pytest.approx((0.0, 10.0))
    right = image.mapToView(image.boundingRect().topRight()).x()
    assert right == pytest.approx(min(end_s, 10.0))  # the newest column ends at the right edge after 10 s

    placement.place(end_s, 0.1, following=False)
    start, stop = plot.viewRange()[0]
    assert stop == pytest.approx(max(end_s, 10.0)) and stop - start == pytest.approx(10.0)
    assert image.mapToView(image.boundingRect().topRight()).x() == pytest.approx(end_s)  # stream time
