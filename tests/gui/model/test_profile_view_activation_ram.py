"""The Profile panel's activation RAM: a column of the layer table with the peak layer marked in words and bold (not
by colour alone), and a line of the Layer box (pytest-qt, offscreen, the real seed model)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from workbench.gui.model.layer_table_model import column_index
from workbench.gui.model.profile_view import SORT_ROLE, ProfileView
from workbench.profiler.report import profile_model

RESHAPE_ROW, CONV_ROW = 1, 0
SEED_ACTIVATIONS = {"mvp": [9_888, 8_000, 4_016, 32], "none": [6_288, 8_000, 4_016, 32]}  # tests/profiler


@pytest.fixture
def view(qtbot, reference_model_path) -> ProfileView:
    widget = ProfileView(model_path=reference_model_path)
    qtbot.addWidget(widget)
    widget.show_model(reference_model_path.read_bytes(), "seed", reference_model_path)
    widget.show()
    return widget


def _column(view: ProfileView, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    activation = column_index("Activation RAM")
    return [view.proxy.index(row, activation).data(role) for row in range(view.proxy.rowCount())]


def test_the_table_shows_each_layers_activation_ram_and_marks_the_peak(view):
    assert not view.table.isColumnHidden(column_index("Activation RAM"))
    # with the MVP the conv holds its input as float16 as well: the conv is the peak
    assert _column(view) == ["9,888 (peak)", "8,000", "4,016", "32"]
    assert _column(view, SORT_ROLE) == [9_888.0, 8_000.0, 4_016.0, 32.0]  # sorts by the number, not the mark
    fonts = _column(view, Qt.ItemDataRole.FontRole)
    assert isinstance(fonts[CONV_ROW], QFont) and fonts[CONV_ROW].bold()
    assert [font for row, font in enumerate(fonts) if row != CONV_ROW] == [None] * 3
    tips = _column(view, Qt.ItemDataRole.ToolTipRole)
    assert "The most activation RAM of any layer: 9,888 bytes" in tips[CONV_ROW]
    assert "most activation RAM" not in tips[RESHAPE_ROW]


def test_the_layer_box_gives_the_figure_and_says_which_layer_is_the_peak(view):
    view.table.selectRow(RESHAPE_ROW)
    reshape = view.details_label.text()
    assert "Activation RAM" in reshape and "8,000 bytes live while it runs" in reshape and "the peak" not in reshape
    view.table.selectRow(CONV_ROW)
    conv = view.details_label.text()
    assert "9,888 bytes live while it runs" in conv and "the peak: no other layer needs more" in conv


def test_the_figures_follow_the_accelerator(view):
    """CPU only, the conv needs CMSIS-NN's scratch: the column and the box follow the re-estimate."""
    view.table.selectRow(CONV_ROW)
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData("none"))
    assert [layer.activation_bytes for layer in view.report.layers] == SEED_ACTIVATIONS["none"]
    assert _column(view)[CONV_ROW] == "6,288" and "6,288 bytes live" in view.details_label.text()


def test_copy_gives_the_raw_figure_without_the_mark(view):
    view.table.selectRow(RESHAPE_ROW)
    header, row = view.selected_text().strip().split("\n")
    assert row.split("\t")[header.split("\t").index("Activation RAM")] == "8000"


def test_a_report_set_directly_marks_its_own_peak(qtbot, reference_model_path):
    report = profile_model(reference_model_path.read_bytes(), name="seed", accelerator="none")
    widget = ProfileView(report)
    qtbot.addWidget(widget)
    assert _column(widget) == ["6,288", "8,000 (peak)", "4,016", "32"]
