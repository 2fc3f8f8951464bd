"""The stream-time axis: round steps, labels that read stream time under a shift, cached label text."""

from __future__ import annotations

import pytest

from workbench.gui.live.time_axis import MIN_MAJOR_PX, TimeAxisItem, major_step, tick_text


@pytest.mark.parametrize(("span", "pixels", "step"), [(10.0, 1000.0, 1.0), (60.0, 1000.0, 5.0),
                                                      (4.0, 1000.0, 0.5), (10.0, 150.0, 5.0)])
def test_major_step_is_round_and_leaves_room_for_labels(span: float, pixels: float, step: float) -> None:
    assert major_step(span, pixels) == pytest.approx(step)
    assert major_step(span, pixels) * pixels / span >= MIN_MAJOR_PX


@pytest.mark.parametrize(("value", "step", "text"), [(12.0, 1.0, "12"), (12.5, 0.5, "12.5"), (-0.0, 1.0, "0"),
                                                     (1.05, 0.05, "1.05"), (20.0, 10.0, "20")])
def test_tick_text_has_the_decimals_the_step_needs(value: float, step: float, text: str) -> None:
    assert tick_text(value, step) == text


def test_labels_read_stream_time_when_the_items_are_shifted(qtbot) -> None:
    import pyqtgraph as pg

    axis = TimeAxisItem()
    widget = pg.PlotWidget(axisItems={"bottom": axis})
    qtbot.addWidget(widget)
    widget.resize(800, 300)
    widget.show()
    qtbot.waitExposed(widget)
    widget.getPlotItem().setXRange(0.0, 10.0, padding=0)
    plain = {text: x for level, x, text in axis.tick_positions() if text is not None}
    axis.set_shift(25.0)
    shifted = {text: x for level, x, text in axis.tick_positions() if text is not None}
    assert {"0", "5", "10"} <= set(plain) and {"25", "30", "35"} <= set(shifted)
    assert shifted["30"] == pytest.approx(plain["5"])  # stream time 30 is drawn at x = 5
    ticks = axis.tick_positions()
    assert any(level == 1 for level, _, _ in ticks)  # minor ticks between the labelled ones
    assert axis.label_text("30") is axis.label_text("30")  # laid out once
    widget.grab()  # paints without error
