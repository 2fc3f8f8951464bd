"""The Pareto table keeps its short headers ("Count", "Window ms") and says in each header's tooltip what the column
is: a parameter by the name the Tuning panel gives it and its metadata key, latency as the delay from a keyword's
end to its detection. Before, a header's tooltip only repeated the header."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from workbench.core.detection.tuning import parameter_spec
from workbench.gui.calibration.pareto_table_view import ParetoTableView

ROW = {"fa_per_hour": 98.0, "frr": 0.4478, "detection_threshold": 248, "average_window_duration_ms": 1500,
       "suppression_ms": 2000, "minimum_count": 5, "fa_per_hour_speech": 98.0, "fa_per_hour_background": 12.5,
       "latency_mean_s": 0.5027, "latency_p95_s": 0.6851,
       "per_keyword": {"yes": {"frr": 0.3088}, "no": {"frr": 0.3014}}}
CLASSES = ("yes", "no", "_unknown_", "_silence_")
PARAMETER_COLUMNS = {"Threshold": "detection_threshold", "Window ms": "average_window_duration_ms",
                     "Suppression ms": "suppression_ms", "Count": "minimum_count"}


@pytest.fixture
def headers(qtbot) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """{header as shown on one line: its tooltip} of a table filled as a calibration of a yes/no model fills it."""
    view = ParetoTableView()
    qtbot.addWidget(view)
    model = view.table_model
    model.set_rows([ROW], CLASSES, ROW)
    horizontal = Qt.Orientation.Horizontal
    return {model.headerData(c, horizontal).replace("\n", " "): model.headerData(c, horizontal,
                                                                                  Qt.ItemDataRole.ToolTipRole)
            for c in range(model.columnCount())}


def test_every_header_says_more_in_its_tooltip_than_the_header(headers: dict[str, str]) -> None:
    assert len(headers) == 12
    assert all(tip and tip != header and len(tip) > len(header) for header, tip in headers.items())


@pytest.mark.parametrize(("header", "key"), PARAMETER_COLUMNS.items())
def test_a_parameter_column_names_the_tuning_panels_parameter_and_its_metadata_key(headers: dict[str, str],
                                                                                  header: str, key: str) -> None:
    tip = headers[header]
    assert parameter_spec(key).label in tip and f"metadata key {key}" in tip


def test_the_latency_columns_say_from_where_to_where(headers: dict[str, str]) -> None:
    for header in ("Latency mean ms", "Latency p95 ms"):
        assert "from the end of a detected keyword to its detection" in headers[header]
    assert headers["Latency p95 ms"].startswith("95th percentile")
    assert "“yes”" in headers["FRR yes %"] and "background-only" in headers["Background FA/h"]


def test_the_fa_columns_say_every_hour_of_the_stream_counts_and_latency_starts_at_the_labelled_end(
        headers: dict[str, str]) -> None:
    """FA/h divides by the whole stream's duration, keywords included; "per hour of the labelled stream: its other
    words, silences and noise between the keywords" read as the hours between the keywords alone."""
    for header in ("FA/h", "Speech FA/h"):
        assert "the whole stream, keywords included" in headers[header]
    assert "between the keywords" not in headers["Speech FA/h"]
    for header in ("Latency mean ms", "Latency p95 ms"):
        assert "the keyword's end as labelled" in headers[header]


def test_ctrl_c_copies_the_selected_set_as_tab_separated_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A parameter set goes into a note or a bug report as a row with its header (its two-line headers on one line),
    as the Profile's rows do: Qt's own copy took the current cell alone ("98.0")."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    view = ParetoTableView()
    qtbot.addWidget(view)
    view.table_model.set_rows([ROW, {**ROW, "detection_threshold": 200}], CLASSES, ROW)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=2000)
    view.select_row(1)
    view.setFocus()
    QApplication.clipboard().clear()
    QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    header, row, *more = QApplication.clipboard().text().splitlines()
    columns = header.split("\t")
    assert not more and len(columns) == view.table_model.columnCount() and "FRR %" in columns
    assert row.split("\t")[columns.index("Threshold")] == "200"
