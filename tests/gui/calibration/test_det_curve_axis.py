"""The DET curve's FA/h axis names every tick it draws, at any width the window gives it."""

from __future__ import annotations

import numpy as np
import pytest

from tests.gui.text_fit import painted_axis_specs
from workbench.gui.calibration.det_curve_view import DetCurveView


def _drawn_ticks_and_labels(view: DetCurveView) -> tuple[int, list[str]]:
    specs = painted_axis_specs(view.plot_widget, "bottom")
    assert specs is not None, "the axis was not painted"
    return len(specs[1]), [text for _rect, _flags, text in specs[2]]


@pytest.mark.parametrize("width", [420, 700, 1100])
def test_every_drawn_tick_has_its_label(qtbot, width: int) -> None:  # type: ignore[no-untyped-def]
    view = DetCurveView()
    qtbot.addWidget(view)
    view.resize(width, 360)
    view.show()
    qtbot.waitExposed(view)
    view.clear()  # the empty plot reaches exactly 1000 FA/h, whose tick sat on its edge without a label
    ticks, labels = _drawn_ticks_and_labels(view)
    assert ticks == len(labels) and labels[:3] == ["0", "1", "3"] and labels[-1] == "1000", labels
    view.show_calibration(np.array([0.0, 40.0, 250.0]), np.array([0.6, 0.3, 0.1]), [], None, 100.0)
    ticks, labels = _drawn_ticks_and_labels(view)
    assert ticks == len(labels) and labels[-1] == "300", labels  # the axis ends on a named tick past the data
