"""The Profile panel with a real profile of the seed model (pytest-qt, offscreen)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from PySide6.QtCore import Qt

from workbench.gui.model.layer_table_model import COLUMNS, cell_text, column_index
from workbench.gui.model.netron_launch import netron_available
from workbench.gui.model.profile_view import SORT_ROLE, ProfileView
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
    on_mvp = column_index("MVP")
    # MLTK lists the dense layer as unsupported, but the kernel runs it on the MVP (large-input path)
    assert [view.proxy.index(r, on_mvp).data() for r in range(4)][0::2] == ["yes", "yes*"]
    tip = view.proxy.index(2, on_mvp).data(Qt.ItemDataRole.ToolTipRole)
    assert "weights_shape[1] (4000) > 2048" in tip and "still runs it" in tip


def test_a_small_count_is_a_whole_number_like_the_rest(view):
    """SOFTMAX's 20 ops read "20.0" beside "0" and "652.0k" (MLTK's notation gives every count a decimal)."""
    ops = column_index("Ops")
    assert [view.proxy.index(r, ops).data() for r in range(4)] == ["652.0k", "0", "32.0k", "20"]
    assert cell_text(COLUMNS[ops], 42.0) == "42" and cell_text(COLUMNS[ops], 999) == "999"
    assert cell_text(COLUMNS[ops], 1_304_000) == "1.3M" and cell_text(COLUMNS[ops], 0.5) == "500.0m"


def test_selecting_a_layer_shows_its_details(view):
    assert "Select a layer" in view.details_label.text()
    view.table.selectRow(2)
    details = view.details_label.text()
    assert "FULLY_CONNECTED" in details and "1x4000" in details
    assert "listed as unsupported by MLTK (weights_shape[1] (4000) &gt; 2048)" in details
    assert "large-input algorithm" in details


def test_measured_columns_appear_only_with_board_figures(view):
    from workbench.profiler.report import BoardMeasurement

    board_ms, error = column_index("Board ms"), column_index("Error")
    assert view.table.isColumnHidden(board_ms) and view.table.isColumnHidden(error)
    report = view.report
    for layer in report.layers:
        layer.measured = BoardMeasurement(source="test board", time_ms=(layer.time_ms or 0) * 2 or None)
    view.set_report(report)
    assert not view.table.isColumnHidden(board_ms)
    conv_estimate = report.layers[0].time_ms
    assert view.proxy.index(0, board_ms).data() == f"{conv_estimate * 2:.3f}"
    assert view.proxy.index(0, error).data() == "-50.0 %"  # the estimate is half the measurement


def test_sorting_by_macs_is_numeric(view):
    view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    macs = [view.proxy.index(r, 3).data(SORT_ROLE) for r in range(4)]
    assert macs[:2] == [320_000.0, 16_000.0] and macs == sorted(macs, reverse=True)
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [view.proxy.index(r, 0).data() for r in range(4)] == ["0", "1", "2", "3"]


def test_copy_gives_tab_separated_rows(view, qtbot):
    """Raw numbers (652000, not 652.0k): a spreadsheet sums them; only the columns shown, with a header."""
    view.table.selectRow(0)
    view.copy_selection()
    from PySide6.QtWidgets import QApplication
    text = QApplication.clipboard().text()
    lines = text.strip().split("\n")
    assert lines[0].startswith("#\tOp") and lines[1].startswith("0\tCONV_2D\t652000\t320000\t")
    assert "Board ms" not in lines[0] and "—" not in text  # no board measurement: those columns are hidden
    assert len(lines[0].split("\t")) == len(lines[1].split("\t"))
    assert lines[1].split("\t")[lines[0].split("\t").index("Time ms")] == repr(view.report.layers[0].time_ms)


def test_copy_follows_the_columns_as_shown(view):
    """Dragged columns are copied in the order the table shows them; without a selection, every row."""
    header = view.table.horizontalHeader()
    header.moveSection(column_index("MACs"), 0)
    lines = view.selected_text().strip().split("\n")
    assert lines[0].split("\t")[:3] == ["MACs", "#", "Op"]
    assert [line.split("\t")[0] for line in lines[1:]] == ["320000", "0", "16000", "0"]


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


def test_headline_tells_the_large_input_dense_layer_apart(view):
    text = view.headline.summary_label.text()
    assert "0 layers not supported on the MVP" in text
    assert "1 listed as unsupported by MLTK but run on the MVP anyway" in text


def test_layer_labels_thin_out_instead_of_overlapping(view):
    axis = view.chart.getAxis("bottom")
    assert axis.label_step(2000) == 1  # room for all four names
    wide = axis.tickValues(-0.5, 3.5, 2000)
    assert wide == [(1.0, [0.0, 1.0, 2.0, 3.0])]
    assert axis.tickStrings(wide[0][1], 1, 1) == ["0 conv_2d", "1 reshape", "2 fully_connected", "3 softmax"]
    narrow = axis.tickValues(-0.5, 3.5, 200)[0][1]
    assert 0.0 in narrow and len(narrow) < 4  # fewer labels, still starting at the first layer


def test_memory_bars_count_kb_as_kws_profile_does(view, reference_model_path, capsys):
    """1 kB = 1000 bytes in the bars, the unit `kws profile` (and MLTK) print: 21,616 bytes is 21.6 both ways."""
    from workbench.cli.main import main

    assert view.flash_bar.format().startswith("21.6 kB of 1572.9 kB")
    arena = view.report.summary.arena_bytes
    assert view.ram_bar.format().startswith(f"{arena / 1000:.1f} kB of 262.1 kB")
    assert main(["profile", str(reference_model_path)]) == 0
    assert "21.6k" in capsys.readouterr().out


@pytest.fixture
def profiled(qtbot, reference_model_path, settings_dir):
    """A view that profiles the model itself (as the window does), its choices kept in a real QSettings file."""
    from PySide6.QtCore import QSettings

    settings = QSettings(str(settings_dir / "profile.ini"), QSettings.Format.IniFormat)
    widget = ProfileView(settings=settings)
    qtbot.addWidget(widget)
    widget.show_model(reference_model_path.read_bytes(), "seed", reference_model_path)
    return widget, settings


def test_accelerator_and_clock_re_profile_like_the_cli(profiled, reference_model_path):
    from workbench.profiler.report import profile_model

    view, _ = profiled
    data = reference_model_path.read_bytes()
    assert view.accelerator == "mvp" and view.clock_hz == 78_000_000  # the CLI's defaults
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData("none"))
    cpu_only = profile_model(data, name="seed", accelerator="none")
    assert view.report.summary.accelerator == "none"
    assert view.report.summary.total_time_ms == cpu_only.summary.total_time_ms
    assert "CPU only" in view.headline.summary_label.text()
    assert "not supported on the MVP" not in view.headline.summary_label.text()  # nothing is asked of the MVP
    view.clock_box.setValue(39.0)
    half_clock = profile_model(data, name="seed", accelerator="none", clock_hz=39_000_000)
    assert view.report.summary.clock_hz == 39_000_000
    assert view.report.summary.total_time_ms == half_clock.summary.total_time_ms
    assert "at 39 MHz (CPU only)" in view.headline.summary_label.text()
    assert view.model_path == reference_model_path  # re-profiling keeps the file for Netron


def test_the_choice_is_remembered(profiled, qtbot, reference_model_path):
    view, settings = profiled
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData("none"))
    view.clock_box.setValue(50.0)
    settings.sync()
    again = ProfileView(settings=settings)
    qtbot.addWidget(again)
    assert again.accelerator == "none" and again.clock_hz == 50_000_000
    again.show_model(reference_model_path.read_bytes(), "seed")
    assert again.report.summary.accelerator == "none" and again.report.summary.clock_hz == 50_000_000


def test_a_board_report_sets_the_controls_without_re_profiling(profiled, reference_model_path):
    from workbench.profiler.report import profile_model

    view, settings = profiled
    board = profile_model(reference_model_path.read_bytes(), name="board", accelerator="none", clock_hz=40_000_000)
    view.set_report(board)
    assert view.report is board  # shown as it came, not replaced by a fresh estimate
    assert view.accelerator == "none" and view.clock_hz == 40_000_000


def test_export_never_replaces_a_bundled_model(view, tmp_path):
    from workbench.bundled_models import bundled_model_file
    from workbench.core.errors import WorkbenchError

    bundled = bundled_model_file("kws_yes_no")
    assert bundled is not None
    before = bundled.read_bytes()
    with pytest.raises(WorkbenchError, match="would overwrite the bundled model kws_yes_no.tflite"):
        view.export_to(bundled, "json")
    assert bundled.read_bytes() == before


def test_the_export_dialog_reports_through_the_window_not_a_modal_box(window, qtbot, tmp_path, monkeypatch):
    """A failed export is the window's non-blocking message; a good one a status-bar line naming the file."""
    from PySide6.QtWidgets import QFileDialog

    view = window.profile_view
    qtbot.waitUntil(lambda: bool(view.report.layers), timeout=30_000)
    folder = tmp_path / "a folder"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(folder), "")))
    view._export_dialog("csv")
    assert window.last_error is not None and window.last_error.startswith("The profile was not exported: ")
    assert str(folder) in window.last_error and folder.is_dir()
    good = tmp_path / "p.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(good), "")))
    view._export_dialog("csv")
    assert window.statusBar().currentMessage() == f"Profile exported to {good}"
    assert good.read_bytes() == view.export_to(tmp_path / "again.csv", "csv").read_bytes()


def test_a_model_tflite_micro_refuses_says_so_first_and_its_layer_runs_nowhere(qtbot) -> None:
    """An 11-input CONCATENATION fails to prepare on the board: the headline read as if it only left the MVP."""
    from tests.profiler.test_tflm_concatenation import one_concatenation
    from workbench.gui.model.layer_table_model import mvp_where

    report = profile_model(one_concatenation((7, 4)), name="w11")
    view = ProfileView(report)
    qtbot.addWidget(view)
    text = view.headline.summary_label.text()
    assert text.startswith("<b>Runs on TFLite Micro: no: TFLite Micro&#x27;s CONCATENATION takes at most 10 inputs")
    refused = [layer for layer in report.layers if not layer.runs_on_device]
    assert len(refused) == 1 and mvp_where(refused[0]).startswith("does not run on the board: ")
