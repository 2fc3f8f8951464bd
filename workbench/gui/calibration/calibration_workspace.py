"""The Calibration workspace: run a calibration, see the FA/h–FRR trade-off, pick and ship a set.

Why it is built this way: the calibration itself is ``kws calibrate`` in a child process (:class:`KwsChild`:
progress, Cancel, no frozen window), writing into a private temporary folder (:mod:`.run_folders`: those a killed
window left behind go when the next workspace is created); the workspace then loads what the child wrote
(:mod:`workbench.calibration.results.result_files`) and shows it. Picking a set (a click on the curve's front, or a
row of the table) puts it into the tuning sliders through ``host.controller.tuning`` -- the same object the Tuning
panel edits -- so the live view, the sliders and the curve's "current parameters" ring all follow one source of
truth; the ring is re-scored on the stored scores (milliseconds) whenever the tuning changes. What ``kws calibrate``
warned of is said under the recommendation from the document (its ``warnings``), one source for a run and a report
opened again. "Save selected set into model…" writes the selected set into a model file ("…as preset…": as a named
preset in it), and the report is saved or a saved one opened (:mod:`.calibration_files`: the files a user may lose
are decided there).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QProgressBar, QWidget
from PySide6.QtCore import Qt

from workbench.calibration.results.result_files import (
    CalibrationOutput, figures_text, load_calibration_output, parameter_set_of,
)
from workbench.core.errors import WorkbenchError
from workbench.gui.calibration import calibration_files
from workbench.gui.calibration.calibration_dialogs import (
    choose_open_report, choose_save_into_model, choose_save_report, confirm_close_calibration,
    confirm_discard_results,
)
from workbench.gui.calibration.calibration_inputs_view import CALIBRATION_BOXES, CalibrationInputsView
from workbench.gui.calibration.calibration_layout import lay_out_calibration, make_calibration_buttons
from workbench.gui.calibration.det_curve_view import DetCurveView
from workbench.gui.calibration.mistake_clips_action import MistakeClipsAction
from workbench.gui.kws_child import KwsChild
from workbench.gui.calibration.pareto_table_view import ParetoTableView, same_parameters
from workbench.gui.calibration.preset_save_dialog import choose_save_as_preset
from workbench.gui.calibration.run_folders import new_run_folder, remove_orphaned_run_folders
from workbench.gui.calibration.stream_dialog import StreamDialog, stream_keywords
from workbench.gui.calibration.stream_dialog_memory import StreamDialogMemory

if TYPE_CHECKING:
    from workbench.gui.window.workspace_host import WorkspaceHost

PROGRESS_STEPS = 1000


class CalibrationWorkspace(QWidget):
    """Calibration for the window that hosts it (see :class:`WorkspaceHost`)."""

    def __init__(self, host: "WorkspaceHost", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        remove_orphaned_run_folders()  # left by a window that was killed: nothing else would ever delete them
        self.output: CalibrationOutput | None = None
        self._run_folder: Path | None = None  # the shown calibration's files
        self._model_of_run: Path | None = None  # the shown calibration's model
        self._pending: tuple[Path, Path] | None = None  # (folder, model) of the running one
        self._saved_run: Path | None = None  # the run folder whose report was saved (closing loses nothing)

        self.inputs = CalibrationInputsView(getattr(host.settings, "qsettings", None))
        self.stream_memory = StreamDialogMemory(getattr(host.settings, "qsettings", None))  # Build…'s last choices
        self.progress = QProgressBar(maximum=PROGRESS_STEPS)
        self.progress.setFormat("%p %")
        self.status = QLabel("Choose a labelled stream and press Run.")
        self.status.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dark = bool(getattr(host.settings, "dark", lambda: True)())
        self.curve = DetCurveView(dark)
        self.table = ParetoTableView()
        make_calibration_buttons(self)
        self.mistakes = MistakeClipsAction(self)  # Save mistakes as clips…
        lay_out_calibration(self)

        self.child = KwsChild("the calibration", self, boxes=CALIBRATION_BOXES)
        self.child.progress.connect(self._on_progress)
        self.child.succeeded.connect(self._on_succeeded)
        self.child.failed.connect(self._on_failed)
        self.child.cancelled.connect(self._on_cancelled)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.inputs.build_stream_requested.connect(self.build_stream)
        self.curve.front_point_clicked.connect(self._use_row)
        self.table.set_activated.connect(self._use_row)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_set_buttons())
        self.use_button.clicked.connect(self.use_selected)
        self.save_model_button.clicked.connect(lambda: choose_save_into_model(self))
        self.save_preset_button.clicked.connect(lambda: choose_save_as_preset(self))
        self.save_report_button.clicked.connect(lambda: choose_save_report(self))
        self.open_report_button.clicked.connect(lambda: choose_open_report(self))
        controller = host.controller
        controller.model_changed.connect(self._on_model_changed)
        controller.detection_settings_changed.connect(self._on_settings_changed)
        self.inputs.set_loaded_model(self._loaded_model_path())

    @property
    def model_of_run(self) -> Path | None:
        """The model of the calibration shown (None when none is shown or its file is gone)."""
        return self._model_of_run

    # -- running -----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.child.running

    def run(self) -> bool:
        """Start a calibration of the chosen inputs; False (and a message) if something is missing, or when the user
        keeps the finished run's unsaved results from being replaced (asked: Save report… / Discard / Cancel)."""
        if self.running:
            return False
        try:
            args = self.inputs.calibrate_arguments()
        except WorkbenchError as exc:
            self.host.show_error(str(exc))
            return False
        if self.unsaved_results and not confirm_discard_results(self, rerun=True):
            return False
        try:
            folder = new_run_folder()
        except WorkbenchError as exc:
            self.host.show_error(str(exc))
            return False
        self._pending = (folder, Path(args[args.index("--model") + 1]))
        self.child.start("calibrate", *args, "--format", "json", "--progress", "jsonl",
                         "--out", str(folder / "run"))
        self.set_running(True)
        self.status.setText("starting…")
        return True

    def cancel(self) -> None:
        self.child.cancel()

    def set_running(self, running: bool) -> None:
        """Lock what a run must not change (the inputs; another report, which would replace what it shows).

        The keyboard focus goes to Cancel while running and back to Run after, when it was in the workspace:
        Alt+R from a field of the form would otherwise leave it nowhere (the form is disabled under it)."""
        focus = self.window().focusWidget()
        if running:
            self.cancel_button.setEnabled(True)
            if focus is None or self.isAncestorOf(focus):
                self.cancel_button.setFocus()
        for widget in (self.run_button, self.inputs, self.open_report_button):
            widget.setEnabled(not running)
        if not running:
            if focus is None or focus is self.cancel_button:
                self.run_button.setFocus()
            self.cancel_button.setEnabled(False)
        if running:
            self.progress.setValue(0)
        self._update_set_buttons()

    def _on_progress(self, phase: str, fraction: float) -> None:
        self.progress.setValue(int(fraction * PROGRESS_STEPS))
        self.status.setText(f"{phase}…")

    def _on_succeeded(self) -> None:
        self.set_running(False)
        self.progress.setValue(PROGRESS_STEPS)
        assert self._pending is not None
        folder, model = self._pending
        try:
            output = load_calibration_output(folder / "run")
        except WorkbenchError as exc:
            self._drop_pending()
            self.host.show_error(str(exc))
            return
        self._pending = None
        self._drop_run_folder()
        self._run_folder, self._model_of_run = folder, model
        self.show_output(output)
        self.host.show_status(f"calibration done: {len(output.pareto)} Pareto-best sets of "
                              f"{output.document['sets_tried']:,}")

    def _on_failed(self, message: str) -> None:
        self.set_running(False)
        self._drop_pending()
        # kept, not cleared: they are still valid, and so is their recommendation, which the run's start replaced
        self.status.setText(self._still_shown("the calibration failed"))
        self.host.show_error(message)

    def _on_cancelled(self) -> None:
        self.set_running(False)
        self._drop_pending()
        self.progress.setValue(0)
        self.status.setText(self._still_shown("cancelled"))

    def _still_shown(self, what: str) -> str:
        """``what`` happened to a run; the results shown, if any, are the earlier calibration's, with its
        recommendation, which the status showed until the run started."""
        if self.output is None:
            return what
        earlier = Path(self.output.document["stream"]["labels"]).name
        return f"{what}; the results shown are still the earlier calibration's ({earlier}):\n{self._summary_text()}"

    # -- results -----------------------------------------------------------------------------------
    def show_output(self, output: CalibrationOutput) -> None:
        """Show a loaded calibration (the curve, the table, the recommendation and the current set), with the
        warnings its run gave (its document's, in the window's terms)."""
        self.output = output
        document = output.document
        classes = tuple(document["model"]["classes"])
        self.curve.show_calibration(output.fa_per_hour, output.frr, output.pareto, output.recommended,
                                    float(document["target_fa_per_hour"]))
        self.curve.show_compared(output.compared)
        self.table.table_model.set_rows(output.pareto, classes, output.recommended)
        recommended = output.recommended
        row = next((i for i, p in enumerate(output.pareto) if same_parameters(p, recommended)), None)
        if row is not None:
            self.table.select_row(row)
        self.status.setText(self._summary_text())
        self.save_report_button.setEnabled(True)
        self._update_set_buttons()
        self._update_current()

    def _summary_text(self) -> str:
        """The shown calibration's recommendation and comparisons; without a recommendation, what to do."""
        assert self.output is not None
        lines = self.output.summary_lines()
        if self.output.recommended is None:
            lines.insert(1, "Select a set in the table to use or save it.")
        # said as the CLI says them above its report; naming the form's boxes, not the options the window fills in
        lines += [f"Warning: {self.child.window_terms(warning)}" for warning in self.output.warnings]
        return "\n".join(lines).replace(" %", "\u00a0%")  # a percent sign stays with its number

    def _update_set_buttons(self) -> None:
        """Use and Save act on the selected row: enabled only while one is (none is without a recommendation)."""
        selected = self.output is not None and self.table.selected_row() is not None
        self.use_button.setEnabled(selected)
        self.save_model_button.setEnabled(selected)
        self.save_preset_button.setEnabled(selected)
        self.mistakes.set_available(selected)

    def _calibrated_model_is_loaded(self) -> bool:
        loaded = self._loaded_model_path()
        model = self._model_of_run
        return loaded is not None and model is not None and loaded.resolve() == model.resolve()

    def _update_current(self) -> None:
        output, tuning = self.output, getattr(self.host.controller, "tuning", None)
        if output is None:
            return
        if tuning is None or not self._calibrated_model_is_loaded():
            self.curve.show_current(None, None)
            self.summary.setText("Current parameters: the loaded model is not the calibrated one.")
            return
        reason = output.can_score(tuning.settings)
        metrics = output.score(tuning.settings)
        if metrics is None:
            self.curve.show_current(None, None)
            self.summary.setText(f"Current parameters cannot be scored: {reason}.")
            return
        self.curve.show_current(metrics.fa_per_hour, metrics.frr)
        self.summary.setText(f"Current parameters: {figures_text(metrics.frr, metrics.fa_per_hour)}")

    def _on_settings_changed(self, _settings: object) -> None:
        self._update_current()

    def _on_model_changed(self, _model: object) -> None:
        self.inputs.set_loaded_model(self._loaded_model_path())
        self._update_current()

    def _loaded_model_path(self) -> Path | None:
        model = getattr(self.host.controller, "model", None)
        path = getattr(model, "path", None)
        return Path(path) if path else None

    # -- using a set -------------------------------------------------------------------------------
    def selected_set(self) -> dict[str, Any] | None:
        """The table's selected set, else the recommendation."""
        if self.output is None:
            return None
        row = self.table.selected_row()
        return self.output.pareto[row] if row is not None else self.output.recommended

    def use_selected(self) -> None:
        row = self.table.selected_row()
        if row is None:
            self.host.show_error(self.nothing_selected())
        else:
            self._use_row(row)

    def nothing_selected(self) -> str:
        """What to do before a set can be used or saved."""
        return "run a calibration or open a report first" if self.output is None else "select a set in the table first"

    def _use_row(self, row: int) -> bool:
        """Put Pareto set ``row`` into the tuning sliders (opening the calibrated model first if needed)."""
        if self.output is None or not 0 <= row < len(self.output.pareto):
            return False
        self.table.select_row(row)
        item = self.output.pareto[row]
        if not self._calibrated_model_is_loaded():
            model = self.existing_model_of_run()
            if model is None or not self.host.open_model(model):
                return False
            self.host.show_status(f"opened {self._model_of_run.name} to tune it")
        tuning = self.host.controller.tuning
        if tuning is None:  # the calibrated model has since become one the stream cannot run
            self.host.show_error(f"Nothing to tune: {self.host.controller.live_reason}.")
            return False
        pset = parameter_set_of(item)
        try:
            tuning.set(detection_threshold=pset.detection_threshold,
                       average_window_duration_ms=pset.average_window_duration_ms,
                       suppression_ms=pset.suppression_ms, minimum_count=pset.minimum_count,
                       detection_threshold_list=pset.detection_threshold_list,
                       latency_ms=self.output.latency_ms)
        except WorkbenchError as exc:
            self.host.show_error(str(exc))
            return False
        self.host.show_status(f"tuning set to {figures_text(item['frr'], item['fa_per_hour'])}")
        return True

    def existing_model_of_run(self) -> Path | None:
        """The shown calibration's model; None, said in an error, when its file was not found."""
        if self._model_of_run is None and self.output is not None:
            self.host.show_error(f"the calibrated model {self.output.model_file} was not found")
        return self._model_of_run

    def save_into_model(self, path: str | Path) -> Path | None:
        """Write the selected set (or the recommendation) into a model file (see :mod:`.calibration_files`)."""
        return calibration_files.save_into_model(self, path)

    def save_as_preset(self, path: str | Path, name: str, description: str) -> Path | None:
        """Write the selected set as preset ``name`` into a model file (see :mod:`.calibration_files`)."""
        return calibration_files.save_as_preset(self, path, name, description)

    def save_report(self, folder: str | Path) -> list[Path]:
        """Copy the shown calibration's report files into ``folder`` (all or none)."""
        return calibration_files.save_report(self, folder)

    def open_report(self, folder: str | Path) -> bool:
        """Show the calibration saved in ``folder`` (asking first about unsaved results it would replace)."""
        return calibration_files.open_report(self, folder)

    # -- stream building ---------------------------------------------------------------------------
    def build_stream(self) -> None:
        path = self.inputs.model_path()  # the calibrated model: its keywords and its run's split
        dialog = StreamDialog(stream_keywords(path, getattr(self.host.controller, "model", None)), parent=self,
                              model=path)
        self.stream_memory.fill(dialog, path)
        if dialog.exec() and dialog.built_path is not None:
            self.stream_memory.keep(dialog, path)
            self.inputs.set_stream(dialog.built_path)

    def set_dark(self, dark: bool) -> None:
        """Restyle the DET curve for the palette (the window calls it when View > Dark palette changes)."""
        self.curve.set_dark(dark)

    # -- the run's temporary folder ----------------------------------------------------------------
    @property
    def unsaved_results(self) -> bool:
        """A finished run is shown whose report was not saved: its temporary folder is all there is of it."""
        return self._run_folder not in (None, self._saved_run)

    def is_run_folder(self, folder: str | Path) -> bool:
        """Whether ``folder`` (or a file in it) is in the shown run's temporary folder."""
        return self._run_folder is not None and Path(folder).resolve().is_relative_to(self._run_folder.resolve())

    def mark_report_saved(self) -> None:
        self._saved_run = self._run_folder

    def replace_run(self, model: Path | None) -> None:
        """A report from the user's folder, of ``model``, is shown instead of the run (its folder deleted)."""
        self._drop_run_folder()
        self._model_of_run = model

    # -- closing -----------------------------------------------------------------------------------
    def confirm_close(self) -> bool:
        """Ask before a running calibration is stopped, or a finished one's unsaved results are deleted."""
        return confirm_close_calibration(self)

    def shutdown(self) -> None:
        if self.running:
            self.child.cancel()
            self.child.wait_stopped()
        self.mistakes.shutdown()
        self._drop_pending()
        self._drop_run_folder()

    def _drop_pending(self) -> None:
        if self._pending is not None:
            shutil.rmtree(self._pending[0], ignore_errors=True)
            self._pending = None

    def _drop_run_folder(self) -> None:
        if self._run_folder is not None:
            shutil.rmtree(self._run_folder, ignore_errors=True)
            self._run_folder = None
