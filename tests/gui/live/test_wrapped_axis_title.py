"""A value axis title longer than the plot is high wraps onto a second line, and that line keeps clear of the tick
labels: as the axis is built, after a new title (the sweeps plot's objective) and after a palette switch (each
re-renders the title's text)."""

from __future__ import annotations

from typing import Callable

import pyqtgraph as pg
import pytest
from text_fit import SLACK_PX, painted_tick_labels

from workbench.gui import theme
from workbench.gui.live.plot_style import WrappedTitleAxis

TITLE = "val. balanced accuracy"  # the sweeps plot's longest objective, 250 px at 16 pt
OTHER_TITLE = "validation accuracy"
SHORT_PLOT = (600, 170)  # lower than the title is long at 16 pt: it wraps


def _new_title(widget: pg.PlotWidget) -> None:
    widget.getPlotItem().setLabel("left", OTHER_TITLE)


def _light_palette(widget: pg.PlotWidget) -> None:
    theme.style_chart(widget, dark=False, fixed_left_axis=False)


def _title_text_right(axis: pg.AxisItem) -> float:
    """Where the title's last line ends towards the tick labels, in the axis' coordinates (the title reads
    upwards: the bottom of its text is its right-hand side on the screen)."""
    label = axis.label
    document = label.document()
    layout = document.documentLayout()
    text_bottom = layout.blockBoundingRect(document.lastBlock()).bottom()
    return label.mapToParent(0.0, text_bottom).x()


@pytest.mark.parametrize("change", [None, _new_title, _light_palette], ids=["built", "new-title", "palette"])
def test_a_wrapped_title_keeps_clear_of_the_tick_labels(qtbot, large_font,  # type: ignore[no-untyped-def]
                                                        change: Callable[[pg.PlotWidget], None] | None) -> None:
    widget = pg.PlotWidget(axisItems={"left": WrappedTitleAxis("left")})
    qtbot.addWidget(widget)
    theme.style_chart(widget, dark=True, fixed_left_axis=False)
    widget.getPlotItem().setLabel("left", TITLE)
    widget.getPlotItem().setYRange(0.0, 1.0)
    widget.resize(*SHORT_PLOT)
    widget.show()
    qtbot.waitExposed(widget)
    if change is not None:
        change(widget)
    qtbot.wait(50)  # the layout settles the axis' new width
    axis = widget.getPlotItem().getAxis("left")
    assert axis.label.document().firstBlock().layout().lineCount() >= 2  # wrapped
    ticks = painted_tick_labels(widget, "left")
    assert ticks
    ticks_left = min(rect.left() for rect, _text in ticks)  # where the widest tick label starts
    assert _title_text_right(axis) <= ticks_left + SLACK_PX, (_title_text_right(axis), ticks_left)
