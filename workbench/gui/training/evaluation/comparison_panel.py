"""The Evaluation tab's "Compare with a model…": the button, the comparison's progress and Cancel, its result.

It answers the question after every run -- is it better than the model I have? -- with ``kws evaluate RUN_MODEL
--compare OTHER --clips eval/predictions.csv --progress jsonl`` in a child process: the other model on exactly the
run's test clips, and a paired interval over the test speakers (:mod:`workbench.evaluation.comparison`). The
child's ``{"phase", "fraction"}`` lines (:class:`KwsChild`'s ``progress``) drive a bar beside a Cancel; the phase
names the model being scored, the fraction is of both models' clips. When another run is shown meanwhile, the
comparison is cancelled (its result would belong to no run in sight). Compare refuses, in one sentence, a run whose
folder is gone and a test-clip list the Clips tab cannot read either (a list cut short would be compared on fewer
clips than the headline counts).

Why a panel of its own: the report view shows what a run's folder holds; this one runs a child, owns a temporary
folder and follows the run shown only to know when to give up.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from workbench.core.errors import WorkbenchError, temp_folder_problem
from workbench.evaluation.clip_predictions import clips_of_predictions
from workbench.evaluation.comparison import ClipComparison, comparison_text
from workbench.gui.kws_child import KwsChild
from workbench.run_folder_layout import EVAL_DIR, EVAL_PREDICTIONS_FILE, EVAL_RESULTS_FILE

MODEL_FILTER = "Models (*.tflite *.mltk.zip);;All files (*)"
PROGRESS_STEPS = 1000
STARTING = "starting…"  # the bar's text before the child's first progress line
CANCELLED_TEXT = "The comparison was cancelled."


class ComparisonPanel(QWidget):
    """Follows the run shown (:meth:`show_run`, :meth:`clear`); compares its model with another one picked
    (:meth:`choose_compare`, :meth:`compare_with`); :meth:`shutdown` when the window closes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder: Path | None = None  # the run shown
        self.model: Path | None = None  # its model, as its summary names it
        self._compare_dir: Path | None = None
        self._compared: Path | None = None  # the run folder of the running comparison (None: cancelled on a switch)
        self._files = ("", "")  # the file names of the model picked and the run's, as the result names them
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
        self.child = KwsChild("the comparison", self)
        self._counted = ""  # the child's count of the clips of the model being scored ("33 of 110 clips")
        self.child.counted.connect(self._on_counted)
        self.child.progress.connect(self._on_progress)
        self.child.succeeded.connect(self._on_compared)
        self.child.failed.connect(self._on_compare_failed)
        self.child.cancelled.connect(self._on_compare_cancelled)
        self.compare_button.clicked.connect(self.choose_compare)
        self.cancel_compare_button.clicked.connect(self.cancel_compare)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.compare_button)
        row.addWidget(self.cancel_compare_button)
        row.addWidget(self.compare_progress, 1)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.comparison)

    def clear(self, keep: Path | None = None) -> None:
        """No run shown (for now): Compare is off. A comparison running for ``keep`` goes on and stays in sight
        (that run is about to be shown again, see :meth:`show_run`); any other is cancelled."""
        if self._compared != keep:
            self._cancel_for_switch()
        self.folder = self.model = None
        self.compare_button.setEnabled(False)
        if self._compared is None:
            self.comparison.setVisible(False)

    def show_run(self, folder: Path, model: Path) -> None:
        """The run in ``folder``, whose model is ``model``, is shown: Compare is on when it can be compared (and
        why not is said, unless a comparison for this very run is in sight)."""
        if self._compared != folder:
            self._cancel_for_switch()
        self.folder, self.model = folder, model
        self._update_compare(say_why=self._compared is None)

    def _compare_inputs(self) -> tuple[Path, Path] | str:
        """(the run's model, its test clips) when they can be compared on, else why not in one sentence ("": no
        run shown). Why the clips are read through: the child would evaluate a list cut short as it is."""
        if self.folder is None or self.model is None:
            return ""
        if not self.folder.is_dir():
            return f"Cannot compare: the run's folder {self.folder} is gone (moved or deleted)."
        clips = self.folder / EVAL_DIR / EVAL_PREDICTIONS_FILE
        if not self.model.is_file():
            return f"Cannot compare: the run's model {self.model.name} is not in {self.folder}."
        if not clips.is_file():
            return f"No test clips to compare on: this run's evaluation has no {EVAL_DIR}/{EVAL_PREDICTIONS_FILE}."
        try:
            clips_of_predictions(clips)
        except WorkbenchError as exc:
            return f"No test clips to compare on: {exc}."
        return self.model, clips

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
        try:
            self._compare_dir = Path(tempfile.mkdtemp(prefix="kws-compare-"))
        except OSError as exc:
            self.comparison.setText(temp_folder_problem("the comparison", None, exc))
            self.comparison.setVisible(True)
            return False
        self._compared, self._files = self.folder, (other.name, model.name)
        self.child.start("evaluate", str(model), "--compare", str(other), "--clips", str(clips), "--no-plots",
                         "--progress", "jsonl", "--out", str(self._compare_dir))
        self.compare_button.setEnabled(False)
        self.comparison.setText(f"Evaluating {other.name} on the run's test clips…")
        self.comparison.setVisible(True)
        self.compare_progress.setValue(0)
        self.compare_progress.setFormat(STARTING)
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

    def _on_counted(self, text: str) -> None:
        self._counted = text

    def _on_progress(self, phase: str, fraction: float) -> None:
        """``evaluating kws_yes_no (1/2): 33 of 110 clips``: the model being scored and how far it is (a
        percentage of both models' clips before its first count); the bar fills once for both."""
        done = self._counted or "%p%"
        self.compare_progress.setFormat(f"{phase}: {done}" if phase else done)  # before the value, which repaints
        self.compare_progress.setValue(round(min(max(fraction, 0.0), 1.0) * PROGRESS_STEPS))

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
