"""The Data list: the dataset folders a run trains on, and how much each one's training clips count.

Why a table with a weight column, not a list with a spin box for the selected folder: the weight
(``kws train --dataset DIR:WEIGHT``) belongs to its folder and is read beside it at a glance -- a synthetic set at
0.5 next to Speech Commands at 1 -- where a spin box would show one folder's weight and hide the others'.

Why every edit of a row opens its weight: the folder itself is a fact (Add folder… and Remove change the list), so
F2, a typed number or a double-click anywhere on a row edits the one thing that can be edited, wherever the
keyboard's cursor is; Tab leaves the table (arrows move within it), as in the workspace's other tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QStyledItemDelegate, QStyleOptionViewItem, QTableWidget,
    QTableWidgetItem, QWidget,
)

from workbench.gui.training.data_list.dataset_weights import DEFAULT_WEIGHT, DatasetFolder
from workbench.gui.widgets.decimal_spin_box import DecimalSpinBox

FOLDER_COLUMN, WEIGHT_COLUMN = 0, 1
COLUMN_TITLES = ("folder", "weight")
ROWS_SHOWN = 3  # the list's height: three folders, then it scrolls (the summary table below gets the room)
MAX_WEIGHT = 100.0  # an editor's bound: a weight above it is a typing slip, not a dataset counted 100 times
WEIGHT_STEP = 0.1
WEIGHT_DECIMALS = 2
PATH_ROLE = Qt.ItemDataRole.UserRole  # the folder's path, as given (its text may be elided)
WEIGHT_TIP = ("How much this folder's training clips count (kws train --dataset DIR:WEIGHT): 1 as they are, 0.5 "
              "half of them, 2 each twice; its validation and test clips are not weighed. F2 or a double-click "
              "edits it")
FOLDER_TIP = "Dataset folders to train on: one subfolder of clips per word, like Speech Commands"
EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                 | QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked)
ModelIndex = QModelIndex | QPersistentModelIndex


class _WeightEditor(QStyledItemDelegate):
    """A spin box for the weight column (no editor for the folder), named after its folder for a screen reader."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 (Qt API)
                     index: ModelIndex) -> QWidget | None:
        if index.column() != WEIGHT_COLUMN:
            return None
        box = DecimalSpinBox(parent)
        box.setDecimals(WEIGHT_DECIMALS)
        box.setRange(0.0, MAX_WEIGHT)  # 0 is typed by users who mean "leave it out": the form says to remove it
        box.setSingleStep(WEIGHT_STEP)
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        path = Path(str(index.siblingAtColumn(FOLDER_COLUMN).data(PATH_ROLE)))
        box.setAccessibleName(f"Weight of {path.name or path}")
        return box

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,  # noqa: N802 (Qt API)
                             index: ModelIndex) -> None:
        """The cell, widened to the left to the spin box's own width: the column fits "weight" and "0.5", the
        editor also "100.00" and its arrows (at a large font, more than the column)."""
        super().updateEditorGeometry(editor, option, index)
        shortfall = max(0, editor.sizeHint().width() - editor.width())
        editor.setGeometry(editor.geometry().adjusted(-shortfall, 0, 0, 0))


class DatasetFolderTable(QTableWidget):
    """Folders and their weights (see the module docstring); ``weights_changed()`` when a weight is edited."""

    weights_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMN_TITLES), parent)
        self.setHorizontalHeaderLabels(list(COLUMN_TITLES))
        self.horizontalHeaderItem(FOLDER_COLUMN).setToolTip(FOLDER_TIP)
        self.horizontalHeaderItem(WEIGHT_COLUMN).setToolTip(WEIGHT_TIP)
        header = self.horizontalHeader()
        header.setSectionResizeMode(FOLDER_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(WEIGHT_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTextElideMode(Qt.TextElideMode.ElideLeft)  # folders differ in their names, not in their parents
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setEditTriggers(EDIT_TRIGGERS)
        self.setItemDelegate(_WeightEditor(self))
        self.setMaximumHeight(header.sizeHint().height() + ROWS_SHOWN * self.verticalHeader().defaultSectionSize()
                              + 2 * self.frameWidth())
        self.itemChanged.connect(self._item_changed)

    def folders(self) -> list[DatasetFolder]:
        return [DatasetFolder(Path(str(self.item(row, FOLDER_COLUMN).data(PATH_ROLE))), self._weight(row))
                for row in range(self.rowCount())]

    def set_folders(self, folders: Sequence[DatasetFolder]) -> None:
        self.setRowCount(0)
        for folder in folders:
            self.add_folder(folder)

    def add_folder(self, folder: DatasetFolder) -> bool:
        """Add ``folder`` at the end; False (and its weight unchanged) when the list has it already."""
        if str(folder.path) in [str(f.path) for f in self.folders()]:
            return False
        row = self.rowCount()
        path = QTableWidgetItem(str(folder.path))
        path.setData(PATH_ROLE, str(folder.path))
        path.setToolTip(str(folder.path))
        path.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        weight = QTableWidgetItem()
        weight.setData(Qt.ItemDataRole.EditRole, float(folder.weight))
        weight.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        weight.setToolTip(WEIGHT_TIP)
        self.blockSignals(True)  # a new row is no edited weight
        try:
            self.insertRow(row)
            self.setItem(row, FOLDER_COLUMN, path)
            self.setItem(row, WEIGHT_COLUMN, weight)
        finally:
            self.blockSignals(False)
        return True

    def remove_selected(self) -> bool:
        """Remove the selected rows; False when none was selected."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            self.removeRow(row)
        return bool(rows)

    def edit(self, index: ModelIndex, trigger: QAbstractItemView.EditTrigger | None = None,  # type: ignore[override]
             event: QEvent | None = None) -> bool:
        """Any edit of a row edits its weight (see the module docstring) -- but a click on a selected row's folder
        only selects it (a second click before Remove is no request to edit)."""
        if trigger == QAbstractItemView.EditTrigger.SelectedClicked and index.column() == FOLDER_COLUMN:
            return False
        weight = self.model().index(index.row(), WEIGHT_COLUMN) if index.isValid() else index
        if trigger is None:
            super().edit(weight)
            return True
        return super().edit(weight, trigger, event)

    def _weight(self, row: int) -> float:
        value = self.item(row, WEIGHT_COLUMN).data(Qt.ItemDataRole.EditRole)
        return float(value) if isinstance(value, (int, float)) else DEFAULT_WEIGHT

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == WEIGHT_COLUMN:
            self.weights_changed.emit()
