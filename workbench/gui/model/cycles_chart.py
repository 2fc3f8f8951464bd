"""The Profile workspace's "Cycles per layer" page: each layer's estimated CPU and MVP cycles, stacked.

Why a page of its own: the chart carries its legend as a line of text above it (inside the plot it covered
the bars at a large font), a layer axis that names the bars and a value axis in the table's k/M units. With the
accelerator none every cycle is the CPU's, and the legend names the CPU alone.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from workbench.gui import theme
from workbench.gui.live.plot_style import leave_room_for_end_labels
from workbench.gui.model.layer_axis import CountAxis, LayerAxis
from workbench.profiler.report import LayerReport

CPU_COLOR, ACC_COLOR = "#4e79a7", "#f28e2b"
BAR_WIDTH = 0.6
CHART_DESCRIPTION = "Estimated CPU and MVP accelerator cycles of each layer, stacked, in execution order."
CPU_ONLY_DESCRIPTION = "Estimated CPU cycles of each layer (Accelerator none), in execution order."
LEGEND_HTML = (f'<span style="color:{CPU_COLOR}">&#9632;</span>&nbsp;CPU &nbsp; '
               f'<span style="color:{ACC_COLOR}">&#9632;</span>&nbsp;MVP&nbsp;accelerator')
CPU_ONLY_LEGEND_HTML = f'<span style="color:{CPU_COLOR}">&#9632;</span>&nbsp;CPU (Accelerator none)'


class CyclesChart(QWidget):
    """The legend line above the stacked bar chart (``plot``); :meth:`set_layers` draws a profile's layers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self, axisItems={"bottom": LayerAxis("bottom"), "left": CountAxis("left")})
        theme.describe_view(self.plot, "Cycles per layer chart", CHART_DESCRIPTION)
        self.plot.setLabel("left", "cycles (estimated)")
        self.plot.setLabel("bottom", "layer")
        self.legend = QLabel(LEGEND_HTML, self)
        self.legend.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.legend)
        column.addWidget(self.plot, 1)

    def set_dark(self, dark: bool) -> None:
        """Restyle the chart for the palette."""
        theme.style_chart(self.plot, dark, fixed_left_axis=False)  # "900.0k" needs more than the live plots' width
        leave_room_for_end_labels(self.plot.getPlotItem())  # the top tick's label: no title above the chart

    def set_layers(self, layers: list[LayerReport], mvp: bool = True) -> None:
        """Draw ``layers``' cycles; ``mvp`` False (the accelerator none): the legend names the CPU alone."""
        self.legend.setText(LEGEND_HTML if mvp else CPU_ONLY_LEGEND_HTML)
        self.plot.setAccessibleDescription(CHART_DESCRIPTION if mvp else CPU_ONLY_DESCRIPTION)
        self.plot.clear()
        xs = [float(layer.index) for layer in layers]
        cpu = [float(layer.cpu_cycles or 0) for layer in layers]
        acc = [float(layer.accelerator_cycles or 0) for layer in layers]
        self.plot.getAxis("bottom").set_layers({layer.index: layer.op for layer in layers})
        if not layers:
            return
        self.plot.addItem(stacked_bars(xs, [0.0] * len(xs), cpu, CPU_COLOR))
        self.plot.addItem(stacked_bars(xs, cpu, acc, ACC_COLOR))


def stacked_bars(xs: list[float], bottoms: list[float], heights: list[float], color: str) -> pg.BarGraphItem:
    """Bars of one colour, outlined in that colour, one per layer; a layer without cycles of this kind has none.

    Why the outline is the fill's colour: pyqtgraph outlines bars in the foreground colour by default, and with
    hundreds of layers (a 683-layer unrolled LSTM) a bar is a pixel or less wide, so the outlines covered the fills
    and the chart turned grey; without any outline, a bar narrower than a pixel is often not painted at all. A
    one-pixel outline of the bar's own colour paints every bar, in its colour. A zero height gets no outline (it
    would be a line across the bar below: every CPU layer's MVP bar) but stays a bar, so the chart spans every layer:
    left out, a layer without an estimate at either end (an op of unknown cost, one TFLite Micro refuses) fell off
    the chart and its axis.
    """
    outline, no_outline = pg.mkPen(color), pg.mkPen(None)
    return pg.BarGraphItem(x=xs, y0=bottoms, height=heights, width=BAR_WIDTH, brush=color,
                           pens=[outline if height > 0 else no_outline for height in heights])
