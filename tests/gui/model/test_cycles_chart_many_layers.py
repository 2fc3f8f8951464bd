"""The Profile workspace's cycles chart with hundreds of layers (an unrolled LSTM): every bar is painted in its own
colour (pytest-qt, offscreen, the chart as it is really painted).

Why: pyqtgraph outlines bars in the foreground colour; with a bar a pixel or less wide the outlines covered the
fills and a 683-layer LSTM's chart turned grey, neither CPU blue nor MVP orange.
"""

from __future__ import annotations

import math
from typing import Callable

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from tests.unrolled_lstm_models import unrolled_lstm_model
from workbench.gui.model.cycles_chart import ACC_COLOR, CPU_COLOR, CyclesChart
from workbench.profiler.report import LayerReport, profile_model

FRAMES = 16  # 237 layers
CHART_WIDTH, CHART_HEIGHT = 320, 400  # narrower than a pixel per layer, as 683 layers are in the window
TALL_ENOUGH_PX = 4  # an MVP bar checked by its middle row must be this tall


@pytest.fixture(scope="module")
def layers() -> list[LayerReport]:
    return profile_model(unrolled_lstm_model(FRAMES), name="lstm").layers


@pytest.fixture(params=[True, False], ids=["dark", "light"])
def chart(request, qtbot, layers) -> CyclesChart:
    widget = CyclesChart()
    qtbot.addWidget(widget)
    widget.set_dark(request.param)
    widget.resize(CHART_WIDTH, CHART_HEIGHT)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_layers(layers)
    return widget


def bar_items(chart: CyclesChart) -> list[pg.BarGraphItem]:
    return [item for item in chart.plot.getPlotItem().items if isinstance(item, pg.BarGraphItem)]


def painted(chart: CyclesChart) -> tuple[QImage, Callable[[float, float], tuple[int, int]]]:
    """The plot as painted, and a function from (layer, cycles) to the pixel that shows it."""
    view_box = chart.plot.getPlotItem().getViewBox()
    image = chart.plot.viewport().grab().toImage()
    transform = chart.plot.viewportTransform()

    def pixel(layer: float, cycles: float) -> tuple[int, int]:
        point = transform.map(view_box.mapViewToScene(QPointF(layer, cycles)))
        return math.floor(point.x()), math.floor(point.y())
    return image, pixel


def test_the_bars_are_outlined_in_their_own_colour(chart) -> None:
    cpu_bars, acc_bars = bar_items(chart)
    for item, colour in ((cpu_bars, CPU_COLOR), (acc_bars, ACC_COLOR)):
        pen = pg.mkPen(item.opts["pen"])
        assert pen.style() == Qt.PenStyle.NoPen or pen.color().name() == colour


def test_every_layer_is_painted_in_its_colours(chart, layers) -> None:
    image, pixel = painted(chart)
    left, _ = pixel(layers[0].index, 0)
    right, _ = pixel(layers[-1].index, 0)
    assert right - left < len(layers)  # less than a pixel per layer: the case that turned grey
    on_cpu = [layer for layer in layers if layer.cpu_cycles]
    low = min(layer.cpu_cycles for layer in on_cpu) / 2  # a row that crosses every CPU bar
    blue = [layer.index for layer in on_cpu if image.pixelColor(*pixel(layer.index, low)).name() == CPU_COLOR]
    assert blue == [layer.index for layer in on_cpu]
    on_mvp = [layer for layer in layers if layer.accelerator_cycles
              and pixel(0, layer.cpu_cycles)[1] - pixel(0, layer.cpu_cycles + layer.accelerator_cycles)[1]
              >= TALL_ENOUGH_PX]
    assert on_mvp  # the LSTM's FULLY_CONNECTED layers run on the MVP
    middle = [pixel(layer.index, layer.cpu_cycles + layer.accelerator_cycles / 2) for layer in on_mvp]
    assert [image.pixelColor(*spot).name() for spot in middle] == [ACC_COLOR] * len(on_mvp)
