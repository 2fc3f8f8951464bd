"""The spec settings dialog with the keyboard alone: F2 or Enter on a row edits its value wherever the cursor is in
the row, Enter in the editor commits the value and leaves the dialog open (it pressed OK and closed it), Enter on a
section does nothing, Enter in the filter goes to the first setting it shows (it pressed OK and closed the dialog with
the changes made so far), and the hint says which keys edit. Real key events on a real ``kws specs`` listing. And at a
large font the dialog leaves its screen room for a title bar (it took the screen's whole height)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from workbench.gui.training.spec_settings_dialog import SETTING_COLUMN, VALUE_COLUMN, SpecSettingsDialog
from workbench.gui.widgets.small_screen import FRAME_ALLOWANCE_PX

CHILD_TIMEOUT_MS = 60_000  # a safety net for a hung child, not a timing of the test
MASK = "augmentation.mask_share"


@pytest.fixture
def dialog(qtbot):  # type: ignore[no-untyped-def]
    """The dialog of the default spec, shown and active, once its listing child has answered."""
    view = SpecSettingsDialog("default")
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(lambda: not view.child.running, timeout=CHILD_TIMEOUT_MS)
    yield view
    view.child.wait_stopped()


def editor(dialog: SpecSettingsDialog) -> QLineEdit | None:
    focused = QApplication.focusWidget()
    editing = dialog.tree.state() == dialog.tree.State.EditingState
    return focused if editing and isinstance(focused, QLineEdit) and focused is not dialog.filter else None


@pytest.mark.parametrize("key", [Qt.Key.Key_F2, Qt.Key.Key_Return])
def test_f2_or_enter_on_a_row_edits_its_value_and_enter_keeps_the_dialog_open(dialog, qtbot, key) -> None:
    row = dialog.row(MASK)
    dialog.tree.setFocus()
    dialog.tree.setCurrentItem(row, SETTING_COLUMN)  # where the arrow keys leave the cursor
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.tree)
    QTest.keyClick(dialog.tree, key)
    line = editor(dialog)
    assert line is not None and line.text() == row.text(VALUE_COLUMN) == "0.0"
    line.selectAll()
    QTest.keyClicks(line, "0.5")
    QTest.keyClick(line, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits the editor's text in a queued call
    assert dialog.changes() == {MASK: "0.5"} and row.text(SETTING_COLUMN) == "mask_share"  # the name never edited
    assert dialog.isVisible() and not dialog.child.running and dialog.result() != QDialog.DialogCode.Accepted
    assert editor(dialog) is None


def test_enter_on_a_section_neither_edits_nor_closes_and_the_hint_names_the_keys(dialog, qtbot) -> None:
    section = dialog.row(MASK).parent()
    dialog.tree.setFocus()
    dialog.tree.setCurrentItem(section, SETTING_COLUMN)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.tree)
    QTest.keyClick(dialog.tree, Qt.Key.Key_Return)
    assert editor(dialog) is None and dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "F2 or Enter" in dialog.message.text() and "F2 or Enter" in dialog.row(MASK).toolTip(VALUE_COLUMN)


def test_enter_in_the_filter_goes_to_the_first_setting_shown_and_keeps_the_dialog_open(dialog, qtbot) -> None:
    dialog.set_value("training.max_epochs", "3")  # a change made before filtering: not taken by an Enter in the filter
    dialog.filter.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.filter)
    QTest.keyClicks(dialog.filter, "mask")
    QTest.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted and not dialog.child.running
    assert QApplication.focusWidget() is dialog.tree and dialog.tree.currentItem() is dialog.row(MASK)
    assert dialog.visible_paths()[0] == MASK
    QTest.keyClick(dialog.tree, Qt.Key.Key_Return)  # and Enter there edits the value found
    assert editor(dialog) is not None


def test_at_a_large_font_the_dialog_leaves_room_for_its_title_bar(  # type: ignore[no-untyped-def]
        large_font, dialog) -> None:
    available = dialog.screen().availableGeometry()
    assert dialog.height() + FRAME_ALLOWANCE_PX[1] <= available.height()
    assert dialog.width() + FRAME_ALLOWANCE_PX[0] <= available.width()
