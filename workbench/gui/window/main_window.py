"""The workbench window: a mode bar of workspaces, dockable stream panels, one frame timer.

Why it is thin: the stream's life cycle lives in :class:`SessionController`, drawing lives in the
views, each workspace is its own widget, and this class only wires them together — workspaces and
their remembered dock layouts, menus and shortcuts, drag and drop, the status bar, persistence — and
runs the single ~50 fps timer that asks the visible views to pull what is new. No audio or model work
ever happens on this (the GUI) thread. The stream keeps running whatever workspace is in front; the
live views skip their frames while hidden and catch up from the session's history when shown again.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from workbench.core.audio.audio_file import AUDIO_SUFFIXES
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import MODEL_FILE_SUFFIXES
from workbench.gui import board_link, file_dialogs
from workbench.gui.settings import app_settings
from workbench.gui.widgets import small_screen
from workbench.gui.window import (panel_mnemonics, panel_wiring, window_areas, window_closing, window_menus,
                                  window_palette)
from workbench.gui.window.open_model import changed_model_question, last_model, model_display
from workbench.gui.board.board_workspace import BoardWorkspace
from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace
from workbench.gui.live.detection_log_view import DetectionLogView
from workbench.gui.live.live_views import LiveViews
from workbench.gui.model.model_info_view import ModelInfoView
from workbench.gui.model.profile_view import ProfileView
from workbench.gui.model_loader import ModelChangedOnDisk
from workbench.gui.session_controller import SessionController
from workbench.gui.settings.settings_autosave import SettingsAutosave
from workbench.gui.stream.saved_microphone import SavedMicrophone
from workbench.gui.stream.source_panel import SourcePanel
from workbench.gui.stream.take_keeper import TakeKeeper
from workbench.gui.stream.tuning_panel import TuningPanel
from workbench.gui.window.status_message import MessageStatusBar
from workbench.gui.window.notice_bar import NoticeBar
from workbench.gui.window.stream_indicator_view import StreamIndicatorView, recording_text
from workbench.gui.training.training_area import TrainingArea
from workbench.gui.window.workspace_bar import WorkspaceBar, WorkspaceEntry
from workbench.gui.window.workspace_layouts import WorkspaceLayouts

FRAME_MS = 20  # 50 frames per second
STATUS_EVERY_FRAMES = 25  # status bar figures twice a second: readable, and each change repaints the bar
MESSAGE_MS = 8000
DEFAULT_SIZE = (1600, 960)  # the first size, on a screen that holds it
LIVE = "live"
WORKSPACES = (
    WorkspaceEntry(LIVE, "Live", "Listen: waveform, spectrogram, scores, detections; tune while you speak"),
    WorkspaceEntry("model", "Model", "What the model is, and every parameter it carries"),
    WorkspaceEntry("profile", "Profile", "Per-layer cost of the model on the EFR32xG24"),
    WorkspaceEntry("training", "Training", "Train a model on your data and see how good it is"),
    WorkspaceEntry("calibration", "Calibration", "False accepts per hour vs misses on a long stream; "
                                                 "the detection parameters to ship"),
    WorkspaceEntry("board", "Board", "Flash, profile and run the model on an EFR32 board"),
)


class MainWindow(QMainWindow):
    """Main window; ``controller`` owns the stream, the workspaces show it and the tools around it."""

    def __init__(self, settings: QSettings | None = None, dark: bool | None = None) -> None:
        super().__init__()
        self.setWindowTitle("KWS Workbench")
        self.resize(small_screen.first_window_size(DEFAULT_SIZE, self.screen().availableGeometry()))
        self.setAcceptDrops(True)
        self.settings = app_settings.AppSettings(settings)
        self.dark = self.settings.dark() if dark is None else dark
        self.controller = SessionController(self)
        self.saved_microphone = SavedMicrophone(self.controller, self.settings, self)  # once it streamed, not before
        # a tuning is written a moment after it changes (a killed window never reaches _save_settings)
        self.tuning_autosave = SettingsAutosave(self._remember_tuning, self.settings.qsettings, self)
        self.last_error: str | None = None
        self.model_path: Path | None = None
        self.tuning_note: str | None = None  # what the last model opened took from its remembered tuning
        self.ask_changed_model = changed_model_question.ask_about_changed_model  # tests answer for the user
        self.ask_close_over_unsaved_settings = window_closing.ask_close_over_unsaved_settings  # tests answer too
        self.settings_problem_said = False  # start-up said the settings file cannot be written: not asked at close
        self._frames = 0
        self.takes = TakeKeeper(self)  # a recording that could not be saved waits here
        self.live = LiveViews(dark=self.dark)
        # a click on the plots, and the start, put the keyboard focus here, where Space starts and stops the stream
        # (the first control in Tab order, the Source panel's device list, would open on Space instead)
        self.live.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.model_view = ModelInfoView()
        self.profile_view = ProfileView(settings=self.settings.qsettings)
        self.training = TrainingArea(self, dark=self.dark)
        self.calibration = CalibrationWorkspace(self)
        self.board = BoardWorkspace(self)
        self.workspaces: dict[str, QWidget] = {LIVE: self.live, "model": self.model_view,
                                               "profile": self.profile_view, "training": self.training,
                                               "calibration": self.calibration, "board": self.board}
        self.stack = window_areas.workspace_stack(self.workspaces.values())
        self.notice = NoticeBar()  # above every workspace, e.g. the last model could not be opened
        self.setCentralWidget(window_areas.central_column(self.notice, self.stack))
        self.workspace_bar = WorkspaceBar([e for e in WORKSPACES if e.key in self.workspaces], self)
        self.addToolBar(Qt.ToolBarArea.LeftToolBarArea, self.workspace_bar)
        self.log = DetectionLogView()
        self.source_panel = SourcePanel()
        self.tuning_panel = TuningPanel()
        self.docks = window_areas.build_docks(self, self.source_panel, self.log, self.tuning_panel)
        window_menus.build_menus(self)
        file_dialogs.update_recent_menu(self, self.settings.recent_files())
        self.setStatusBar(MessageStatusBar(self))  # a long message is elided, whole in its tooltip
        self.indicator = StreamIndicatorView(self.statusBar())
        self.status_labels = self.indicator.labels
        self._connect()
        self.set_dark(self.dark)
        self.layouts = WorkspaceLayouts(self, self.settings.qsettings, {
            key: (lambda k=key: window_areas.arrange_default(self, self.docks, live=k == LIVE))
            for key in self.workspaces})
        geometry = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.current_workspace = ""
        first = self.settings.workspace()
        self.show_workspace(first if first in self.workspaces else LIVE)
        self.timer = QTimer(self, interval=FRAME_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._on_frame)
        self.timer.start()

    # -- construction -----------------------------------------------------------------------------
    def _connect(self) -> None:
        c = self.controller
        c.session_changed.connect(self._on_session_changed)
        c.model_changed.connect(self._on_model_changed)
        c.running_changed.connect(self._on_running_changed)
        c.retrying_changed.connect(lambda _retrying: self._follow_start_action())
        c.detection_settings_changed.connect(self.live.set_detection_settings)
        c.detection_settings_changed.connect(lambda _settings: self._forget_tuning_note())
        # a model switch emits it too: that write is the one the close would make
        c.detection_settings_changed.connect(self.tuning_autosave.schedule)
        c.source_changed.connect(lambda choice: self.indicator.set_source(choice.describe()))
        c.status.connect(self.show_status)
        c.error.connect(self.show_error)
        self.workspace_bar.workspace_requested.connect(self.show_workspace)
        self.log.export_button.clicked.connect(lambda: file_dialogs.choose_export_log(self))
        self.takes.saved.connect(self.show_status)
        self.takes.failed.connect(self._on_take_failed)
        self.model_view.save_requested.connect(lambda: file_dialogs.choose_save_parameters(self))
        self.model_view.error.connect(self.show_error)
        self.profile_view.error.connect(self.show_error)
        self.profile_view.exported.connect(lambda path: self.show_status(f"Profile exported to {path}"))
        board_link.connect_board(self.board, self)
        panel_wiring.connect_source_panel(self.source_panel, c, self)
        panel_wiring.connect_tuning_panel(self.tuning_panel, c, self)

    # -- workspaces ---------------------------------------------------------------------------------
    def show_workspace(self, key: str) -> None:
        """Bring workspace ``key`` to the front with its own dock layout."""
        if key not in self.workspaces:
            raise KeyError(f"no workspace {key!r}; there are {', '.join(self.workspaces)}")
        if key == self.current_workspace:
            return
        if self.current_workspace:
            self.layouts.save(self.current_workspace)
        self.current_workspace = key
        window_areas.bring_to_front(self.stack, self.workspaces, key)
        # a panel shown beside it leaves its Alt letters to the workspace's buttons (Alt+R runs the calibration)
        panel_mnemonics.give_way_to_workspace([dock.widget() for dock in self.docks.values()], self.workspaces[key])
        self.layouts.restore(key)
        self.workspace_bar.set_current(key)
        self.settings.set_workspace(key)
        if key == LIVE:
            self.live.refresh()  # catch up at once with what streamed while another workspace was shown

    def reset_layout(self) -> None:
        """Forget every workspace's arrangement; the current one gets its default now."""
        self.layouts.reset(self.current_workspace or LIVE)

    # -- start-up -------------------------------------------------------------------------------
    def start_up(self, model: Path | None = None, audio: Path | None = None,
                 device: int | str | None = None) -> None:
        """Load the model (argument, last used, or bundled) and start listening (file, device, or default)."""
        from workbench.assets import default_model_path

        unsaved = self.settings.save_problem()  # said once, before anything the user chooses is lost
        if unsaved is not None:
            self.settings_problem_said = True
            self.show_error(unsaved)
        if model is None or not self.open_model(model):
            last, problem = last_model.open_last_model(self)
            bundled = self.controller.model is None and self.open_model(default_model_path(), recent=False)
            if bundled and last and problem:
                self.last_error = last_model.last_model_sentence(last, problem, default_model_path())
                self.notice.show_text(self.last_error)  # stays: the stream's start-up messages follow at once
        if self.controller.model is None:
            return
        if audio is not None:
            self.open_audio(audio)
        else:
            self.controller.use_microphone_or_sample(device if device is not None else self.settings.device())
        if self.tuning_note:  # said again: the stream's start-up messages replaced it
            self.show_status(self.tuning_note)
        if self.current_workspace == LIVE:
            self.live.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- files ----------------------------------------------------------------------------------
    def open_model(self, path: str | Path, report: bool = True, recent: bool = True) -> bool:
        """Load ``path``; the tuning of the model it replaces is kept, its own remembered tuning comes back (the
        status bar says so, ``tuning_note``).

        A model that loads but cannot stream opens for inspection only (``controller.live_problem``). With
        ``report=False`` a failure is only kept in ``controller.load_error`` (start-up says it its own way).
        ``recent=False``: not listed in File > Recent (the bundled model start-up falls back on: the user chose
        nothing)."""
        path = Path(path)
        self._remember_tuning()
        if not self.controller.load_model(path, self.settings.detection_params, report=report):
            return False
        self.model_path = path
        self.settings.set_last_model(path)
        if recent:
            file_dialogs.update_recent_menu(self, self.settings.add_recent(path))
        self.tuning_note = self.settings.remembered_sentence(self.controller.model, self.controller.tuning)
        if self.tuning_note:  # values not the file's are in force: never without a word
            self.show_status(self.tuning_note)
        return True

    def open_audio(self, path: str | Path) -> bool:
        path = Path(path)
        self.source_panel.request_file(path)  # keeps the panel's transport in step; it asks the controller
        ok = self.controller.source_choice.path == path and self.controller.session is not None
        if ok:
            file_dialogs.update_recent_menu(self, self.settings.add_recent(path))
        return ok

    def play_sample(self) -> None:
        from workbench.assets import sample_audio_path

        self.open_audio(sample_audio_path())

    def open_path(self, path: str | Path) -> bool:
        """Open a dropped or recent file by its kind (model or audio)."""
        path = Path(path)
        if path.suffix.lower() in MODEL_FILE_SUFFIXES:
            return self.open_model(path)
        if path.suffix.lower() in AUDIO_SUFFIXES:
            return self.open_audio(path)
        self.show_error(f"{path.name} is neither a model (.tflite, .mltk.zip) nor audio "
                        f"({', '.join(AUDIO_SUFFIXES)})")
        return False

    def save_parameters(self, path: str | Path) -> bool:
        """Write the parameters in use into a model copy at ``path``; onto the open file only as it was read
        (another tool's changes to it since are never overwritten without asking)."""
        try:
            target = self.controller.save_parameters_into_model(path)
        except ModelChangedOnDisk as changed:
            return changed_model_question.save_over_changed_model(self, path, changed)
        except WorkbenchError as exc:
            self.show_error(str(exc))
            return False
        self.show_status(f"saved the detection parameters into {target}")
        self.remember_model_file(Path(target))
        return True

    def remember_model_file(self, path: Path) -> None:
        """A model file a workspace saved: offered in File ▸ Recent and by File ▸ Open model… (WorkspaceHost)."""
        file_dialogs.remember_saved_model(self, path)

    def toggle_recording(self) -> None:
        self.source_panel.toggle_recording()

    # -- reactions --------------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        """An expected failure: status bar + a non-blocking message box, never a traceback."""
        self.last_error = message
        self.statusBar().showMessage(message, MESSAGE_MS)
        box = QMessageBox(QMessageBox.Icon.Warning, "KWS Workbench", message, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.error_box = box

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, MESSAGE_MS)

    def _remember_tuning(self) -> None:
        self.settings.remember_tuning(self.controller.model, self.controller.tuning)

    def _forget_tuning_note(self) -> None:
        """Reset (or tuning back to the file's values) makes "kept your tuning of …" untrue: it goes at once."""
        if self.tuning_note and not file_dialogs.tuning_unsaved(self):
            if self.statusBar().currentMessage() == self.tuning_note:
                self.statusBar().clearMessage()
            self.tuning_note = None

    def _on_take_failed(self, message: str) -> None:
        """The take keeper shows its own Save as…/Discard box; the status bar says it too."""
        self.last_error = message
        self.show_status(message)

    def _on_session_changed(self, session: object | None) -> None:
        self.live.bind(session)
        self.log.bind(session)

    def _on_model_changed(self, model: object) -> None:
        self.notice.clear()  # a notice about the model opened at start-up is stale now
        self.log.show_new_model()
        model_display.show_model(self, model)  # also: a model that cannot stream is shown for inspection

    def _on_running_changed(self, running: bool) -> None:
        self._follow_start_action()
        self.indicator.set_running(running)
        self.log.set_streaming(running)

    def _follow_start_action(self) -> None:
        """Stop while the stream runs or the window waits for its vanished microphone (as the Source panel's)."""
        self.start_action.setText("&Stop" if self.controller.running or self.controller.retrying else "&Start")

    def _on_frame(self) -> None:
        self.controller.poll()
        if self.current_workspace == LIVE:
            self.live.refresh()
        self.log.refresh()
        self._frames += 1
        if self._frames % STATUS_EVERY_FRAMES == 0:
            self._update_status()

    def _update_status(self) -> None:
        session = self.controller.session
        self.indicator.update(session)
        if session is not None and session.recording:
            self.show_status(recording_text(session))

    def set_dark(self, dark: bool) -> None:
        """The palette of the whole window; every workspace, panel and bar with ``set_dark`` is told."""
        self.dark = bool(dark)
        window_palette.switch_palette(self.dark, [*self.workspaces.values(), self.workspace_bar, self.log,
                                                  self.source_panel, self.tuning_panel, self.indicator])
        self.dark_action.setChecked(self.dark)
        self.settings.set_dark(self.dark)

    # -- drag and drop ------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt API)
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_path(url.toLocalFile())
        event.acceptProposedAction()

    # -- shutdown ---------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        closing = window_closing.confirm_close(self, self.workspaces.values())  # e.g. "a sweep is running: stop it?"
        if closing is None or not self._save_settings():
            event.ignore()
            return
        window_closing.shut_down(closing)  # workspaces and open dialogs (a dataset build)
        self.timer.stop()
        from workbench.gui.stream.guided_recording_view import GuidedRecordingView

        for guided in self.findChildren(GuidedRecordingView):  # hands its unsaved takes to self.takes
            guided.close()
        self.controller.close()
        if self.takes.unsaved:  # last chance for the takes that could not be saved
            from workbench.gui.stream.recording_view import default_recordings_folder

            self.takes.rescue(default_recordings_folder())
        super().closeEvent(event)


    def _save_settings(self) -> bool:
        """Write what the next start restores; False when it cannot be written and the user keeps the window open
        (asked, unless start-up already said the file cannot be written), so that nothing goes unsaid."""
        if self.current_workspace:
            self.layouts.save(self.current_workspace)
        self.settings.save_geometry(self.saveGeometry())
        self.tuning_autosave.cancel()  # written here, with what only the close writes
        self._remember_tuning()
        self.saved_microphone.save_if_streamed()  # a microphone that failed to start stays unsaved
        problem = self.settings.sync_problem()
        if problem is None or self.settings_problem_said:
            return True
        return self.ask_close_over_unsaved_settings(self, problem, file_dialogs.tuning_unsaved(self))


def wait_for(condition: object, timeout_s: float) -> bool:
    """Process events until ``condition()`` is true (scripts and benchmarks; tests use qtbot)."""
    deadline = time.monotonic() + timeout_s
    app = QApplication.instance()
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        app.processEvents()  # type: ignore[union-attr]
        time.sleep(0.005)
    return bool(condition())  # type: ignore[operator]
