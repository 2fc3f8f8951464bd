"""The Profile panel at a small size and a large font, its selection across re-estimates, and a board
measurement kept while the accelerator or clock is changed (pytest-qt, offscreen, the real seed model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from workbench.gui.model.layer_table_model import column_index
from workbench.gui.model.profile_view import ProfileView

SIM_LOGS = Path(__file__).resolve().parents[2] / "board" / "sim"
# the Profile workspace's share of a 1280x720 window (the workspace list and the status bar take the rest)
SMALL_WIDTH, SMALL_HEIGHT = 1110, 560
LARGE_POINT_SIZE = 16
LAST_ROW, DENSE_ROW = 3, 2


@pytest.fixture
def profiled(qtbot, reference_model_path: Path, settings_dir: Path) -> ProfileView:
    from PySide6.QtCore import QSettings

    settings = QSettings(str(settings_dir / "profile.ini"), QSettings.Format.IniFormat)
    view = ProfileView(settings=settings)
    qtbot.addWidget(view)
    view.show_model(reference_model_path.read_bytes(), "seed", reference_model_path)
    return view


def _row_is_visible(view: ProfileView, row: int) -> bool:
    rect = view.table.visualRect(view.proxy.index(row, 0))
    return rect.isValid() and view.table.viewport().rect().contains(rect)


def test_a_small_window_with_a_large_font_keeps_every_detail_readable(profiled, qtbot):
    view = profiled
    font = QFont(view.font())
    font.setPointSize(LARGE_POINT_SIZE)
    view.setFont(font)
    view.resize(SMALL_WIDTH, SMALL_HEIGHT)
    view.show()
    qtbot.waitExposed(view)
    view.table.selectRow(LAST_ROW)
    QApplication.processEvents()
    rows_shown = (view.table.viewport().height()) // view.table.verticalHeader().defaultSectionSize()
    assert rows_shown >= 2  # the table is not squeezed to one row by the details below it
    assert _row_is_visible(view, LAST_ROW)  # and the selected row is scrolled into view
    label = view.details_label
    assert "Accelerator" in label.text()
    assert label.height() >= label.heightForWidth(label.width())  # every line of the details, the last too
    scroll = view.details_scroll
    assert scroll.verticalScrollBar().maximum() > 0  # ... which the details scroll to, not cut off


def test_the_details_follow_the_current_row_of_a_multiple_selection(profiled, qtbot):
    view = profiled
    view.show()
    qtbot.waitExposed(view)
    view.table.selectRow(0)
    centre = view.table.visualRect(view.proxy.index(DENSE_ROW, 1)).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     QPoint(centre))
    assert len(view.table.selectionModel().selectedRows()) == 2
    assert "2: FULLY_CONNECTED" in view.details_label.text()


def test_the_selected_layer_stays_selected_when_re_estimated(profiled):
    view = profiled
    view.table.selectRow(DENSE_ROW)
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData("none"))
    assert view.report.summary.accelerator == "none"
    assert [i.row() for i in view.table.selectionModel().selectedRows()] == [DENSE_ROW]
    assert "2: FULLY_CONNECTED" in view.details_label.text()
    view.clock_box.setValue(39.0)
    assert [i.row() for i in view.table.selectionModel().selectedRows()] == [DENSE_ROW]


def test_a_board_measurement_comes_back_with_its_accelerator_and_clock(profiled, reference_model_path: Path):
    from workbench.board.logs.profiler_log import parse_profiler_log
    from workbench.board.runs.measured_report import attach_measurements
    from workbench.profiler.report import profile_model

    view = profiled
    log = parse_profiler_log((SIM_LOGS / "profiler_mvp.log").read_text())
    board = attach_measurements(profile_model(reference_model_path.read_bytes(), name="seed"), log,
                                source="test board", platform="brd2601")
    view.set_report(board)
    board_ms = column_index("Board ms")
    assert not view.table.isColumnHidden(board_ms)
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData("none"))
    assert view.table.isColumnHidden(board_ms) and view.report.summary.accelerator == "none"
    headline = view.headline.summary_label.text()
    assert "kept" in headline and "Accelerator MVP at 78 MHz" in headline
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData("mvp"))
    assert view.report is board and not view.table.isColumnHidden(board_ms)
    assert "Measured on the board" in view.headline.summary_label.text()
    view.clock_box.setValue(39.0)  # compared at 78 MHz: not beside an estimate at another clock
    assert view.table.isColumnHidden(board_ms)
    view.show_model(_other_model(), "other")
    view.clock_box.setValue(78.0)
    assert view.report is not board and "kept" not in view.headline.summary_label.text()


def _other_model() -> bytes:
    from workbench.bundled_models import bundled_model_file

    path = bundled_model_file("kws_yes_no")
    assert path is not None
    return path.read_bytes()


def test_labels_tooltips_and_axis_say_what_they_show(profiled):
    view = profiled
    keyboard = Qt.TextInteractionFlag.TextSelectableByKeyboard
    for label in (view.headline.summary_label, view.details_label):
        assert label.textInteractionFlags() & keyboard
        assert label.focusPolicy() & Qt.FocusPolicy.TabFocus
    tip = view.proxy.headerData(column_index("Time ms"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "chosen clock" in tip and "board's clock" not in tip
    axis = view.chart.getAxis("left")
    assert axis.tickStrings([0.0, 1e6, 2e6], 1.0, 1e6) == ["0", "1M", "2M"]
    assert axis.tickStrings([0.0, 2e5, 4e5], 1.0, 2e5) == ["0", "200k", "400k"]
    chip = view.memory.chip_label.text()
    assert "KiB" not in chip and "1572.9 kB flash" in chip and "1536" in chip


def _board_report(data: bytes, accelerator: str):
    """The seed's estimate for ``accelerator`` with the simulated board's measurements of it attached."""
    from workbench.board.logs.profiler_log import parse_profiler_log
    from workbench.board.runs.measured_report import attach_measurements
    from workbench.profiler.report import profile_model

    log = parse_profiler_log((SIM_LOGS / f"profiler_{accelerator}.log").read_text())
    return attach_measurements(profile_model(data, name="seed", accelerator=accelerator), log,
                               source="test board", platform="brd2601")


def test_a_board_measurement_is_kept_for_each_accelerator(profiled, reference_model_path: Path):
    view = profiled
    data = reference_model_path.read_bytes()
    with_mvp, cpu_only = _board_report(data, "mvp"), _board_report(data, "none")
    view.set_report(with_mvp)
    view.set_report(cpu_only)  # measured CPU only after the MVP: both are kept
    assert view.accelerator == "none" and view.report is cpu_only
    assert "Accelerator MVP at 78 MHz" in view.headline.summary_label.text()
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData("mvp"))
    assert view.report is with_mvp and "Measured on the board" in view.headline.summary_label.text()
    assert "Accelerator none (CPU only) at 78 MHz" in view.headline.summary_label.text()
    view.clock_box.setValue(39.0)
    text = view.headline.summary_label.text()
    assert view.report not in (with_mvp, cpu_only) and "2 board measurements of this model are kept" in text
    view.clock_box.setValue(78.0)
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData("none"))
    assert view.report is cpu_only and not view.table.isColumnHidden(column_index("Board ms"))


def test_a_board_measurement_survives_a_rewrite_of_the_parameters_only(profiled, reference_model_path: Path):
    """The network is unchanged (the same identity): its measurement still applies; another network drops it."""
    from workbench.core.model.model_file import load_model, model_with_params

    view = profiled
    loaded = load_model(reference_model_path)
    board = _board_report(loaded.tflite, "mvp")
    view.set_report(board)
    rewritten = model_with_params(loaded, {"detection_threshold": 200})
    assert rewritten.tflite != loaded.tflite and rewritten.identity == loaded.identity
    view.show_model(rewritten.tflite, rewritten.name, reference_model_path)
    assert view.report is board and "Measured on the board" in view.headline.summary_label.text()
    view.show_loaded_model(rewritten)
    assert view.report is board  # the window's LoadedModel, whose identity was computed at load, says the same
    view.show_model(_other_model(), "other")
    view.show_model(rewritten.tflite, rewritten.name, reference_model_path)
    assert view.report is not board and "kept" not in view.headline.summary_label.text()
