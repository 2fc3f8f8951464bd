"""Each folder of the Data list shows its weight beside it, and the keyboard edits it: F2 or a typed number on any
cell of a row opens a spin box named after the folder; Tab leaves the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDoubleSpinBox

from workbench.gui.training.data_list.dataset_folder_table import FOLDER_COLUMN, WEIGHT_COLUMN
from workbench.gui.training.data_list.dataset_panel import DatasetPanel
from workbench.gui.training.data_list.dataset_weights import DatasetFolder

EDIT_TIMEOUT_MS = 2000


@pytest.fixture
def panel(qtbot, tmp_path: Path) -> DatasetPanel:  # type: ignore[no-untyped-def]
    panel = DatasetPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_folders([tmp_path / "speech_commands", DatasetFolder(tmp_path / "synthetic", 0.5)])
    yield panel
    panel.shutdown()


def _weight_editor(qtbot) -> QDoubleSpinBox:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QDoubleSpinBox), timeout=EDIT_TIMEOUT_MS)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QDoubleSpinBox)
    return editor


def test_the_list_shows_each_folders_weight_beside_it(panel: DatasetPanel, tmp_path: Path) -> None:
    table = panel.list
    assert [table.horizontalHeaderItem(c).text() for c in (FOLDER_COLUMN, WEIGHT_COLUMN)] == ["folder", "weight"]
    assert "DIR:WEIGHT" in table.horizontalHeaderItem(WEIGHT_COLUMN).toolTip()
    assert [table.item(row, WEIGHT_COLUMN).text() for row in range(table.rowCount())] == ["1", "0.5"]
    assert table.item(1, FOLDER_COLUMN).toolTip() == str(tmp_path / "synthetic")
    assert panel.folders() == [tmp_path / "speech_commands", tmp_path / "synthetic"]
    assert not table.tabKeyNavigation()  # Tab moves on to the buttons, arrows move within the list


def test_f2_on_a_folder_edits_its_weight_and_says_the_list_changed(panel: DatasetPanel, qtbot,
                                                                   tmp_path: Path) -> None:
    changes: list[bool] = []
    panel.changed.connect(lambda: changes.append(True))
    table = panel.list
    table.setFocus()
    table.setCurrentCell(1, FOLDER_COLUMN)  # the cursor on the folder's name, not on its weight
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = _weight_editor(qtbot)
    assert editor.accessibleName() == "Weight of synthetic" and editor.value() == 0.5
    editor.selectAll()
    qtbot.keyClicks(editor, "2.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.weighted_folders()[1].weight == 2.5, timeout=EDIT_TIMEOUT_MS)
    assert panel.weighted_folders() == [DatasetFolder(tmp_path / "speech_commands"),
                                        DatasetFolder(tmp_path / "synthetic", 2.5)]
    assert changes == [True] and table.item(1, WEIGHT_COLUMN).text() == "2.5"


def test_a_number_typed_on_a_row_becomes_its_weight(panel: DatasetPanel, qtbot, tmp_path: Path) -> None:
    table = panel.list
    table.setFocus()
    table.setCurrentCell(0, FOLDER_COLUMN)
    qtbot.keyClick(table, Qt.Key.Key_3)
    editor = _weight_editor(qtbot)
    assert editor.accessibleName() == "Weight of speech_commands"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.weighted_folders()[0].weight == 3.0, timeout=EDIT_TIMEOUT_MS)


def test_adding_a_listed_folder_keeps_its_weight_and_remove_takes_both(panel: DatasetPanel, tmp_path: Path) -> None:
    panel.add_folder(tmp_path / "synthetic")  # a builder that wrote into the same folder again
    assert panel.weighted_folders()[1] == DatasetFolder(tmp_path / "synthetic", 0.5)
    panel.list.selectRow(0)
    panel.remove_button.click()
    assert panel.weighted_folders() == [DatasetFolder(tmp_path / "synthetic", 0.5)]
    assert panel.list.item(0, WEIGHT_COLUMN).text() == "0.5"
