"""The Training workspace: choose data and a spec, train in a child process, watch it learn, use the model.

Why it is built this way: the training is ``kws train --progress jsonl`` in a child
(:class:`TrainingProcess`), so the window stays responsive, never loads TensorFlow, and the run's
folder is the single source of truth -- the curves follow the child's epoch events, the report is
read from the folder's ``summary.json`` and ``eval/``, and "Use this model" opens the ``.tflite``
the child wrote, through ``host.open_model`` (live view, Model and Profile workspaces). Cancel asks
the child to stop at the next batch; it keeps its best checkpoint and Resume continues it (a Cancel before the
first epoch leaves nothing to resume, and a folder the start created is removed again; a folder deleted meanwhile is
not made again, and said). Resume keeps the Log:
it continues the run, and the Log shows its whole story, as the run's ``train/log.txt`` does.

The same folder also shows a run this window did not start (a colleague's run copied over, ``kws train``
on the command line, an earlier session's): whenever the output folder changes -- typed, chosen or
restored at start-up -- :func:`inspect_run_folder` reads it and the workspace shows what it holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea,
    QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from workbench.core.errors import SettingsError
from workbench.core.folder_lock import gone_sentence
from workbench.core.wording import clock_time
from workbench.gui.widgets.button_rows import ButtonRows
from workbench.gui.widgets.flexible_label import flexible_width
from workbench.gui.widgets.small_screen import scroll_column_with_footer
from workbench.gui.training.data_list.built_dataset_settings import BuiltDatasetSettings
from workbench.gui.training.data_list.dataset_panel import DatasetPanel
from workbench.gui.training.data_list.dataset_weights import dataset_arguments
from workbench.gui.training.evaluation.evaluation_report_view import EvaluationReportView
from workbench.gui.training.preview.augmentation_preview import AugmentationPreview
from workbench.gui.training.run_folder_state import (RUN_FILE, SUMMARY_FILE, RunFolderState, RunKind,
                                                     first_missing_folder, inspect_run_folder, remove_empty_folders,
                                                     run_log, run_spec, stopped_sentence)
from workbench.gui.window.window_closing import ask_yes_no
from workbench.gui.training.training_curves_view import TrainingCurvesView
from workbench.gui.training.training_form_memory import TrainingFormMemory
from workbench.gui.training.training_process import CANCELLED, DONE, TrainingProcess
from workbench.gui.training.training_settings_view import TrainingSettingsView
from workbench.progress_text import done_fraction, epoch_text, finished_line, status_line, warning_of

if TYPE_CHECKING:
    from workbench.gui.window.workspace_host import WorkspaceHost

PROGRESS_STEPS = 1000
UNKNOWN_TIME = "–"  # the ETA before the first estimate
READY = "Ready."
STOPPED_REPORT = "This run stopped before its evaluation: Resume continues it, and the report appears here then."
INPUTS_MAX_WIDTH_PX = 460
INPUTS_MIN_WIDTH_PX = 450  # room for the spec names with their MACs and the five columns of the data summary
MAX_LOG_LINES = 5000
CURVES_MIN_HEIGHT_PX = 200  # below this the charts' tick labels run into each other
SHUTDOWN_WAIT_MS = 20_000
RESUME_LOG_LINE = "----- Resume: the stopped run continues -----"
LAST_WORD_PHASES = ("cancelled", "error")  # the child's last word, said in the window's terms by _finished


def _ask_user(parent: QWidget, question: str) -> bool:
    return ask_yes_no(parent, "Training in progress", question)


class TrainingWorkspace(QWidget):
    """Training for the window that hosts it (see :class:`WorkspaceHost`)."""

    def __init__(self, host: "WorkspaceHost", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.ask: Callable[[QWidget, str], bool] = _ask_user  # replaceable (tests answer for the user)
        self.model_path: Path | None = None
        self._created: Path | None = None  # the outermost folder the running run's start created (None: none)
        self._warnings: list[str] = []  # the running run's warnings: said when it finishes (finished_line)
        self.process = TrainingProcess(self)
        dark = bool(getattr(host.settings, "dark", lambda: True)())

        self.datasets = DatasetPanel()
        self.settings = TrainingSettingsView()
        self.builds = BuiltDatasetSettings(self.datasets, self.settings, self.host.show_status, self)
        self.train_button = QPushButton("&Train")
        self.train_button.setToolTip("Train a model on the dataset folders with these settings (kws train); the "
                                     "model, logs and checkpoints go in the output folder")
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setToolTip("Stop the training after the current batch; once an epoch has finished, the "
                                      "best checkpoint is kept and Resume continues the run")
        self.resume_button = QPushButton("&Resume")
        self.resume_button.setToolTip("Continue the stopped run in the output folder")
        self.use_button = QPushButton("&Use this model")
        self.use_button.setToolTip("Load the trained model into the live view, the Model and the Profile workspaces")
        self.preview = AugmentationPreview(self._form_command, self)  # its button, child and samples' view
        self.preview_button = self.preview.button
        self.phase = flexible_width(QLabel(READY))  # a finished run's path-long sentence wraps, never widens
        self.progress = QProgressBar(maximum=PROGRESS_STEPS)
        self.progress.setFormat("%p %")
        self.eta = QLabel("")
        self.curves = TrainingCurvesView(dark)
        self.log = QPlainTextEdit(readOnly=True, accessibleName="Training log")
        self.log.setMaximumBlockCount(MAX_LOG_LINES)
        self.report = EvaluationReportView(host=host)
        self.tabs = QTabWidget(accessibleName="Training log or evaluation")  # its tab bar is a Tab stop
        self.tabs.addTab(self.log, "Log")
        self._report_scroll = QScrollArea()  # the report is tall: on a small screen it scrolls, the curves stay
        self._report_scroll.setWidgetResizable(True)
        self._report_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._report_scroll.setWidget(self.report)
        self.tabs.addTab(self._report_scroll, "Evaluation")
        self._layout(dark)
        self._connect()
        self.memory = TrainingFormMemory(getattr(host.settings, "qsettings", None), self.datasets, self.settings, self)
        self.memory.note.connect(self.host.show_status)  # a remembered choice dropped: said, not an error box
        self.memory.restore(self.take_run_settings)
        self._update_buttons()
        self.settings.load_specs()

    # -- layout -----------------------------------------------------------------------------------
    def _layout(self, dark: bool) -> None:
        data_box = QGroupBox("Data")
        QVBoxLayout(data_box).addWidget(self.datasets)
        settings_box = QGroupBox("Model and training")
        QVBoxLayout(settings_box).addWidget(self.settings)
        # on further rows where the column is narrow (a large font): the four never squeeze each other's text
        buttons = ButtonRows((self.train_button, self.preview_button, self.cancel_button, self.resume_button))
        inputs = QWidget()
        column = QVBoxLayout(inputs)
        column.addWidget(data_box, 3)
        column.addWidget(settings_box)
        inputs.setMaximumWidth(INPUTS_MAX_WIDTH_PX)
        inputs.setMinimumWidth(INPUTS_MIN_WIDTH_PX)
        # the buttons stay in view under the inputs, which scroll on a short screen (at 1366x768 Train was below)
        left = scroll_column_with_footer(inputs, (buttons, self.use_button))

        status = QHBoxLayout()
        status.addWidget(self.phase, 1)
        status.addWidget(self.eta)
        results = QWidget()
        right = QVBoxLayout(results)
        right.addLayout(status)
        right.addWidget(self.progress)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.curves.setMinimumHeight(CURVES_MIN_HEIGHT_PX)
        splitter.addWidget(self.curves)
        splitter.addWidget(self.tabs)
        splitter.setCollapsible(0, False)
        splitter.setSizes([300, 300])
        right.addWidget(splitter, 1)

        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)  # on a short screen the inputs scroll, the window fits
        main.addWidget(results)
        main.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(main)

    def _connect(self) -> None:
        self.train_button.clicked.connect(lambda: self.start())
        self.resume_button.clicked.connect(lambda: self.start(resume=True))
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button.clicked.connect(self.use_model)
        self.process.event.connect(self._event)
        self.process.log.connect(self._log)
        self.process.finished.connect(self._finished)
        self.preview.said.connect(self.phase.setText)  # a failure too: one sentence in the status line
        self.preview.progress.connect(lambda done: self.progress.setValue(int(PROGRESS_STEPS * done)))
        self.preview.busy_changed.connect(self._update_buttons)
        self.datasets.changed.connect(self._update_buttons)  # the preview's button follows the form
        self.settings.keywords_changed.connect(lambda _words: self._update_buttons())
        self.datasets.error.connect(self.host.show_error)
        self.datasets.synthesize_requested.connect(self.open_dataset_builder)
        self.settings.keywords_changed.connect(self.datasets.set_keywords)
        self.settings.out.textChanged.connect(lambda _text: self.show_out_folder())
        self.settings.out_chosen.connect(self.show_out_folder)  # chosen again: read again (its text is unchanged)
        self.settings.out_chosen.connect(self.take_run_settings)

    # -- persistence ------------------------------------------------------------------------------
    def open_dataset_builder(self) -> Any:
        """The synthetic dataset builder; a dataset it builds goes into the form (:class:`BuiltDatasetSettings`)."""
        return self.builds.open_builder(self.host, self)

    # -- the output folder's run --------------------------------------------------------------------
    def show_out_folder(self) -> RunFolderState | None:
        """Show what the output folder holds: a finished run's report, curves and model, a stopped run, or nothing.

        Why on every change of the folder's text: the folder is the single source of truth, whoever wrote it;
        a path typed half-way names no run and simply shows the form of a new run. None while a run is in
        progress (its own events fill the view, and its folder cannot change then).
        """
        if self.running:
            return None
        state = inspect_run_folder(self.settings.out_folder())
        self.model_path = state.model_path
        log = run_log(state.folder) if state.kind is not RunKind.NEW else ""
        self.log.setPlainText(self.process.window_terms(log))  # (the file is kws train's: its warnings' remedies)
        self.curves.clear()
        for event in state.curve_events():
            self.curves.add_epoch(event)
        if state.summary is not None and state.folder is not None:
            self.report.show_run(state.folder)
            self.tabs.setCurrentWidget(self._report_scroll)
        elif state.kind is RunKind.STOPPED:
            self.report.show_note(STOPPED_REPORT)
        elif state.kind is RunKind.DAMAGED:
            self.report.show_note(state.note)
        else:
            self.report.clear()
        self.progress.setValue(PROGRESS_STEPS if state.kind is RunKind.FINISHED else 0)
        self.eta.setText("")
        self.phase.setText(state.note or READY)
        self._update_buttons()
        return state

    def take_run_settings(self) -> None:
        """Put the spec, keywords and settings of the run in the output folder into the form, so Resume and Train
        again repeat it.

        Why only when the folder is chosen, not on every keystroke as the report: a path typed on its way to a
        new folder may pass through an existing run ("runs/exp1" before "runs/exp10"), whose settings would
        silently replace the ones the user set for the new run.
        """
        if self.running:
            return
        state = inspect_run_folder(self.settings.out_folder())
        ran_with = run_spec(state.folder) if state.kind is not RunKind.NEW else None
        if ran_with is not None:
            self.settings.show_run(ran_with.spec, ran_with.keywords, ran_with.label, ran_with.settings,
                                   seed=ran_with.seed, init_from=ran_with.init_from)
            if ran_with.datasets:  # what Resume repeats, and Train again trains on (with the run's weights)
                self.datasets.set_folders(ran_with.datasets)

    # -- running ----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.process.running

    def _resumable(self) -> bool:
        out = self.settings.out_folder()
        return out is not None and (out / RUN_FILE).is_file() and not (out / SUMMARY_FILE).exists()

    def _update_buttons(self) -> None:
        running = self.running or self.preview.running  # a preview holds the output folder and the form too
        self.train_button.setEnabled(not running)
        self.preview.update_button(not running)
        self.cancel_button.setEnabled(running)
        self.resume_button.setEnabled(not running and self._resumable())
        self.use_button.setEnabled(not running and self.model_path is not None and self.model_path.is_file())
        resumable = not running and self._resumable()
        self.datasets.setEnabled(not running and not resumable)  # Resume repeats the run's datasets
        self.settings.setEnabled(not running)
        self.settings.lock_to_run(resumable)

    def start(self, resume: bool = False) -> bool:
        """Start ``kws train`` (or resume the stopped run in the output folder); False when refused."""
        if self.running:
            return False
        try:
            out = self.settings.checked_out_folder()
            args = (["--resume"] + self.settings.resume_arguments()) if resume else self._new_run_arguments(out)
        except SettingsError as exc:
            self.host.show_error(str(exc))
            return False
        self.memory.save()
        self.model_path = None
        self._created = None if resume else first_missing_folder(out)
        if resume:  # the same run goes on: its curves and its log so far stay
            self.log.appendPlainText(RESUME_LOG_LINE)
        else:
            self.curves.clear()
            self.log.clear()
        self._warnings = []
        self.tabs.setCurrentWidget(self.log)  # the last run's report gives way to this one's Log until it finishes
        self.report.clear()
        self.progress.setValue(0)
        self.phase.setText("Starting (loading TensorFlow)…")
        self.eta.setText("")
        self.process.start(out, *args)
        self._update_buttons()
        self.host.show_status("Training started")
        return True

    def _form_command(self) -> tuple[Path, list[str]]:
        """The output folder and the options of a new run from the form, whatever the folder holds (the preview's
        command); SettingsError (one sentence) when the form cannot start one."""
        out = self.settings.checked_out_folder()
        if not self.datasets.folders():
            raise SettingsError("Add at least one dataset folder to train on.")
        datasets = dataset_arguments(self.datasets.weighted_folders())  # a weight kws train refuses is refused here
        self.settings.check_keywords()
        return out, datasets + self.settings.arguments()

    def _new_run_arguments(self, out: Path) -> list[str]:
        """The options of a new run into ``out``; SettingsError (one sentence) when the form cannot start one."""
        _out, arguments = self._form_command()
        if (out / RUN_FILE).exists() or (out / SUMMARY_FILE).exists():  # a finished run may lack run.json
            if self._resumable():
                raise SettingsError(f"{out} already holds a training run, a stopped one: press Resume to continue "
                                    "it, or choose another output folder.")
            raise SettingsError(f"{out} already holds a training run: choose another output folder.")
        return arguments

    def cancel(self) -> None:
        self.preview.cancel()
        if self.running:
            process = self.process
            self.phase.setText(process.stopping_without_folder() if process.folder_gone
                               else "Stopping after the current batch…")
            self.process.cancel()

    def use_model(self) -> bool:
        if self.model_path is None:
            return False
        if self.host.open_model(self.model_path):
            self.host.show_status(f"Using {self.model_path.name}")
            self.host.show_workspace("live")
            return True
        return False

    # -- child events -----------------------------------------------------------------------------
    def _log(self, text: str) -> None:
        self.log.appendPlainText(text)

    def _event(self, event: dict[str, Any]) -> None:
        phase, kind = str(event.get("phase", "")), str(event.get("event", ""))
        done, line = done_fraction(event), status_line(event)
        if done is not None:
            self.progress.setValue(int(PROGRESS_STEPS * done))
        if line is not None:
            self.phase.setText(line)
        if kind in ("batch", "epoch"):
            self.eta.setText(f"ETA {clock_time(event.get('eta_s'), UNKNOWN_TIME)}")
        if kind == "epoch":
            self.curves.add_epoch(event)
            self._log(epoch_text(event, eta=False))
        elif kind == "end" and phase == "done" and event.get("model"):
            self.model_path = Path(str(event["model"]))
        if (warning := warning_of(event)) is not None:
            self._warnings.append(warning)
        if event.get("message") and kind != "epoch" and not (kind == "end" and phase in LAST_WORD_PHASES):
            self._log(f"[{phase}] {event['message']}")

    def _finished(self, status: str, message: str) -> None:
        out = self.process.out
        self._update_buttons()
        if status == DONE:
            self.progress.setValue(PROGRESS_STEPS)
            self.phase.setText(finished_line(self._warnings))
            self.eta.setText("")
            if out is not None:
                if self.model_path is None or not self.model_path.is_file():
                    self.model_path = inspect_run_folder(out).model_path
                self.report.show_run(out)
                self.tabs.setCurrentWidget(self._report_scroll)
            self.host.show_status("Training finished")
        else:  # stopped or failed: no progress, no time left to show
            self.progress.setValue(0)
            self.eta.setText("")
            if status == CANCELLED:  # said once, in the window's terms (the child's last event is not logged)
                sentence = gone_sentence(out) if out is not None and self.process.folder_gone else stopped_sentence(out)
                self.phase.setText(sentence)
                self._log(f"[{CANCELLED}] {sentence[:1].lower()}{sentence[1:]}")
                self.host.show_status("Training stopped")
            else:
                self.phase.setText("Failed.")
                self._log(message)
                self.host.show_error(message)
            if out is not None and self._created is not None and inspect_run_folder(out).kind is RunKind.NEW:
                remove_empty_folders(out, self._created)
        self._update_buttons()

    # -- window integration -----------------------------------------------------------------------
    def set_dark(self, dark: bool) -> None:
        """Restyle the charts for the palette (View > Dark palette switches it at run time)."""
        self.curves.set_dark(dark)

    def confirm_close(self) -> bool:
        if not self.running:
            return True
        return self.ask(self, "A training run is in progress. Stop it (once an epoch has finished, the best "
                              "checkpoint is kept and Resume continues it later) and close?")

    def shutdown(self) -> None:
        self.memory.shutdown()  # the form as it is now, whether or not a write was pending
        self.report.shutdown()
        self.preview.shutdown(SHUTDOWN_WAIT_MS)
        if self.running:
            self.process.cancel()
            self.process.wait_stopped(SHUTDOWN_WAIT_MS)
        self.datasets.shutdown()
        self.settings.shutdown()
