"""The Model workspace's parameter table in a small window at a large font: the "In use now" column stays on
screen, and F2 opens its editor where it can be seen (scrolled to, never left beyond the viewport's right edge).
A real window at 1280x720 with a 16 pt application font, real key events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from workbench.gui.model.parameter_table_view import COLUMN_NAME, COLUMN_NOW, ParameterTableView

SMALL_WINDOW = (1280, 720)


@pytest.fixture
def table(large_font, window, qtbot) -> ParameterTableView:
    window.resize(*SMALL_WINDOW)
    window.show_workspace("model")
    view = window.findChild(ParameterTableView)
    qtbot.waitUntil(lambda: view.isVisible() and view.viewport().width() > 0)
    QApplication.processEvents()
    return view


def test_the_in_use_column_is_inside_the_narrow_table(table: ParameterTableView) -> None:
    header = table.header()
    right = header.sectionViewportPosition(COLUMN_NOW) + header.sectionSize(COLUMN_NOW)
    assert header.sectionViewportPosition(COLUMN_NOW) >= 0 and right <= table.viewport().width()
    assert header.sectionSize(COLUMN_NAME) >= table.fontMetrics().horizontalAdvance("suppression_ms")


def test_f2_opens_an_editor_that_can_be_seen(table: ParameterTableView, qtbot) -> None:
    table.setFocus()
    table.setCurrentItem(table.item("suppression_ms"), COLUMN_NAME)
    QTest.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: table.state() == table.State.EditingState)
    editors = [e for e in table.findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    shown = editors[0].geometry().intersected(table.viewport().rect())
    assert shown.width() >= editors[0].width() // 2 and shown.height() > 0  # on screen, not a sliver at the edge
