"""The Profile panel with a real profile of the seed model (pytest-qt, offscreen)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from PySide6.QtCore import Qt

from workbench.gui.model.profile_view import SORT_ROLE, ProfileView, netron_available
from workbench.profiler.report import profile_model


@pytest.fixture
def view(qtbot, reference_model_path):
    report = profile_model(reference_model_path.read_bytes(), name="seed")
    widget = ProfileView(report, model_path=reference_model_path)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_rows_are_layers(view):
    assert view.proxy.rowCount() == 4
    ops = [view.proxy.index(r, 1).data() for r in range(4)]
    assert ops == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]
    assert view.proxy.index(2, 14).data() == "weights_shape[1] (4000) > 2048"


def test_sorting_by_macs_is_numeric(view):
    view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    macs = [view.proxy.index(r, 3).data(SORT_ROLE) for r in range(4)]
    assert macs[:2] == [320_000.0, 16_000.0] and macs == sorted(macs, reverse=True)
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [view.proxy.index(r, 0).data() for r in range(4)] == ["0", "1", "2", "3"]


def test_copy_gives_tab_separated_rows(view, qtbot):
    view.table.selectRow(0)
    view.copy_selection()
    from PySide6.QtWidgets import QApplication
    text = QApplication.clipboard().text()
    lines = text.strip().split("\n")
    assert lines[0].startswith("Index\tOp") and lines[1].startswith("0\tCONV_2D\t652.0k")


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_export_writes_parseable_file(view, tmp_path, fmt):
    path = view.export_to(tmp_path / f"p.{fmt}", fmt)
    text = path.read_text()
    if fmt == "json":
        assert [layer["ops"] for layer in json.loads(text)["layers"]] == [652_000, 0, 32_004, 20]
    elif fmt == "csv":
        assert len(list(csv.DictReader(io.StringIO(text)))) == 4
    else:
        assert text.count("\n| ") == 1 + 4 and "estimated" in text  # header + 4 layers


def test_memory_bars_chart_diagram_and_netron(view):
    assert view.flash_bar.maximum() == 1536 * 1024 and view.flash_bar.value() == 21_616
    assert view.ram_bar.maximum() == 256 * 1024 and view.ram_bar.value() == view.report.summary.arena_bytes
    assert view.ram_mvp_bar.value() == view.report.summary.arena_bytes_mvp
    assert len(view.chart.getPlotItem().items) == 2  # CPU and accelerator bars, stacked
    boxes = [view.diagram_layout.itemAt(i).widget() for i in range(view.diagram_layout.count())]
    assert sum(1 for b in boxes if b is not None) == 4
    assert view.netron_button.isEnabled() == netron_available()
