"""The Profile workspace's cycles chart with hundreds of layers (an unrolled LSTM): every bar is painted in its own
colour; and a layer without cycles stays on the chart (pytest-qt, offscreen, the chart as it is really painted).

Why: pyqtgraph outlines bars in the foreground colour; with a bar a pixel or less wide the outlines covered the
fills and a 683-layer LSTM's chart turned grey, neither CPU blue nor MVP orange. Bars of no height, left out to spare
their outlines, took a last layer of unknown cost (LEAKY_RELU) off the chart and its layer axis.
"""

from __future__ import annotations

import math
from typing import Callable

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from tests.int8_conversion import convert_int8
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
        pens = [pg.mkPen(pen) for pen in item.opts["pens"] or [item.opts["pen"]]]
        assert all(pen.style() == Qt.PenStyle.NoPen or pen.color().name() == colour for pen in pens)


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


@pytest.fixture(scope="module")
def unknown_last_layer() -> list[LayerReport]:
    """dense(16 -> 8) -> LEAKY_RELU: the last layer has no cycle estimate (an op of unknown cost)."""
    tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test model")
    inputs = tf.keras.layers.Input(shape=(16,), batch_size=1)
    outputs = tf.keras.layers.LeakyReLU()(tf.keras.layers.Dense(8)(inputs))
    return profile_model(convert_int8(tf.keras.Model(inputs, outputs)), name="leaky").layers


@pytest.mark.parametrize("mvp", [True, False], ids=["mvp", "cpu"])
def test_a_layer_without_cycles_at_the_end_stays_on_the_chart(qtbot, unknown_last_layer, mvp: bool) -> None:
    last = unknown_last_layer[-1]
    assert last.op == "LEAKY_RELU" and not last.cpu_cycles and not last.accelerator_cycles
    widget = CyclesChart()
    qtbot.addWidget(widget)
    widget.resize(CHART_WIDTH, CHART_HEIGHT)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_layers(unknown_last_layer, mvp)
    view_box = widget.plot.getPlotItem().getViewBox()
    view_box.autoRange()  # what the view shows of the chart's items, as the auto-range button gives it
    (left, right), _ = view_box.viewRange()
    assert left < unknown_last_layer[0].index and right > last.index
    axis = widget.plot.getAxis("bottom")
    assert last.index in axis.layout(left, right, axis.width()).shown  # "1 leaky_relu" is named under the chart
