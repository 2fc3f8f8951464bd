"""The Model workspace's parameter table edited with keyboard and mouse: only the "In use now" cell ever opens an
editor; F2 or Enter on a row edits it; the name and the file's value stay read-only. ``sensitivity``, which the
workbench does not use, promises no edit. A real table on the reference model, real key and mouse events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from workbench.core.detection.settings import DetectionSettings
from workbench.core.detection.tuning import DetectionTuning
from workbench.core.model.model_file import load_model, model_with_params
from workbench.gui.model.parameter_table_view import (
    COLUMN_FILE, COLUMN_NAME, COLUMN_NOW, GROUP_DETECTION, GROUP_OTHER, ParameterTableView,
)


@pytest.fixture
def table(qtbot, reference_model_path):
    model = load_model(reference_model_path)
    model = model_with_params(model, {"sensitivity": 0.5})
    tuning = DetectionTuning(DetectionSettings.from_params(model.params), classes=model.classes)
    widget = ParameterTableView()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.set_params(model.params, tuning)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, tuning


def editor(table: ParameterTableView) -> QLineEdit | None:
    focused = QApplication.focusWidget()
    return focused if table.state() == table.State.EditingState and isinstance(focused, QLineEdit) else None


def double_click(table: ParameterTableView, key: str, column: int) -> None:
    """As a user does it: a press and release, then the second press (a double-click on another cell is none)."""
    rect = table.visualItemRect(table.item(key))
    point = QPoint(table.header().sectionPosition(column) + 5, rect.center().y())
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def type_into(line: QLineEdit, text: str) -> None:
    line.selectAll()
    QTest.keyClicks(line, text)
    QTest.keyClick(line, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits the editor's text in a queued call


@pytest.mark.parametrize("key", [Qt.Key.Key_F2, Qt.Key.Key_Return])
def test_f2_or_enter_on_a_row_edits_its_value_in_use(table, key) -> None:
    view, tuning = table
    item = view.item("detection_threshold")
    view.setFocus()
    view.setCurrentItem(item, COLUMN_NAME)  # where the arrow keys leave the cursor: the row's first column
    QTest.keyClick(view, key)
    line = editor(view)
    assert line is not None and line.text() == item.text(COLUMN_NOW)
    type_into(line, "201")
    assert tuning.settings.detection_threshold == 201
    assert item.text(COLUMN_NAME) == "detection_threshold"  # the name was never edited
    assert item.text(COLUMN_FILE) == "185" and item.text(COLUMN_NOW) == "201"


def test_the_file_and_name_cells_open_no_editor(table) -> None:
    view, tuning = table
    before = tuning.settings
    for column in (COLUMN_NAME, COLUMN_FILE):
        double_click(view, "latency_ms", column)
        assert editor(view) is None, f"column {column} opened an editor"
    assert tuning.settings == before


def test_double_clicking_the_value_in_use_edits_it(table) -> None:
    view, tuning = table
    double_click(view, "minimum_count", COLUMN_NOW)
    line = editor(view)
    assert line is not None
    type_into(line, "4")
    assert tuning.settings.minimum_count == 4


def test_a_read_only_row_opens_no_editor_from_the_keyboard(table) -> None:
    view, _tuning = table
    view.setFocus()
    view.setCurrentItem(view.item("fe.window_step_ms"), COLUMN_NAME)
    QTest.keyClick(view, Qt.Key.Key_F2)
    assert editor(view) is None


def test_sensitivity_says_the_workbench_does_not_use_it(table) -> None:
    view, _tuning = table
    shown = view.shown(COLUMN_FILE)
    assert "sensitivity" in shown[GROUP_OTHER] and "sensitivity" not in shown[GROUP_DETECTION]
    item = view.item("sensitivity")
    assert not item.flags() & Qt.ItemFlag.ItemIsEditable
    assert "not used by the workbench" in item.toolTip(COLUMN_NOW)
    assert "Double-click" not in item.toolTip(COLUMN_NOW)
