"""What a finished training run achieved: test-split figures, the chosen threshold, the plots.

Why from the run's files: ``kws train`` writes ``summary.json`` and the evaluation report (``eval/``:
``eval-results.json`` and the confusion, ROC and precision-recall PNGs) atomically at the end, so the
view shows exactly what the folder holds -- also for a run finished earlier and opened again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout, QHeaderView, QLabel, QScrollArea, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

SUMMARY_FILE = "summary.json"
EVAL_DIR = "eval"
PLOT_SUFFIXES = ("confusion_matrix.png", "roc.png", "precision_vs_recall.png")
PLOT_HEIGHT_PX = 260
ROW_PX = 22
PERCENT = 100.0


def _percent(value: Any) -> str:
    return f"{float(value) * PERCENT:.1f} %" if value is not None else "–"


class EvaluationReportView(QWidget):
    """``show_run(folder)`` after a run; ``clear()`` when a new one starts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: dict[str, Any] | None = None
        self.headline = QLabel("The evaluation on the test split appears here when a run finishes.")
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["class", "test accuracy", "validation accuracy"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(ROW_PX)
        self.plots: list[QLabel] = []
        row = QWidget()
        self._plot_row = QHBoxLayout(row)
        self._plot_row.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidget(row)
        scroll.setWidgetResizable(True)
        scroll.setMinimumHeight(PLOT_HEIGHT_PX + 24)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.table)
        layout.addWidget(scroll, 1)

    def clear(self) -> None:
        self.summary = None
        self.headline.setText("The evaluation on the test split appears here when a run finishes.")
        self.table.setRowCount(0)
        for label in self.plots:
            self._plot_row.removeWidget(label)
            label.deleteLater()
        self.plots = []

    def show_run(self, folder: Path) -> bool:
        """Show the run in ``folder``; False (and a note) when it has no summary yet."""
        self.clear()
        try:
            summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.headline.setText(f"No finished run in {folder}.")
            return False
        self.summary = summary
        test = summary.get("evaluation") or {}
        validation = summary.get("validation_evaluation") or {}
        lines = [f"<b>{summary.get('model', '')}</b>: {summary.get('epochs')} epochs (best: epoch "
                 f"{summary.get('best_epoch')}), detection threshold {summary.get('detection_threshold')}, "
                 f"{summary.get('macs', 0):,} MACs, {summary.get('flash_bytes', 0):,} bytes."]
        if test:
            lines.append(f"Test split ({test.get('clips')} clips of speakers never trained on): balanced "
                         f"accuracy <b>{_percent(test.get('balanced_accuracy'))}</b>, overall "
                         f"{_percent(test.get('overall_accuracy'))}.")
        else:
            lines.append("Not evaluated on a test split.")
        self.headline.setText("<br>".join(lines))
        classes = list((test or validation).get("class_accuracies", {}))
        self.table.setRowCount(len(classes))
        self.table.setFixedHeight(self.table.horizontalHeader().height() + ROW_PX * len(classes) + 4)
        for row, name in enumerate(classes):
            cells = (name, _percent(test.get("class_accuracies", {}).get(name)),
                     _percent(validation.get("class_accuracies", {}).get(name)))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        for suffix in PLOT_SUFFIXES:
            for path in sorted((folder / EVAL_DIR).glob(f"*{suffix}")):
                pixmap = QPixmap(str(path))
                if pixmap.isNull():
                    continue
                label = QLabel()
                label.setPixmap(pixmap.scaledToHeight(PLOT_HEIGHT_PX, Qt.TransformationMode.SmoothTransformation))
                label.setToolTip(path.name)
                self._plot_row.addWidget(label)
                self.plots.append(label)
        return True
