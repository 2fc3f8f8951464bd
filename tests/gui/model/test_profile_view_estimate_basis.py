"""The Profile panel's Layer box says what a layer's cycles come from when MLTK's op count misses its work (the
bundled averaged model's CONCATENATION and MEAN, the seed's RESHAPE), and nothing extra for the others
(pytest-qt, offscreen)."""

from __future__ import annotations

import pytest

from workbench.assets import asset_path
from workbench.gui.model.layer_table_model import column_index
from workbench.gui.model.profile_view import ProfileView
from workbench.profiler.report import profile_model

STREAM_MODEL = "models/kws_yes_no_stream.tflite"  # `kws average` output: CONCATENATION and MEAN last


@pytest.fixture
def view(qtbot) -> ProfileView:
    path = asset_path(STREAM_MODEL)
    widget = ProfileView(profile_model(path.read_bytes(), name="stream"), model_path=path)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def details_of(view: ProfileView, op: str) -> str:
    """The Layer box's text for the last layer of kind ``op`` (selected in the table)."""
    ops = column_index("Op")
    row = max(r for r in range(view.proxy.rowCount()) if view.proxy.index(r, ops).data() == op)
    view.table.selectRow(row)
    return view.details_label.text()


def test_the_layer_box_says_the_cycles_of_a_mean_come_from_its_elements(view) -> None:
    details = details_of(view, "MEAN")
    assert "<b>Estimate</b>" in details
    assert "cycles from 35 input and 7 output elements: MLTK counts 0 ops for MEAN" in details
    assert "cycles from 35 bytes copied: MLTK counts 0 ops for CONCATENATION" in details_of(view, "CONCATENATION")
    assert "cycles from 4,000 bytes copied: MLTK counts 0 ops for RESHAPE" in details_of(view, "RESHAPE")


def test_layers_costed_from_their_ops_have_no_estimate_line(view) -> None:
    for op in ("CONV_2D", "FULLY_CONNECTED", "SOFTMAX", "PAD"):
        details = details_of(view, op)
        assert f": {op}</b>" in details and "Estimate" not in details
