"""What a finished training run achieved: test-split figures, the chosen threshold, the plots.

Why from the run's files: ``kws train`` writes ``summary.json`` and the evaluation report (``eval/``:
``eval-results.json`` and the confusion, ROC and precision-recall PNGs) atomically at the end, so the
view shows exactly what the folder holds -- also for a run finished earlier and opened again.

"Compare with a model…" answers the question after every run -- is it better than the model I have? --
with ``kws evaluate RUN_MODEL --compare OTHER --clips eval/predictions.csv`` in a child process: the other
model on exactly the run's test clips, and a paired interval over the test speakers
(:mod:`workbench.evaluation.comparison`). Its progress shows in a bar beside a Cancel; when another run is shown
meanwhile, the comparison is cancelled (its result would belong to no run in sight). Compare refuses, in one
sentence, a run whose folder is gone and a test-clip list the Clips tab cannot read either (a list cut short would
be compared on fewer clips than the headline counts).

The "Clips" tab beside the plots lists the test clips of ``eval/predictions.csv``, the most confident mistakes
first, and plays one in the Live workspace (:class:`EvaluationClipsView`): hearing the mistakes says *why*.
"""

from __future__ import annotations

import html
import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton, QScrollArea, QTableWidget,
    QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.core.wording import plural
from workbench.evaluation.clip_predictions import clips_of_predictions
from workbench.evaluation.comparison import ClipComparison, comparison_text
from workbench.gui.kws_child import KwsChild
from workbench.gui.training.evaluation.comparison_progress import ComparisonProgress
from workbench.gui.training.evaluation.evaluation_clips_view import EvaluationClipsView
from workbench.run_folder_layout import (EVAL_DIR, EVAL_PLOT_SUFFIXES, EVAL_PREDICTIONS_FILE, EVAL_RESULTS_FILE,
                                         SUMMARY_FILE, SUMMARY_MODEL_KEY)

if TYPE_CHECKING:
    from workbench.gui.window.workspace_host import WorkspaceHost

PLOT_HEIGHT_PX = 260  # device-independent: the plots are drawn at the screen's pixel density
PERCENT = 100.0
MODEL_FILTER = "Models (*.tflite *.mltk.zip);;All files (*)"
EMPTY_HEADLINE = "The evaluation on the test split appears here when a run finishes."
MISSING = "–"
PLOTS_TAB, CLIPS_TAB = "Plots", "Clips"
COMPARED_MODELS = 2  # the run's model, then the one picked: scored one after the other
PROGRESS_STEPS = 1000
CANCELLED_TEXT = "The comparison was cancelled."


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
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["class", "test accuracy", "validation accuracy"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: arrows move between cells, Tab moves on
        self.table.setAccessibleName("Accuracy per class")
        # rows as tall as their text in the font in use (a large application font makes them taller)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.plots: list[QLabel] = []
        self._plot_paths: list[Path] = []  # the PNG each of self.plots shows (redrawn when the density changes)
        self.folder: Path | None = None
        self._compare_dir: Path | None = None
        self.compare_button = QPushButton("Compare with a model…")
        self.compare_button.setToolTip("Evaluate another model (the one on your board, say) on exactly this run's "
                                       "test clips, and see whether this run's model is better by more than the "
                                       "test speakers explain")
        self.compare_button.setEnabled(False)
        self.comparison = QLabel()
        # its sentence about the interval is longer than any report is wide: it wraps instead of widening the report
        self.comparison.setWordWrap(True)
        self.comparison.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.comparison.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.comparison.setVisible(False)
        self.cancel_compare_button = QPushButton("Cancel")
        self.cancel_compare_button.setToolTip("Stop the comparison")
        self.cancel_compare_button.setVisible(False)
        self.compare_progress = QProgressBar()
        self.compare_progress.setRange(0, PROGRESS_STEPS)
        self.compare_progress.setAccessibleName("Comparison progress")
        self.compare_progress.setVisible(False)
        self._progress = ComparisonProgress(COMPARED_MODELS)
        self._compared: Path | None = None  # the run folder of the running comparison (None: cancelled on a switch)
        self._files = ("", "")  # the file names of the model picked and the run's, as the result names them
        self.child = KwsChild("the comparison", self)
        self.child.succeeded.connect(self._on_compared)
        self.child.failed.connect(self._on_compare_failed)
        self.child.cancelled.connect(self._on_compare_cancelled)
        self.child.stderr_line.connect(self._on_child_line)
        self.compare_button.clicked.connect(self.choose_compare)
        self.cancel_compare_button.clicked.connect(self.cancel_compare)
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
        compare_row = QHBoxLayout()
        compare_row.addWidget(self.compare_button)
        compare_row.addWidget(self.cancel_compare_button)
        compare_row.addWidget(self.compare_progress, 1)
        compare_row.addStretch(1)
        layout.addLayout(compare_row)
        layout.addWidget(self.comparison)
        layout.addWidget(self.details, 1)

    def clear(self) -> None:
        self._cancel_for_switch()
        self._clear_report()

    def _clear_report(self) -> None:
        """Empty the report; a comparison running for the run shown again stays in sight (see :meth:`show_run`)."""
        self.summary = None
        self.folder = None
        self.compare_button.setEnabled(False)
        if self._compared is None:
            self.comparison.setVisible(False)
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
        if self._compared != folder:
            self._cancel_for_switch()
        self._clear_report()
        try:
            summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            summary = None
        if not isinstance(summary, dict):
            self._cancel_for_switch()
            self.headline.setText(f"No finished run in {folder}.")
            return False
        self.summary, self.folder = summary, folder
        self._update_compare(say_why=self._compared is None)
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
        model = folder / str(summary.get(SUMMARY_MODEL_KEY, ""))
        if self.clips.show_run(folder / EVAL_DIR / EVAL_PREDICTIONS_FILE, model):
            mistakes = sum(not clip.correct for clip in self.clips.clips)
            self.details.setTabText(self.details.indexOf(self.clips), f"{CLIPS_TAB} ({mistakes:,} wrong)")

    def _fit_table(self) -> None:
        """Make the table exactly as tall as its header and rows, so every class shows without scrolling."""
        self.table.resizeRowsToContents()
        header = self.table.horizontalHeader()
        self.table.setFixedHeight(header.sizeHint().height() + self.table.verticalHeader().length()
                                  + 2 * self.table.frameWidth())

    def _draw_plots(self) -> None:
        """Scale each plot to PLOT_HEIGHT_PX at the screen's pixel density (sharp at 200 %, not blurred up)."""
        ratio = self.devicePixelRatioF()
        for label, path in zip(self.plots, self._plot_paths):
            pixmap = QPixmap(str(path)).scaledToHeight(round(PLOT_HEIGHT_PX * ratio),
                                                       Qt.TransformationMode.SmoothTransformation)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Refit the table to a new font and redraw the plots for a screen of another pixel density."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_table()
        elif event.type() == QEvent.Type.DevicePixelRatioChange:
            self._draw_plots()

    # -- comparing with another model ------------------------------------------------------------
    def _compare_inputs(self) -> tuple[Path, Path] | str:
        """(the run's model, its test clips) when they can be compared on, else why not in one sentence ("": no
        run shown). Why the clips are read through: the child would evaluate a list cut short as it is."""
        if self.folder is None or self.summary is None:
            return ""
        if not self.folder.is_dir():
            return f"Cannot compare: the run's folder {self.folder} is gone (moved or deleted)."
        model = self.folder / str(self.summary.get(SUMMARY_MODEL_KEY, ""))
        clips = self.folder / EVAL_DIR / EVAL_PREDICTIONS_FILE
        if not model.is_file():
            return f"Cannot compare: the run's model {model.name} is not in {self.folder}."
        if not clips.is_file():
            return f"No test clips to compare on: this run's evaluation has no {EVAL_DIR}/{EVAL_PREDICTIONS_FILE}."
        try:
            clips_of_predictions(clips)
        except WorkbenchError as exc:
            return f"No test clips to compare on: {exc}."
        return model, clips

    def _update_compare(self, say_why: bool) -> tuple[Path, Path] | None:
        """Enable Compare when the run can be compared (its inputs returned) and no comparison runs; ``say_why``
        it cannot in the comparison's place."""
        inputs = self._compare_inputs()
        self.compare_button.setEnabled(not isinstance(inputs, str) and not self.child.running)
        if isinstance(inputs, str):
            if inputs and say_why:
                self.comparison.setText(inputs)
                self.comparison.setVisible(True)
            return None
        return inputs

    def choose_compare(self) -> None:
        """Pick the model to compare with -- once the run is known to still be comparable (its folder may have
        been moved since it was shown)."""
        if self._update_compare(say_why=True) is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "Model to compare with", "", MODEL_FILTER)
        if path:
            self.compare_with(Path(path))

    def compare_with(self, other: Path) -> bool:
        """Start evaluating ``other`` on the run's test clips beside the run's model; False (and why, when the
        run cannot be compared) when refused."""
        inputs = None if self.child.running else self._update_compare(say_why=True)
        if inputs is None:
            return False
        model, clips = inputs
        self._drop_compare_dir()
        self._compare_dir = Path(tempfile.mkdtemp(prefix="kws-compare-"))
        self._compared, self._files = self.folder, (other.name, model.name)
        self._progress = ComparisonProgress(COMPARED_MODELS)
        self.child.start("evaluate", str(model), "--compare", str(other), "--clips", str(clips), "--no-plots",
                         "--out", str(self._compare_dir))
        self.compare_button.setEnabled(False)
        self.comparison.setText(f"Evaluating {other.name} on the run's test clips…")
        self.comparison.setVisible(True)
        self._show_progress()
        for widget in (self.compare_progress, self.cancel_compare_button):
            widget.setEnabled(True)
            widget.setVisible(True)
        return True

    def cancel_compare(self) -> None:
        if self.child.running:
            self.cancel_compare_button.setEnabled(False)
            self.child.cancel()

    def _cancel_for_switch(self) -> None:
        """Another run is shown: stop its comparison quietly (its result would belong to no run in sight)."""
        if self._compared is not None:
            self._compared = None
            self.comparison.setVisible(False)
            self.cancel_compare()

    def _on_child_line(self, line: str) -> None:
        if self._progress.read(line):
            self._show_progress()

    def _show_progress(self) -> None:
        self.compare_progress.setValue(round(self._progress.fraction * PROGRESS_STEPS))
        self.compare_progress.setFormat(self._progress.text)

    def _for_run_shown(self) -> bool:
        """Whether the comparison that just ended is the shown run's (not one cancelled on a switch)."""
        return self._compared is not None and self._compared == self.folder

    def _on_compared(self) -> None:
        folder = self._compare_dir or Path()
        try:
            document = json.loads((folder / EVAL_RESULTS_FILE).read_text(encoding="utf-8"))
            comparison = ClipComparison.from_json(document["workbench"]["compared"][0])
            # named by the files asked for: the one picked is what the user knows it by, whatever its own name
            text = comparison_text(replace(comparison, first_file=self._files[0], second_file=self._files[1]))
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            text = f"The comparison wrote no readable result ({exc})."
        if self._for_run_shown():
            self.comparison.setText(text.rstrip())
        self._finish_compare()

    def _on_compare_failed(self, message: str) -> None:
        if self._for_run_shown():
            self.comparison.setText(f"The comparison failed: {message}")
        self._finish_compare()

    def _on_compare_cancelled(self) -> None:
        if self._for_run_shown():
            self.comparison.setText(CANCELLED_TEXT)
        self._finish_compare()

    def _finish_compare(self) -> None:
        self._drop_compare_dir()
        self._compared = None
        self.compare_progress.setVisible(False)
        self.cancel_compare_button.setVisible(False)
        self._update_compare(say_why=not self.comparison.isVisible())

    def _drop_compare_dir(self) -> None:
        if self._compare_dir is not None:
            shutil.rmtree(self._compare_dir, ignore_errors=True)
            self._compare_dir = None

    def shutdown(self) -> None:
        """Stop a running comparison and remove its files (the window is closing)."""
        if self.child.running:
            self.child.cancel()
            self.child.wait_stopped()
        self._drop_compare_dir()
