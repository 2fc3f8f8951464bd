"""The Board workspace: flash, profile and classify on an EFR32 dev kit, with progress, Cancel and a console.

Why it looks like this: a board run is minutes of waiting on hardware that can vanish at any moment, so
the workspace runs one job at a time on a :class:`BoardTask` thread (serial I/O and Commander never on
the GUI thread), shows what the job is doing (status, flash/download progress), can always be
cancelled, and turns every failure into one sentence through ``host.show_error`` -- the window never
freezes or crashes. It works on the model and detection settings of the live stream
(``host.controller``), so what the user tuned is what the chip runs.

For the window (the lead wires these): ``board_detection(dict)`` -- ``{"source": "board", "time_ms",
"class", "label", "score"}`` per detection the chip reports; ``board_scores(int, list)`` -- the chip's
ms-since-boot and uint8 scores per inference (Classify with Verbose); ``board_profile(object, object)`` -- the
:class:`ProfileReport` with ``measured`` filled, for the Profile workspace, and the model it was made for;
``busy_changed(bool)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QTabWidget, QVBoxLayout, QWidget)

from workbench.board.firmware.catalog import CLASSIFIER_APP, PROFILER_APP
from workbench.board.runs.classify_run import classifying_status
from workbench.board.runs.job import ACCELERATOR_NAMES, ACCELERATORS, FLASHING_STEP, BoardOptions
from workbench.board.logs.classifier_log import BoardDetection, BoardNotice, BoardScores
from workbench.board.platforms import DeviceInfo
from workbench.board.runs.profile_run import BoardProfile
from workbench.gui.widgets.flow_layout import FlowLayout
from workbench.gui.widgets.small_screen import ScrollColumn
from workbench.gui.board.board_connection_panel import BoardConnectionPanel
from workbench.gui.board.board_console_view import BoardConsoleView
from workbench.gui.board.board_detections_view import BoardDetectionsView
from workbench.gui.board.firmware_images_view import FirmwareImagesView
from workbench.gui.board.board_outcomes import in_window_terms, outcome_text
from workbench.gui.board.board_task import BoardTask
from workbench.gui.board.job_progress_bar import JobProgressBar
from workbench.gui.board.board_work import Work, classify_work, console_work, flash_work, info_work, profile_work
from workbench.gui.board.measured_table_view import MeasuredTableView
from workbench.gui.board.port_watcher import PortWatcher
from workbench.gui.board.board_questions import ask_about_running_job, ask_to_flash, running_job_question
from workbench.gui.board.board_run_checks import (FlashQuestion, classify_refusal, flash_anyway,
                                                  flash_image_anyway, flash_refused_anyway)
from workbench.gui.board.job_model import JobModel, previous_detections_status, previous_model_status, same_model
from workbench.gui.settings.stored_values import stored_text

ACCELERATOR_KEY = "board/accelerator"
SHUTDOWN_WAIT_MS = 5000
PROFILE_TAB, DETECTIONS_TAB, CONSOLE_TAB = 0, 1, 2
CLASSIFYING = "classifying on the board"
WARNING_STATUS = "warning:"  # said during a step: not a step of its own
COMMANDER_MISSING = "Simplicity Commander cannot be used: the note under Commander says why and what to do."
ACCELERATOR_TIP = ("Which published firmware to flash, built for the MVP accelerator or for the CPU only, and which "
                  "the estimate beside the measurement assumes (kws board profile --accelerator)")
NO_MODEL = "Load a model first (File ▸ Open model…): the board runs the model of the live stream."


class BoardWorkspace(QWidget):
    """Standalone widget taking a :class:`~workbench.gui.window.workspace_host.WorkspaceHost`."""

    board_detection = Signal(dict)
    board_scores = Signal(int, list)
    board_profile = Signal(object, object)  # the report, the LoadedModel profiled
    busy_changed = Signal(bool)

    def __init__(self, host: Any, parent: QWidget | None = None, *, watch_ports: bool = True) -> None:
        super().__init__(parent)
        self.host = host
        qsettings = host.settings.qsettings
        self._qsettings = qsettings
        self.connection = BoardConnectionPanel(qsettings, self)
        self.connection.info_requested.connect(self.read_info)
        self.task: BoardTask | None = None
        self._job = JobModel()  # the model the running (or last) job is of: its results only ever shown for it
        self._step = ""  # what the running job said it is doing (the last status but a warning)
        self._stopping = False  # Cancel was pressed: "stopping…" stays until the job ends
        self._shown_model: Any = None  # the model the measured table is of: another one clears it
        self._app: str | None = None  # the MLTK app the running (or last) job flashes: its failures name its box
        self.ask: Callable[[QWidget, str], bool] = ask_about_running_job  # replaceable (tests answer for the user)
        self.ask_flash: FlashQuestion = ask_to_flash  # replaceable, as ``ask``

        run_box = QGroupBox("Run", self)
        self.model_label = QLabel(self)
        self.model_label.setWordWrap(True)
        self.firmware = FirmwareImagesView(qsettings, self)  # a box per app: Profile's and Classify's images
        self.accelerator = QComboBox(self)  # shows the Profile workspace's names; its data is the CLI's word
        for key in ACCELERATORS:
            self.accelerator.addItem(ACCELERATOR_NAMES[key], key)
        remembered = stored_text(self._qsettings, ACCELERATOR_KEY)
        self.accelerator.setCurrentIndex(max(self.accelerator.findData(remembered), 0))
        self.accelerator.setToolTip(ACCELERATOR_TIP)
        self.accelerator.currentIndexChanged.connect(
            lambda _index: qsettings.setValue(ACCELERATOR_KEY, self.accelerator_choice()))
        self.no_flash = QCheckBox("Don't flash (the board already runs the app)", self)  # short: it never wraps
        self.no_flash.setToolTip("Skip flashing: Classify and Profile talk to the app the board already runs "
                                 "(reset the board when asked)")
        self.verbose = QCheckBox("Verbose: every inference's scores", self)
        self.verbose.setToolTip("Flash and Classify set the model so the board prints every inference's scores, "
                                "not only its detections (more serial output)")
        self.flash_button = QPushButton("F&lash", self)
        self.flash_button.setToolTip("Flash the Classifier image (empty: MLTK's published audio classifier) and "
                                     "the model with the current detection settings, then reset the board")
        self.profile_button = QPushButton("P&rofile", self)
        self.profile_button.setToolTip("Measure the model's cycles and time per layer on the board (flashes the "
                                       "Profiler image first, unless \u201cDon't flash\u201d)")
        self.classify_button = QPushButton("Cl&assify", self)
        self.classify_button.setToolTip("Run the model on the board and show its detections until Cancel "
                                        "(flashes the Classifier image first, unless \u201cDon't flash\u201d)")
        self.console_button = QPushButton("Open c&onsole", self)
        self.console_button.setToolTip("Show the board's serial output (no flashing) until Cancel")
        self.cancel_button = QPushButton("&Cancel", self)
        self.cancel_button.setToolTip("Stop the running board task (flashing, profiling, classifying or the "
                                      "console)")
        self.cancel_button.setEnabled(False)
        self.flash_button.clicked.connect(self.flash)
        self.profile_button.clicked.connect(self.profile)
        self.classify_button.clicked.connect(self.classify)
        self.console_button.clicked.connect(self.open_console)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = JobProgressBar(self)
        self.status = QLabel("Idle.", self)
        self.status.setWordWrap(True)

        grid = QGridLayout(run_box)
        grid.addWidget(QLabel("Model:"), 0, 0)
        grid.addWidget(self.model_label, 0, 1, 1, 3)
        row = self.firmware.add_rows(grid, 1)
        grid.addWidget(QLabel("Accelerator:"), row, 0)
        grid.addWidget(self.accelerator, row, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.no_flash, row + 1, 0, 1, 4)
        grid.addWidget(self.verbose, row + 2, 0, 1, 4)
        buttons = FlowLayout()  # at a large font the buttons take two rows of the box
        for button in (self.flash_button, self.profile_button, self.classify_button, self.console_button,
                       self.cancel_button):
            buttons.addWidget(button)
        grid.addLayout(buttons, row + 3, 0, 1, 4)
        grid.addWidget(self.progress, row + 4, 0, 1, 4)
        grid.addWidget(self.status, row + 5, 0, 1, 4)
        grid.setColumnStretch(1, 1)

        boxes = QWidget(self)  # built before the tables: Tab reaches the boxes first
        top = QHBoxLayout(boxes)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.connection, 3)  # the wider share: a missing Commander's message is the tallest text
        top.addWidget(run_box, 2)
        boxes_area = ScrollColumn(boxes, self)  # scrolls where the window is short (a large font): the tables keep rows
        self.tabs = QTabWidget(self, accessibleName="Board results")  # a named Tab stop, made before its pages
        self.measured = MeasuredTableView(self)
        self.detections = BoardDetectionsView(self)
        self.console = BoardConsoleView(self)
        self.console.error.connect(lambda message: host.show_error(in_window_terms(message)))
        self.console.saved.connect(lambda path: host.show_status(f"board console saved to {path}"))
        for view in (self.measured, self.detections):
            view.error.connect(lambda message: host.show_error(in_window_terms(message)))
        self.detections.saved.connect(lambda path: host.show_status(f"board detections saved to {path}"))
        self.measured.saved.connect(host.show_status)
        self.tabs.addTab(self.measured, "Measured vs estimated")
        self.tabs.addTab(self.detections, "Board detections")
        self.tabs.addTab(self.console, "Console")

        layout = QVBoxLayout(self)
        layout.addWidget(boxes_area)
        layout.addWidget(self.tabs, 1)

        controller = getattr(host, "controller", None)
        if controller is not None and hasattr(controller, "model_changed"):
            controller.model_changed.connect(lambda _model: self._show_model())
        self._show_model()
        self.watcher: PortWatcher | None = None
        if watch_ports:
            self.watcher = PortWatcher(self)
            self.watcher.ports_changed.connect(self.connection.set_ports)
            self.watcher.start()

    # -- helpers -----------------------------------------------------------------------------------
    def _model(self) -> Any:
        return getattr(getattr(self.host, "controller", None), "model", None)

    def _show_model(self) -> None:
        """Name the live stream's model; another model than the measured table is of clears it (not its results).
        Classify's list stays with its run, which is of the model it flashed: its caption says if that is this."""
        model = self._model()
        if not same_model(model, self._shown_model):  # not on Save into model: the same network, new parameters
            self.measured.set_report(None)
        self._shown_model = model
        self.detections.show_open_model(model)
        self.model_label.setText(NO_MODEL if model is None else
                                 f"{model.name} ({len(model.tflite):,} bytes; classes {', '.join(model.classes)})")

    def options(self, app: str | None = None) -> BoardOptions:
        """The run options as the controls say now, with the image of ``app``'s box (the MLTK app the job
        flashes; None for a job that flashes none) -- a snapshot: later edits do not touch a running job."""
        commander = self.connection.commander_path()
        return BoardOptions(port=self.connection.port_name(), firmware=self.firmware.image(app),
                            flash=not self.no_flash.isChecked(), accelerator=self.accelerator_choice(),
                            serialno=self.connection.serialno(), commander=Path(commander) if commander else None)

    def accelerator_choice(self) -> str:
        """The Accelerator box's choice in the command line's words (``mvp``, ``none``)."""
        return str(self.accelerator.currentData())

    @property
    def busy(self) -> bool:
        return self.task is not None

    # -- jobs ----------------------------------------------------------------------------------------
    def _start(self, name: str, work: Work, tab: int | None = None, model: Any = None, app: str | None = None) -> bool:
        if self.task is not None:
            self.host.show_status("A board job is already running: cancel it first.")
            return False
        self._job.start(model)
        self._app = app
        self._stopping = False
        task = BoardTask(name, work, self)
        task.status.connect(self._on_status)
        task.progress.connect(self.progress.step)
        task.line.connect(self.console.append_line)
        task.event.connect(self._on_event)
        task.succeeded.connect(lambda result: self._on_succeeded(name, result))
        task.failed.connect(self._on_failed)
        task.cancelled.connect(lambda left: self._on_cancelled(name, left))
        task.finished.connect(lambda: self._on_finished(task))
        self.task = task
        self._step = name
        self._set_busy(True)
        self.progress.busy(name)
        self._on_status(f"{name}…")
        if tab is not None:
            self.tabs.setCurrentIndex(tab)
        task.start()
        return True

    def _need_model(self) -> Any:
        model = self._model()
        if model is None:
            self.host.show_error(NO_MODEL)
        return model

    def read_info(self) -> bool:
        return self._start("reading the board's info",
                           info_work(self.connection.commander_path(), self.connection.serialno()))

    def flash(self) -> bool:
        from workbench.board.runs.classify_run import model_for_classifier

        model = self._need_model()
        if model is None or not flash_anyway(self, self.host.controller.live_problem, self.ask_flash):
            return False
        tflite = model_for_classifier(model.tflite, self.host.controller.settings, verbose=self.verbose.isChecked())
        options = self.options(CLASSIFIER_APP)
        if not flash_image_anyway(self, options.firmware, tflite, model, self.ask_flash):
            return False
        return self._start("flashing", flash_work(options, tflite, model.name), model=model, app=CLASSIFIER_APP)

    def profile(self) -> bool:
        model = self._need_model()
        if model is None:
            return False
        return self._start("profiling on the board", profile_work(self.options(PROFILER_APP), bytes(model.tflite),
                                                                  model.name), PROFILE_TAB, model, PROFILER_APP)

    def classify(self) -> bool:
        from workbench.board.runs.classify_run import model_for_classifier

        model = self._need_model()
        if model is None:
            return False
        refusal = classify_refusal(getattr(self.host.controller, "live_reason", None))
        if refusal:
            self.host.show_error(refusal)
            return False
        options = self.options(CLASSIFIER_APP)
        tflite = model_for_classifier(model.tflite, self.host.controller.settings, verbose=self.verbose.isChecked())
        if options.flash and not flash_refused_anyway(self, tflite, model, self.ask_flash):
            return False
        if not self._start(CLASSIFYING, classify_work(options, tflite, model.name), DETECTIONS_TAB, model,
                           CLASSIFIER_APP):
            return False
        self.detections.start_run(model)  # the board's clock restarts: one run's detections at a time
        return True

    def open_console(self) -> bool:
        return self._start("console", console_work(self.options()), CONSOLE_TAB)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self._stopping = True
            self._on_status(f"{self.task.name}: stopping…")

    # -- task reports (GUI thread) -------------------------------------------------------------------
    def _on_status(self, text: str) -> None:
        if not text.startswith(WARNING_STATUS):
            self._step = text
        self.status.setText(text[:1].upper() + text[1:])
        self.host.show_status(f"Board: {text}")
        if self.task is not None and self.task.isRunning():  # a new step: busy until it reports progress
            self.progress.busy(self.task.name)

    def _on_event(self, event: Any) -> None:
        previous = self._job.previous_name(self._model())  # the board runs the model open before: not this one's
        if isinstance(event, BoardNotice):
            self._on_status(f"the board says: {event.text}")
        elif isinstance(event, BoardDetection):
            self.detections.add(event)  # the run's list, whatever model is open: never the live views of another
            if previous is None:
                self.board_detection.emit(event.to_json())
            if not self._stopping:  # "stopping…" stays: the job has not ended
                count = len(self.detections.detections)
                self._on_status(classifying_status(count) if previous is None else
                                previous_detections_status(CLASSIFYING, previous, count))
        elif isinstance(event, BoardScores) and previous is None:
            self.board_scores.emit(event.time_ms, list(event.scores))

    def _on_succeeded(self, name: str, result: Any) -> None:
        previous, profiled = self._job.previous_name(self._model()), self._job.model
        if isinstance(result, BoardProfile):
            if previous is None:
                self.measured.set_report(result.report, bytes(profiled.tflite) if profiled is not None else None)
            self.board_profile.emit(result.report, profiled)  # the window checks whose it is too (board_link)
        device = result if isinstance(result, DeviceInfo) else getattr(result, "device", None)  # a profile's, a flash's
        if device is not None:
            self.connection.show_info(device)
        status, error = outcome_text(name, result)
        if previous is not None:  # e.g. a profile of the model before: not this model's figures, nor its warning
            status, error = previous_model_status(status, previous), None
        self._on_status(status)
        if error is not None:
            self.host.show_error(error)
        self.progress.done(name)

    def _on_ended(self, text: str) -> None:
        """Cancelled or failed: no leftover progress from a step that did not finish the job."""
        self.progress.clear_job()
        self.status.setText(text[:1].upper() + text[1:])
        self.host.show_status(f"Board: {text}")

    def _on_cancelled(self, name: str, left: str) -> None:
        """A plain stop is only noted; one that leaves the board half flashed says so as a failure would."""
        self._on_ended(f"{name}: cancelled" + (f"; {left}" if left else ""))
        if left:
            self.host.show_error(f"{name[:1].upper()}{name[1:]} was cancelled: {left}.")

    def _on_failed(self, message: str, kind: str) -> None:
        if kind == "CommanderNotFound":  # the note under Commander holds the whole advice: not three copies of it
            self.connection.focus_commander()
            message = COMMANDER_MISSING
        message = in_window_terms(message, self._app)
        self._on_ended(message)
        if kind == "SeveralDebuggers":
            self.connection.focus_debugger()
        self.host.show_error(message)

    def _on_finished(self, task: BoardTask) -> None:
        if self.task is task:
            self.task = None
        self.connection.check_commander()  # the job looked Commander up anew: the note says what it found
        task.deleteLater()
        if self.progress.is_busy:
            self.progress.clear_job()
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.flash_button, self.profile_button, self.classify_button, self.console_button,
                       self.connection.info_button):
            button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.busy_changed.emit(busy)

    # -- window lifetime (ClosableWorkspace) -----------------------------------------------------------
    def confirm_close(self) -> bool:
        if self.task is None:
            return True
        return self.ask(self, running_job_question(self.task.name, self._step if self._step.startswith(
            FLASHING_STEP) else None))

    def shutdown(self) -> None:
        """Cancel the job and stop the port watcher (waits a few seconds at most)."""
        task = self.task
        if task is not None:
            task.cancel()
            task.wait(SHUTDOWN_WAIT_MS)
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
