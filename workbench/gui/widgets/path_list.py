"""A short list of files with Add… and Remove: the calibration's background recordings and models to compare, a
stream's noise recordings.

Why names, not paths: the lists sit in narrow columns, and the file names tell the files apart; each item's tooltip
holds its whole path.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette, QPaintEvent
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

LIST_MAX_HEIGHT_PX = 80
HINT_MARGIN_PX = 4


class _HintedList(QListWidget):
    """A list that says what an empty list means (as a line edit's placeholder does): an empty Noise list is the
    dataset's own noise, not none."""

    def __init__(self, hint: str) -> None:
        super().__init__()
        self.hint = hint

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if self.count() or not self.hint:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(HINT_MARGIN_PX, HINT_MARGIN_PX, -HINT_MARGIN_PX, -HINT_MARGIN_PX)
        painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                         self.hint)
        painter.end()


class PathList(QWidget):
    """A short list of files with Add… and Remove (background recordings, models to compare)."""

    def __init__(self, title: str, file_filter: str, tooltip: str, parent: QWidget | None = None,
                 empty_hint: str = "") -> None:
        """``empty_hint``: what the list stands for while it is empty, shown in it."""
        super().__init__(parent)
        self._title, self._filter = title, file_filter
        self.list = _HintedList(empty_hint)
        self.list.setToolTip(tooltip)
        self.list.setAccessibleName(title)
        self.list.setMaximumHeight(LIST_MAX_HEIGHT_PX)
        self.add_button = QPushButton("Add…")
        self.add_button.setToolTip(f"Choose files to add to “{title}”")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(f"Remove the selected files from “{title}” (they stay on disk)")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)

    def paths(self) -> list[Path]:
        return [Path(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())]

    def set_paths(self, paths: list[Path]) -> None:
        """Show each file's name (its folder in the tooltip): the list is narrow, the names tell them apart."""
        self.list.clear()
        for path in paths:
            item = QListWidgetItem(Path(path).name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.list.addItem(item)

    def _add(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self._title, "", self._filter)
        self.set_paths(self.paths() + [Path(p) for p in paths if Path(p) not in self.paths()])

    def _remove(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
