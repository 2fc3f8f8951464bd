"""The board's detections, newest first: the chip's own decisions, in its own time (ms since boot)."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from workbench.board.logs.classifier_log import BoardDetection
from workbench.gui import theme

HEADERS = ("Board time (s)", "Label", "Class", "Score")
MS_PER_S = 1000.0


class BoardDetectionsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: arrows move between cells, Tab moves on
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self.detections: list[BoardDetection] = []

    def add(self, detection: BoardDetection) -> None:
        self.detections.append(detection)
        self.table.insertRow(0)
        cells = (f"{detection.time_ms / MS_PER_S:.3f}", detection.label, str(detection.class_index),
                 str(detection.score))
        color = theme.class_color(detection.class_index)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == 1:
                item.setForeground(color)
            self.table.setItem(0, column, item)

    def labels(self) -> list[str]:
        return [d.label for d in self.detections]

    def clear(self) -> None:
        self.detections.clear()
        self.table.setRowCount(0)
