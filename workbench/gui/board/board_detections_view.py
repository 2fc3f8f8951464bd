"""The board's detections of the current Classify run, newest first: the chip's own decisions, in its own time
(ms since boot); Clear empties the list, Save… writes it as CSV (atomically, as the window's other files).

Why one run at a time: the board's clock restarts with every run, so detections of two runs side by side would
read as one run going back in time; the workspace clears the list when a run starts (save it first to keep it).
Why a caption naming the run's model: the list is the run's, and the run belongs to the model it flashed, so the
list stays with it when another model is opened meanwhile (:mod:`~workbench.gui.board.job_model`); the caption
says whose detections they are, and when that is not the model open now.
Why the table lists only the newest rows (:data:`~workbench.gui.widgets.table_rows.MAX_LISTED_ROWS`): a board left
classifying overnight added Qt items for every detection, about 2.7 kB each, without end; the run's list
(:attr:`BoardDetectionsView.detections`) still keeps every one for Save…, and the caption says when rows are left out.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from workbench.board.logs.classifier_log import BoardDetection
from workbench.core.atomic_write import atomic_write_text
from workbench.core.wording import counted
from workbench.gui import theme
from workbench.gui.board.job_model import run_caption, same_model
from workbench.gui.widgets.save_dialog import CSV_FILTER, ask_and_save
from workbench.gui.widgets.table_rows import MAX_LISTED_ROWS, listed_rows_note

HEADERS = ("Board time (s)", "Label", "Class", "Score")
CSV_HEADERS = ("board_time_ms", "label", "class", "score")
SUGGESTED_NAME = "board-detections.csv"
MS_PER_S = 1000.0
SAVE_KEEPS_ALL = "Save… writes all"  # where the detections the table no longer lists still go


class BoardDetectionsView(QWidget):
    """:meth:`start_run` per Classify run, ``add`` per detection; ``saved(path)`` after Save…, ``error(message)``
    when the file cannot be written."""

    error = Signal(str)
    saved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run_model: Any = None  # the LoadedModel the run listed was started with (None: no run yet)
        self._caption = run_caption(None, open_now=False)
        self.run_label = QLabel(self._caption, self)
        self.run_label.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: arrows move between cells, Tab moves on
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setToolTip("Empty the list (the board keeps classifying); a new Classify run clears it too")
        self.clear_button.clicked.connect(self.clear)
        self.save_button = QPushButton("Save…", self)
        self.save_button.setToolTip("Save this run's detections as CSV (board time in ms, label, class, score)")
        self.save_button.clicked.connect(self._ask_save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.run_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.detections: list[BoardDetection] = []

    def start_run(self, model: Any) -> None:
        """An empty list for a Classify run of ``model`` (a LoadedModel: the model open now)."""
        self.clear()
        self.run_model = model
        self.show_open_model(model)

    def show_open_model(self, open_now: Any) -> None:
        """Say whether the run's model is ``open_now`` (the model open now); the list itself stays the run's."""
        name = None if self.run_model is None else str(self.run_model.name)
        self._caption = run_caption(name, same_model(self.run_model, open_now))
        self._show_caption()

    def _show_caption(self) -> None:
        """The run's caption; past the rows the table lists, also how many there are and that only the newest are."""
        note = listed_rows_note(len(self.detections), SAVE_KEEPS_ALL)
        count = f" {counted(len(self.detections), 'detection')}, {note}." if note else ""
        self.run_label.setText(self._caption + count)

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
        if self.table.rowCount() > MAX_LISTED_ROWS:  # the oldest, at the bottom, is still in the list Save… writes
            self.table.removeRow(self.table.rowCount() - 1)
            self._show_caption()

    def labels(self) -> list[str]:
        return [d.label for d in self.detections]

    def clear(self) -> None:
        self.detections.clear()
        self.table.setRowCount(0)
        self._show_caption()

    def to_csv(self) -> str:
        """The detections in the order the board reported them (oldest first), the board's time in ms."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADERS)
        for d in self.detections:
            writer.writerow([d.time_ms, d.label, d.class_index, d.score])
        return out.getvalue()

    def save_to(self, path: str | Path) -> Path:
        """Write :meth:`to_csv` atomically (WorkbenchError when the folder is not writable)."""
        written = atomic_write_text(path, self.to_csv())
        self.saved.emit(str(written))
        return written

    def _ask_save(self) -> None:
        ask_and_save(self, "Save the board's detections", SUGGESTED_NAME, CSV_FILTER, self.save_to, self.error.emit)
