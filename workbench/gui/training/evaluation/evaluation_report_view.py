"""What a finished training run achieved: test-split figures, the chosen threshold, the plots.

Why from the run's files: ``kws train`` writes ``summary.json`` and the evaluation report (``eval/``:
``eval-results.json`` and the confusion, ROC and precision-recall PNGs) atomically at the end, so the
view shows exactly what the folder holds -- also for a run finished earlier and opened again.

"Compare with a model…" below the table (:class:`ComparisonPanel`) compares the run's model with another one on
exactly the run's test clips; the view tells it which run is shown, so that it can give up on a run no longer in
sight.

The "Clips" tab beside the plots lists the test clips of ``eval/predictions.csv``, the most confident mistakes
first, and plays one in the Live workspace (:class:`EvaluationClipsView`): hearing the mistakes says *why*.

From ``eval/eval-results.json`` the headline adds what ``summary.json`` does not hold: the average ROC AUC,
MLTK's and the exact one, each labelled, and the report's sentence naming the negative-word classes counted as
``_unknown_`` -- without it the figures differ from an argmax over the model's outputs with no word why.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout, QHeaderView, QLabel, QScrollArea, QStyle, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
    QWidget,
)

from workbench.core.wording import plural
from workbench.evaluation.metrics import EXACT_AUC_LABEL, MLTK_AUC_LABEL
from workbench.gui.training.evaluation.comparison_panel import ComparisonPanel
from workbench.gui.training.evaluation.evaluation_clips_view import EvaluationClipsView
from workbench.run_folder_layout import (EVAL_DIR, EVAL_PLOT_SUFFIXES, EVAL_PREDICTIONS_FILE, EVAL_RESULTS_FILE,
                                         SUMMARY_FILE, SUMMARY_MODEL_KEY)

if TYPE_CHECKING:
    from workbench.gui.window.workspace_host import WorkspaceHost

PLOT_HEIGHT_PX = 260  # device-independent: the plots are drawn at the screen's pixel density
PERCENT = 100.0
EMPTY_HEADLINE = "The evaluation on the test split appears here when a run finishes."
MISSING = "–"
PLOTS_TAB, CLIPS_TAB = "Plots", "Clips"
HEADERS = ("class", "test accuracy", "validation accuracy")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _percent(value: Any) -> str:
    """Why it checks the type: a summary.json from elsewhere (copied, edited) may hold anything."""
    return f"{float(value) * PERCENT:.1f} %" if _is_number(value) else MISSING


def _count(value: Any) -> str:
    return f"{value:,}" if _is_number(value) else MISSING


def _epochs(value: Any) -> str:
    """``1 epoch``, ``12 epochs`` (``– epochs`` when the summary lacks the figure)."""
    return f"{_count(value)} {plural(value if _is_number(value) else 0, 'epoch')}"


def _text(value: Any) -> str:
    """A summary's value as HTML text (a model's name may hold "<" or "&")."""
    return html.escape(str(value)) if value is not None else MISSING


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _report_document(folder: Path) -> dict[str, Any]:
    """The run's ``eval/eval-results.json``; empty when it is missing or damaged (the summary's figures still
    show)."""
    try:
        return _mapping(json.loads((folder / EVAL_DIR / EVAL_RESULTS_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _report_lines(document: dict[str, Any]) -> list[str]:
    """The headline's lines from the report file (module docstring), as HTML."""
    lines: list[str] = []
    if "roc_auc_avg" in document:
        lines.append(f"Average {MLTK_AUC_LABEL} {_percent(document.get('roc_auc_avg'))}, average {EXACT_AUC_LABEL} "
                     f"{_percent(document.get('roc_auc_exact_avg'))}.")  # both are averages over the classes
    folded = _mapping(_mapping(document.get("workbench")).get("folded_into_unknown"))
    if isinstance(folded.get("note"), str):
        lines.append(_text(folded["note"]))
    return lines


def _model_of(folder: Path, summary: dict[str, Any]) -> Path:
    """The run's model file, as its summary names it."""
    return folder / str(summary.get(SUMMARY_MODEL_KEY, ""))


class EvaluationReportView(QWidget):
    """``show_run(folder)`` after a run; ``clear()`` when a new one starts.

    ``host`` (the window) plays a clip of the Clips tab in the Live workspace; without it the clips only list.
    """

    def __init__(self, parent: QWidget | None = None, *, host: "WorkspaceHost | None" = None) -> None:
        super().__init__(parent)
        self.summary: dict[str, Any] | None = None
        self.headline = QLabel(EMPTY_HEADLINE)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(HEADERS))
        self._headers: tuple[str, ...] = ()  # the labels shown: HEADERS, or a word a line (see _fit_headers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: arrows move between cells, Tab moves on
        self.table.setAccessibleName("Accuracy per class")
        # rows as tall as their text in the font in use (a large application font makes them taller)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._fit_headers()
        self.plots: list[QLabel] = []
        self._plot_paths: list[Path] = []  # the PNG each of self.plots shows (redrawn when the density changes)
        self.folder: Path | None = None
        self.comparison_panel = ComparisonPanel()
        row = QWidget()
        self._plot_row = QHBoxLayout(row)
        self._plot_row.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidget(row)
        scroll.setWidgetResizable(True)
        scroll.setMinimumHeight(PLOT_HEIGHT_PX + 24)
        self.clips = EvaluationClipsView(host)
        self.details = QTabWidget()  # the plots, or the clips: side by side neither fits a 1280-pixel screen
        self.details.addTab(scroll, PLOTS_TAB)
        self.details.addTab(self.clips, CLIPS_TAB)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.table)
        layout.addWidget(self.comparison_panel)
        layout.addWidget(self.details, 1)

    def clear(self) -> None:
        self.comparison_panel.clear()
        self._clear_report()

    def _clear_report(self) -> None:
        """Empty the report (the comparison is the panel's: see :meth:`show_run`)."""
        self.summary = None
        self.folder = None
        self.headline.setTextFormat(Qt.TextFormat.PlainText)  # notes name folders, whose names may hold "<"
        self.headline.setText(EMPTY_HEADLINE)
        self.table.setRowCount(0)
        for label in self.plots:
            self._plot_row.removeWidget(label)
            label.deleteLater()
        self.plots = []
        self._plot_paths = []
        self.clips.clear()
        self.details.setTabText(self.details.indexOf(self.clips), CLIPS_TAB)

    def show_note(self, text: str) -> None:
        """No report, one sentence instead (a stopped run, a damaged summary) -- not the "when a run finishes" one."""
        self.clear()
        self.headline.setText(text)

    def show_run(self, folder: Path) -> bool:
        """Show the run in ``folder``; False (and a note) when it has no readable summary. A comparison running
        for this very folder goes on; one for another is cancelled."""
        self.comparison_panel.clear(keep=folder)
        self._clear_report()
        try:
            summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            summary = None
        if not isinstance(summary, dict):
            self.comparison_panel.clear()
            self.headline.setText(f"No finished run in {folder}.")
            return False
        self.summary, self.folder = summary, folder
        self.comparison_panel.show_run(folder, _model_of(folder, summary))
        test = _mapping(summary.get("evaluation"))
        validation = _mapping(summary.get("validation_evaluation"))
        lines = [f"<b>{_text(summary.get('model', ''))}</b>: {_epochs(summary.get('epochs'))} (best: epoch "
                 f"{_count(summary.get('best_epoch'))}), detection threshold "
                 f"{_count(summary.get('detection_threshold'))}, {_count(summary.get('macs'))} MACs, "
                 f"{_count(summary.get('flash_bytes'))} bytes."]
        if test:
            lines.append(f"Test split ({_count(test.get('clips'))} clips of speakers never trained on): balanced "
                         f"accuracy <b>{_percent(test.get('balanced_accuracy'))}</b>, overall "
                         f"{_percent(test.get('overall_accuracy'))}.")
        else:
            lines.append("Not evaluated on a test split.")
        lines += _report_lines(_report_document(folder))
        self.headline.setTextFormat(Qt.TextFormat.RichText)  # the figures in bold; the rest was escaped
        self.headline.setText("<br>".join(lines))
        test_classes = _mapping(test.get("class_accuracies"))
        validation_classes = _mapping(validation.get("class_accuracies"))
        classes = [str(name) for name in (test_classes or validation_classes)]
        self.table.setRowCount(len(classes))
        for row, name in enumerate(classes):
            cells = (name, _percent(test_classes.get(name)), _percent(validation_classes.get(name)))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._fit_table()
        for suffix in EVAL_PLOT_SUFFIXES:
            for path in sorted((folder / EVAL_DIR).glob(f"*{suffix}")):
                if QPixmap(str(path)).isNull():
                    continue
                label = QLabel()
                label.setToolTip(path.name)
                self._plot_row.addWidget(label)
                self.plots.append(label)
                self._plot_paths.append(path)
        self._draw_plots()
        self._show_clips(folder, summary)
        return True

    def _show_clips(self, folder: Path, summary: dict[str, Any]) -> None:
        """Fill the Clips tab from the run's predictions.csv; its title counts the mistakes."""
        if self.clips.show_run(folder / EVAL_DIR / EVAL_PREDICTIONS_FILE, _model_of(folder, summary)):
            mistakes = sum(not clip.correct for clip in self.clips.clips)
            self.details.setTabText(self.details.indexOf(self.clips), f"{CLIPS_TAB} ({mistakes:,} wrong)")

    def _fit_table(self) -> None:
        """Make the table exactly as tall as its header and rows, so every class shows without scrolling."""
        self.table.resizeRowsToContents()
        header = self.table.horizontalHeader()
        self.table.setFixedHeight(header.sizeHint().height() + self.table.verticalHeader().length()
                                  + 2 * self.table.frameWidth())

    def _fit_headers(self) -> None:
        """Each header on one line where its column has room for it, else a word a line: the columns share the
        report's width, and at 16 pt in a 1280x720 window a third of it is narrower than "validation accuracy"."""
        header = self.table.horizontalHeader()
        margins = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        room = self.table.viewport().width() // len(HEADERS)  # the columns stretch alike
        one_line = all(header.fontMetrics().horizontalAdvance(text) + margins <= room for text in HEADERS)
        labels = HEADERS if one_line else tuple(text.replace(" ", "\n") for text in HEADERS)
        if labels != self._headers:
            self._headers = labels
            self.table.setHorizontalHeaderLabels(list(labels))
            self._fit_table()  # as tall as its header now is

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_headers()

    def _draw_plots(self) -> None:
        """Scale each plot to PLOT_HEIGHT_PX at the screen's pixel density (sharp at 200 %, not blurred up)."""
        ratio = self.devicePixelRatioF()
        for label, path in zip(self.plots, self._plot_paths):
            pixmap = QPixmap(str(path)).scaledToHeight(round(PLOT_HEIGHT_PX * ratio),
                                                       Qt.TransformationMode.SmoothTransformation)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Refit the table and its headers to a new font and redraw the plots for a screen of another pixel density."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_table()
            self._fit_headers()
        elif event.type() == QEvent.Type.DevicePixelRatioChange:
            self._draw_plots()

    def compare_with(self, other: Path) -> bool:
        """Compare the run's model with ``other`` (:meth:`ComparisonPanel.compare_with`)."""
        return self.comparison_panel.compare_with(other)

    def shutdown(self) -> None:
        """Stop a running comparison and remove its files (the window is closing)."""
        self.comparison_panel.shutdown()
