"""The one object that owns what is playing: model, engine, audio source and the running LiveSession.

Why a controller: the main window, the tuning panel and the source panel all change the stream (a new
model, another device, a file, new detection parameters) and all need to hear about it. Keeping the
life cycle here (close the old session, build the new one, tell the views to re-bind) keeps the
widgets free of engine code and keeps every expected failure a one-sentence message (``error``)
instead of a traceback. Nothing here processes audio: the engine runs in LiveSession's worker thread;
:meth:`poll` (called by the window's frame timer) only looks at flags.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.core.audio.devices import DeviceIdentity
from workbench.core.recording.recording_spool import EndedRecording
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import LoadedModel
from workbench.gui.model_loader import CANNOT_RUN_LIVE, ModelLoad, SavedParams, read_model, save_tuned_model
from workbench.gui.stream.device_retry_timer import DeviceRetryTimer
from workbench.gui.stream.no_input_words import sample_instead_text
from workbench.gui.stream.source_choice import FILE, MICROPHONE, SourceChoice

DEVICE_RETRY_MS = 2000  # after a microphone vanished, try to reopen it this often


class SessionController(QObject):
    """Builds and restarts the LiveSession; the single place that reports stream errors."""

    model_changed = Signal(object)  # LoadedModel (``tuning`` is already the new model's)
    session_changed = Signal(object)  # LiveSession | None: views re-bind to it
    running_changed = Signal(bool)
    detection_settings_changed = Signal(object)  # DetectionSettings
    source_changed = Signal(object)  # SourceChoice
    status = Signal(str)  # informational, for the status bar
    error = Signal(str)  # an expected failure, one sentence, for a message box
    stream_started = Signal()  # a chosen or reopened source streams: earlier stream errors are stale
    retrying_changed = Signal(bool)  # the microphone (``source_choice``) vanished and is tried again / no longer
    model_file_saved = Signal(object)  # LoadedModel: the loaded model's own file now holds the parameters in use

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model: Any = None  # LoadedModel
        self.engine: Any = None
        self.session: Any = None  # LiveSession
        self._left: Any = None  # a closed LiveSession whose worker outlived close(): it may still run on its engine
        self.source_choice = SourceChoice()
        self.settings: Any = None  # DetectionSettings in force
        self.tuning: Any = None  # DetectionTuning of the loaded model (what the tuning panel edits)
        self.live_problem: str | None = None  # why the loaded model cannot run live, its name dropped (None: it can)
        self.load_failure: WorkbenchError | None = None  # why the last load_model failed (None: it loaded)
        self._resume = (False, False)  # while inspecting: reopen, and start, the stream for the next model
        self._resume_start_up = False  # ... by the start-up path (the microphone, else the bundled sample)
        self._was_running = False
        self._awaiting_end = False  # a started session whose end ("finished playing") is not reported yet
        self._interrupted_take: EndedRecording | None = None  # a recording whose session closed before it was taken
        self._reported_error: str | None = None
        self._retry = DeviceRetryTimer(self, DEVICE_RETRY_MS)
        self._retry.timeout.connect(self._retry_device)
        self._retry.active_changed.connect(self.retrying_changed)

    # -- model ----------------------------------------------------------------------------------
    @property
    def inspect_only(self) -> bool:
        """True while the loaded model is open for inspection only (see :attr:`live_problem`)."""
        return self.live_problem is not None

    @property
    def live_reason(self) -> str | None:
        """``mfcc cannot run on the live stream: the model input …`` while inspecting, else None."""
        return None if self.live_problem is None else f"{self.model.name} {CANNOT_RUN_LIVE}: {self.live_problem}"

    @property
    def load_error(self) -> str | None:
        """The sentence :attr:`load_failure` says (None: the last model loaded)."""
        return None if self.load_failure is None else str(self.load_failure)

    def load_model(self, path: str | Path, saved_params: SavedParams = None, report: bool = True) -> bool:
        """Load a .tflite/.mltk.zip and restart the stream with it; False (and ``error``, or with ``report=False``
        only ``load_failure``, for a caller that says it its own way) if it does not load.

        ``saved_params`` are detection parameters remembered for this model (QSettings), or a function of
        the loaded model giving them (the window looks them up by the model's content, known only once it
        is read); if they no longer fit the model they are dropped and the model's own values are used.

        A model that loads but cannot run live (an MFCC input, two outputs, an image model…) opens for inspection
        only, as ``kws info``/``kws profile`` read any model: the stream stops, ``live_problem`` says why, and
        what streamed comes back with the next model that can stream.
        """
        try:
            loaded, self.load_failure = read_model(path, saved_params), None
        except WorkbenchError as exc:
            self.load_failure = exc
            if report:
                self.error.emit(str(exc))
            return False
        self._adopt(loaded)
        return True

    def _adopt(self, loaded: ModelLoad) -> None:
        """Switch the stream to a model just read: close the old session, re-bind the tuning, and reopen what
        played (or, for a model open for inspection only, keep it to reopen with the next one that can stream)."""
        model, tuning, problem = loaded.model, loaded.tuning, loaded.problem
        reopen, running = self._resume if self.inspect_only else (self.session is not None, self.running)
        if problem is not None:
            self._retry.stop()  # nothing can be reopened while the model is only inspected
        resume_at = self.source_choice.resume_point(getattr(self.session, "source", None))
        self._close_session()
        if self.tuning is not None:
            self.tuning.changed.disconnect(self._on_tuning_changed)
        if tuning is not None:
            tuning.changed.connect(self._on_tuning_changed)
        self.model, self.engine, self.settings, self.tuning = model, loaded.engine, loaded.settings, tuning
        self.live_problem, self._resume = problem, (reopen, running)
        self.model_changed.emit(model)
        self.detection_settings_changed.emit(loaded.settings)
        if problem is not None:
            self.status.emit(f"model {model.name} is open for inspection only: it cannot run on the live stream")
            return
        self.status.emit(f"model {model.name}: classes {', '.join(model.classes)}")
        if reopen and self._resume_start_up:  # the app started on a model that could not stream
            self.use_microphone_or_sample(self.source_choice.device)
        elif reopen:  # keep listening to the same source with the new model, from where it was
            self._open_session(start=running, resume_at=resume_at)
        self._resume_start_up = False

    # -- source ---------------------------------------------------------------------------------
    def set_source(self, choice: SourceChoice, start: bool = True) -> bool:
        """Listen to ``choice`` from now on (restarts the stream). False (and ``error``) if it fails."""
        self._retry.stop()
        if self.inspect_only:  # kept: it plays once a model that can stream is open
            self.source_choice, self._resume, self._resume_start_up = choice, (True, start), False
            self.source_changed.emit(choice)
            self.error.emit(f"Nothing can play while only inspecting: {self.live_reason}.")
            return False
        if self.engine is None:
            self.source_choice = choice
            self.source_changed.emit(choice)
            return True
        previous, was_running, had_session = self.source_choice, self.running, self.session is not None
        self.source_choice = choice
        try:  # a file that cannot be read must not stop what is playing now
            source = self._make_source()
        except WorkbenchError as exc:
            self.source_choice = previous
            self.error.emit(str(exc))
            return False
        self.source_changed.emit(self.source_choice)  # a microphone by the identity of the input that opened
        if self._open_session(start=start, source=source):
            if self.running:
                self.stream_started.emit()
            return True
        if had_session and previous != choice:
            self.source_choice = previous  # the new source failed to start: back to what played before
            self.source_changed.emit(previous)
            self._open_session(start=was_running, report=False, quiet=True)
        return False

    def use_microphone_or_sample(self, device: int | str | DeviceIdentity | None = None) -> bool:
        """Start on ``device`` (else the default input); without any, loop the bundled sample (start-up path)."""
        from workbench.assets import sample_audio_path

        if self.inspect_only:  # the stream starts with the next model that can run live
            self.source_choice, self._resume = SourceChoice(MICROPHONE, device=device), (True, True)
            self._resume_start_up = True
            self.source_changed.emit(self.source_choice)
            return True
        failures: list[WorkbenchError] = []
        for candidate in dict.fromkeys((device, None)):  # the remembered device first, then the default
            self.source_choice = SourceChoice(MICROPHONE, device=candidate)
            try:
                self._open_session(start=True, report=False)
            except WorkbenchError as exc:
                failures.append(exc)
                continue
            self.source_changed.emit(self.source_choice)
            return True
        sample = sample_audio_path()
        self.set_source(SourceChoice(FILE, path=sample, realtime=True, loop=True))
        self.status.emit(sample_instead_text(sample.name, failures))
        return False

    def set_file_options(self, realtime: bool | None = None, loop: bool | None = None) -> None:
        """The file player's Real time / Loop boxes changed: what plays now (Loop) and what a restart (another
        model) reopens follow them, without restarting the stream. Ignored while a microphone is chosen."""
        changed = self.source_choice.with_file_options(realtime, loop)
        if changed != self.source_choice:
            self.source_choice = changed
            self.source_changed.emit(changed)

    def _make_source(self) -> Any:
        """The chosen source, opened; the choice then names the microphone that opened, for what reopens it."""
        source = self.source_choice.open(self.settings.volume_gain, getattr(self.engine, "sample_rate", None))
        self.source_choice = self.source_choice.naming(source)
        return source

    # -- session life cycle ------------------------------------------------------------------------
    def _open_session(self, start: bool, report: bool = True, source: Any = None, quiet: bool = False,
                      resume_at: tuple[float, bool] | None = None) -> bool:
        """Replace the session with a fresh one on ``source`` (else the chosen one); see ``engine_for_next_session``.

        ``quiet`` (with ``report=False``) swallows a failure: used to fall back to the previous file.
        ``resume_at`` (position in s, paused) continues a file where the closed session left it (a model switch).
        """
        from workbench.core.live_session import LiveSession, engine_for_next_session

        self._close_session()
        try:
            if source is None:
                source = self._make_source()
            if resume_at is not None:
                source.seek(resume_at[0])
                if resume_at[1]:
                    source.pause()
            self.engine = engine_for_next_session(self._left, self.engine)
            self.session = LiveSession(self.engine, source)
            self._reported_error = None
            self.session_changed.emit(self.session)
            if start:
                self.session.start()
                self._awaiting_end = True
        except WorkbenchError as exc:
            if not report:
                self._close_session()
                if quiet:
                    return False
                raise
            self.error.emit(str(exc))
            self._set_running(False)
            return False
        self._set_running(self.session.running)
        if start:
            paused = " (paused)" if resume_at is not None and resume_at[1] else ""
            self.status.emit(f"listening to {getattr(source, 'name', self.source_choice.describe())}{paused}")
        return True

    def _close_session(self) -> None:
        """Close the session; a recording in it is kept for :meth:`take_recording` (the record button's stop,
        which ``running_changed`` triggers, saves it), so a restart never throws a take away."""
        self._awaiting_end = False
        if self.session is not None:
            if self.session.recording:
                self._interrupted_take = self.session.end_recording()  # its copy on disk stays until it is saved
            self._left, self.session = (None if self.session.close() else self.session), None
            self.session_changed.emit(None)
        self._set_running(False)

    @property
    def running(self) -> bool:
        return self.session is not None and self.session.running

    def start(self) -> bool:
        """Start (or restart after a file ended / an error) the stream."""
        if self.engine is None:  # no model, or one open for inspection only
            return False
        if self.running:
            return True
        if self.session is None or self.session.error or getattr(self.session.source, "finished", False):
            return self._open_session(start=True)
        try:
            self.session.start()
        except WorkbenchError as exc:
            self.error.emit(str(exc))
            return False
        self._awaiting_end = True
        self._set_running(True)
        return True

    def stop(self) -> None:
        self._retry.stop()
        self._awaiting_end = False
        if self.session is not None:
            self.session.stop()
        self._set_running(False)

    @property
    def retrying(self) -> bool:  # the vanished microphone is tried again: Stop (not Start) is what one can do now
        return self._retry.isActive()

    def toggle(self) -> None:
        if self.running or self.retrying:  # Stop also ends the wait for a vanished microphone
            self.stop()
        else:
            self.start()

    def _set_running(self, running: bool) -> None:
        if running != self._was_running:
            self._was_running = running
            self.running_changed.emit(running)

    def poll(self) -> None:
        """Called every frame: notice a finished file or a failed stream (never blocks)."""
        session = self.session
        if session is None:
            return
        if session.error and session.error != self._reported_error:
            self._reported_error = session.error
            self._awaiting_end = False
            session.stop()
            self._set_running(False)
            self.error.emit(session.error)
            if self.source_choice.kind == MICROPHONE:
                self.status.emit("The microphone stopped; trying to reopen it…")
                self._retry.start()
            return
        if self._awaiting_end and not session.running:  # also a file so short it ended before the first poll
            self._awaiting_end = False
            self._set_running(False)
            self.status.emit(f"finished playing {self.source_choice.describe()}")

    def set_retry_interval(self, ms: int) -> None:
        """How often a vanished microphone is tried again (tests use a short interval)."""
        self._retry.setInterval(int(ms))

    def _retry_device(self) -> None:
        if self.engine is None:  # a model open for inspection only: nothing to reopen
            self._retry.stop()
            return
        try:
            self._open_session(start=True, report=False)
        except WorkbenchError as exc:  # no input at all: its reason without the remedy, which this retry makes moot
            self.status.emit(f"The microphone is still unavailable ({getattr(exc, 'reason', exc)}); retrying…")
            return
        self._retry.stop()
        self.source_changed.emit(self.source_choice)  # the Source panel's list shows the input that reopened
        self.stream_started.emit()
        self.status.emit("The microphone is back.")

    # -- detection parameters ------------------------------------------------------------------
    def _on_tuning_changed(self, settings: Any) -> None:
        self.settings = settings
        if self.engine is not None:
            self.engine.set_detection_settings(settings)
        if self.session is not None and self.source_choice.kind == MICROPHONE:
            self.session.source.gain = settings.volume_gain  # the board scales its microphone by it
        self.detection_settings_changed.emit(settings)

    def set_detection_settings(self, settings: Any) -> None:
        """Apply new detection parameters (validated by the tuning model) without restarting the stream."""
        from dataclasses import fields

        if self.tuning is None:
            return
        try:
            self.tuning.set(**{f.name: getattr(settings, f.name) for f in fields(settings)})
        except WorkbenchError as exc:
            self.error.emit(str(exc))

    def reset_detection_settings(self) -> None:
        if self.tuning is not None:
            self.tuning.reset_to_model()

    def files_in_use(self) -> list[Path]:
        """The loaded model's file and the audio file playing: what an export must never be written over."""
        playing = self.source_choice.path if self.source_choice.kind == FILE else None
        paths = [getattr(self.model, "path", None), playing]
        return [Path(p) for p in paths if p is not None]

    def save_parameters_into_model(self, path: str | Path, overwrite_changes: bool = False) -> Path:
        """Write a copy of the model with the current detection parameters (SL_PARAMSv1); raises WorkbenchError.
        The loaded model's own file may be chosen (the dialog asked before replacing it); a bundled model never.
        Then the file's values are the ones in use: Reset and the model's parameter table follow
        (``model_file_saved``), else they would go on showing what the file held before. When another tool
        rewrote the own file since it was loaded, ModelChangedOnDisk unless ``overwrite_changes``."""
        if self.model is None:
            raise WorkbenchError("no model is loaded")
        saved, reloaded = save_tuned_model(self.model, self.settings, self.tuning, path, overwrite_changes)
        if reloaded is not None:
            self.follow_rewritten_file(reloaded)
        return saved

    def follow_rewritten_file(self, reloaded: LoadedModel) -> None:
        """The loaded model's own file was rewritten, ``reloaded`` as it now reads: the views that read it follow."""
        self.model = reloaded
        self.model_file_saved.emit(reloaded)

    # -- recording ------------------------------------------------------------------------------
    def start_recording(self) -> bool:
        if not self.running:
            self.error.emit("start the stream before recording")
            return False
        if self._interrupted_take is not None:  # nobody took it; the new take must not be mistaken for it
            self._interrupted_take, dropped = None, self._interrupted_take
            dropped.release()
        self.session.start_recording()
        problem = self.session.spool_problem  # no copy on disk: a crash would lose the take, so say it
        self.status.emit(f"recording… (in memory only: {problem})" if problem else "recording…")
        return True

    def take_recording(self) -> EndedRecording | None:
        """End the recording; its samples (int16 at ``engine.sample_rate``) and their copy on disk, to release once
        saved or dropped (None: nothing records). A recording whose session was closed under it (another model,
        source or device) is handed over too."""
        interrupted, self._interrupted_take = self._interrupted_take, None
        if interrupted is not None or self.session is None or not self.session.recording:
            return interrupted
        return self.session.end_recording()

    def close(self) -> None:
        self._retry.stop()
        self._close_session()

