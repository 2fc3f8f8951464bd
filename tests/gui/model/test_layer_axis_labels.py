"""The Profile chart's layer names as they are really painted: every layer of the reference model is named at
the window sizes the audit used, no name is dropped for sticking out at an end of the axis, none overlap."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from workbench.gui.model.layer_axis import LayerAxis, clamp_span
from workbench.gui.model.profile_view import ProfileView

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from text_fit import painted_tick_labels  # noqa: E402

LAYER_NAMES = ["0 conv_2d", "1 reshape", "2 fully_connected", "3 softmax"]
VIEW_HEIGHT_PX = 800
SETTLE_MS = 50


def _painted_labels(view: ProfileView) -> tuple[list[tuple[QRectF, str]], QRectF]:
    """(rect, text) of each name the bottom axis draws when the chart is painted, and the axis' own rect."""
    texts = painted_tick_labels(view.chart, "bottom")
    assert texts, "the axis was not painted"
    axis: LayerAxis = view.chart.getAxis("bottom")
    return texts, axis.mapRectFromParent(axis.geometry())


def _assert_readable(texts: list[tuple[QRectF, str]], bounds: QRectF) -> None:
    """Every name lies inside the axis, and no two names on the same row overlap."""
    for rect, text in texts:
        assert bounds.left() - 0.5 <= rect.left() and rect.right() <= bounds.right() + 0.5, (text, rect, bounds)
    for n, (rect, text) in enumerate(texts):
        for other, other_text in texts[n + 1:]:
            same_row = text.count("\n") == other_text.count("\n")
            assert not (same_row and rect.left() < other.right() and other.left() < rect.right()), (text, other_text)


@pytest.fixture
def view(qtbot, reference_model_path: Path) -> ProfileView:
    widget = ProfileView()
    qtbot.addWidget(widget)
    widget.show_model(reference_model_path.read_bytes(), "reference", reference_model_path)
    return widget


@pytest.mark.parametrize("width", [1400, 1100])
def test_every_layer_of_the_reference_model_is_named(qtbot, view: ProfileView, width: int) -> None:
    """1400: the audit's 1x window (one row held only layers 0 and 2); 1100: as narrow as its 200 % window."""
    view.resize(width, VIEW_HEIGHT_PX)
    view.show()
    qtbot.wait(SETTLE_MS)
    texts, bounds = _painted_labels(view)
    assert [text.strip() for _rect, text in texts] == LAYER_NAMES, f"axis {bounds.width():.0f} px"
    _assert_readable(texts, bounds)



def test_a_large_font_thins_the_names_out_but_keeps_some(qtbot, large_font: QFont,
                                                         reference_model_path: Path) -> None:
    view = ProfileView()
    qtbot.addWidget(view)
    view.show_model(reference_model_path.read_bytes(), "reference", reference_model_path)
    view.resize(1400, VIEW_HEIGHT_PX)
    view.show()
    qtbot.wait(SETTLE_MS)
    texts, bounds = _painted_labels(view)
    names = [text.strip() for _rect, text in texts]
    assert names and names[0] == LAYER_NAMES[0] and set(names) <= set(LAYER_NAMES)
    _assert_readable(texts, bounds)


def test_an_end_label_moves_inside_the_axis_instead_of_sticking_out() -> None:
    assert clamp_span(10.0, 60.0, 200.0) == (0.0, 60.0)  # the first layer's name, centred 10 px in
    assert clamp_span(195.0, 60.0, 200.0) == (140.0, 200.0)  # the last one's
    assert clamp_span(100.0, 60.0, 200.0) == (70.0, 130.0)  # a middle one stays centred
