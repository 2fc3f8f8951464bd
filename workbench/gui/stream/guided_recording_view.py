"""A guided recording session: "say *hey lamp*" N times for each keyword, each take checked and saved.

Why guided: a person recording their own keyword set needs many takes, each with the word inside a clip,
neither clipped nor silent. The session prompts the word and the take number, counts down, records a
window of the stream (the session controller's recording API, so it is whatever the stream listens to:
normally the microphone), then judges the take (:func:`workbench.synthesis.take_check.check_take`: clipped,
silent, too quiet, too short, too long are rejected with the reason and the same take is asked again). A
kept take is cut to the model's clip length around the word and saved atomically into the dataset layout:
``<folder>/<word>/<speaker>_nohash_<word>_<time>.wav`` (the recorder's naming, see
:mod:`workbench.gui.stream.recording_view`). The speaker is never left out: it starts as the window's recorder's
(``panel_wiring.share_recording_choices``), else the login name: a person's takes stay on one side of a split. While
the recorder is open it follows the window's recorder (:meth:`GuidedRecordingView.follow_speaker`,
:meth:`~GuidedRecordingView.follow_folder`), except during a session, which ends with what it started with. A take
that cannot be saved is kept by a :class:`~workbench.gui.stream.take_keeper.TakeKeeper` until it is saved elsewhere, and
the session stops there (the next take would fail the same way). "Retake" deletes the last kept take and asks
for it again. The Done page's "Use for training" hands the takes' folder to the window
(:attr:`GuidedRecordingView.use_for_training`), which adds it to the Training workspace's Data list and their words
(:attr:`GuidedRecordingView.recorded_words`) to its keywords.

Everything is driven by single-shot timers on the GUI thread; the audio is recorded by the live
session's own thread.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from workbench.core.recording.recordings_folder import RecordingsFolder
from workbench.core.detection.detector import keyword_classes
from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted
from workbench.gui.stream.guided_plan import GuidedPlan
from workbench.gui.stream.guided_recording_layout import build_guided_recording
from workbench.gui.stream.guided_source import SOURCE_LEFT, STREAM_STOPPED, microphone_problem
from workbench.gui.stream.recording_view import default_recordings_folder, default_speaker, unique_clip_path
from workbench.gui.stream.take_keeper import Take, TakeKeeper
from workbench.synthesis.build_plan import check_word, folder_name, spoken_word
from workbench.synthesis.take_check import TakeRules, TakeVerdict, check_take

IDLE, COUNTDOWN, RECORDING, REVIEW, DONE = "idle", "countdown", "recording", "review", "done"
KEPT_COLOR, REJECTED_COLOR, RECORDING_COLOR = "#3fb950", "#f85149", "#d29922"
START_TIP = "Record the words, one take after another, from the microphone the stream listens to"


@dataclass(frozen=True)
class GuidedTiming:
    """How long each step lasts (ms); a test uses shorter ones."""

    countdown_steps: int = 3
    step_ms: int = 700
    record_ms: int = 2000
    review_ms: int = 1200


class GuidedRecordingView(QDialog):
    """The guided session (module docstring); ``controller`` is the window's SessionController."""

    recording_started = Signal(str, int)  # word, take number (1-based)
    take_judged = Signal(object)  # TakeVerdict
    finished = Signal(int)  # takes kept
    session_started = Signal(str, object)  # the speaker id and the RecordingsFolder a session records with
    use_for_training = Signal(object)  # "Use for training" on the Done page: the takes' dataset folder (a Path)

    def __init__(self, controller: Any, parent: QWidget | None = None, timing: GuidedTiming = GuidedTiming()) -> None:
        super().__init__(parent)
        self.controller = controller
        self.timing = timing
        self.setWindowTitle("Record keywords")
        self.keeper = TakeKeeper(self)
        self.state = IDLE
        self.plan = GuidedPlan()
        self.last_verdict: TakeVerdict | None = None
        self._countdown = 0
        self._folder = RecordingsFolder.workbench_default(default_recordings_folder())  # until the user picks one
        self._takes_folder = self._folder  # the last session's: the Done page's, whatever the row says since
        self._recorder_speaker: str | None = None  # the window recorder's choices a session under way waits with
        self._recorder_folder: RecordingsFolder | None = None
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._tick)
        build_guided_recording(self)  # the widgets (guided_recording_layout)
        self._fill_from_model()
        for signal in (controller.source_changed, controller.running_changed):
            signal.connect(self._on_source_changed)
        self._show_state()

    # -- construction --------------------------------------------------------------------------------
    def _fill_from_model(self) -> None:
        """The loaded model's keywords as spoken ("hey lamp" for ``hey_lamp``, whose takes go back into its folder as
        spelt: ``Hey_Lamp/`` too); ``_unknown_``, ``_silence_`` and negative-word classes are no words to say."""
        model = getattr(self.controller, "model", None)
        self._class_of = {spoken_word(c): c for c in keyword_classes(getattr(model, "classes", ()))}
        self.words_edit.setText(", ".join(self._class_of))

    def rules(self) -> TakeRules:
        """The take rules for the loaded model's clip length (1 s without a model)."""
        model = getattr(self.controller, "model", None)
        if model is None:
            return TakeRules()
        from workbench.core.frontend_settings import FrontendSettings

        try:
            settings = FrontendSettings.from_params(model.params)
        except (WorkbenchError, ValueError, TypeError):
            return TakeRules()
        return TakeRules(sample_length=settings.sample_length, sample_rate=settings.sample_rate_hz)

    # -- folder ------------------------------------------------------------------------------------
    @property
    def folder(self) -> Path:
        return self._folder.path

    @property
    def recordings_folder(self) -> RecordingsFolder:
        return self._folder

    def set_folder(self, folder: Path | str) -> None:
        """A folder the user chose: never made again when it is missing (its word folders are made)."""
        self.use_recordings_folder(RecordingsFolder.user_chosen(Path(folder)))

    def use_recordings_folder(self, folder: RecordingsFolder) -> None:
        """Save the takes into ``folder``: a chosen one, or the workbench's default (made when missing)."""
        self._folder = folder
        self.folder_label.set_path(self.folder)

    def _ask_folder(self) -> str:
        """The folder dialog (a method so tests can answer it)."""
        return QFileDialog.getExistingDirectory(self, "Dataset folder for the takes", str(self.folder))

    def choose_folder(self) -> None:
        chosen = self._ask_folder()
        if chosen:
            self.set_folder(chosen)

    @property
    def takes_folder(self) -> Path:
        """The dataset folder of the last session's takes: what the Done page names and "Use for training" hands on,
        also after the Folder row changed for the next session."""
        return self._takes_folder.path

    # -- the window recorder's choices ---------------------------------------------------------------
    def follow_speaker(self, speaker: str) -> None:
        """The window's recorder names ``speaker`` now: the next session's (the login name for none -- a take
        always has a speaker -- as when the recorder opens). Why: the recorder's choices were copied only when it
        opened, and a speaker changed in the Source panel meanwhile recorded under the stale one."""
        self._recorder_speaker = speaker.strip() or default_speaker()
        self._follow_recorder()

    def follow_folder(self, folder: str) -> None:
        """The user chose ``folder`` in the window's recorder: the next session's dataset folder (never made again)."""
        self._recorder_folder = RecordingsFolder.user_chosen(Path(folder))
        self._follow_recorder()

    def _follow_recorder(self) -> None:
        """Show the window recorder's latest choices, unless a session runs: nothing changes under a session (its
        takes stay under one speaker in one folder); it takes them when it ends."""
        if self.state not in (IDLE, DONE):
            return
        if self._recorder_speaker is not None:
            self.speaker_edit.setText(self._recorder_speaker)
        if self._recorder_folder is not None:
            self.use_recordings_folder(self._recorder_folder)
        self._recorder_speaker = self._recorder_folder = None

    # -- the session ---------------------------------------------------------------------------------
    @property
    def kept(self) -> list[Path]:
        """The takes kept in this session, in the order they were kept."""
        return self.plan.kept

    @property
    def recorded_words(self) -> list[str]:
        """The word folders this session kept takes in, in the order recorded: a model's class as it is spelt, else
        the word's folder (never ``_silence_`` or ``_unknown_``: no word to say); the keywords the takes train."""
        return list(dict.fromkeys(path.parent.name for path in self.kept))

    def start_problem(self) -> str | None:
        """Why Start cannot begin a session now: a model open for inspection only, no microphone, or a stream
        that plays a file (:func:`~workbench.gui.stream.guided_source.microphone_problem`); None: it can."""
        reason = getattr(self.controller, "live_reason", None)
        return f"The stream cannot start: {reason}." if reason else microphone_problem(self.controller)

    def _on_source_changed(self, *_args: Any) -> None:
        """The stream's source changed or it stopped (a microphone unplugged): a session under way stops at
        once -- a take cut by the stop is no take, and its countdown would ask a stopped stream to record -- and
        Start says whether it can."""
        problem = self.start_problem()
        if self.state not in (IDLE, DONE) and (problem is not None or not self.controller.running):
            if self.state == RECORDING:
                self._drop_take()  # not a take of the user
            self._abort(SOURCE_LEFT if problem is not None else STREAM_STOPPED)  # the detail line says why
        self._show_state()

    def start(self) -> bool:
        """Begin the session (False with a message when the words are bad, the source is not a microphone or the
        stream cannot run)."""
        try:
            words = [check_word(w) for w in self.words_edit.text().split(",") if w.strip()]
            if not words:
                raise WorkbenchError("Type at least one word to record.")
            if not self.speaker_edit.text().strip():
                raise WorkbenchError("Type who is speaking (a name or an id): takes are grouped by speaker.")
        except WorkbenchError as exc:
            self._say(str(exc), REJECTED_COLOR)
            return False
        problem = self.start_problem()
        if problem is not None:  # never record what plays (the bundled sample) as the user's own takes
            self._say(problem, REJECTED_COLOR)
            return False
        if not self.controller.running and not self.controller.start():
            self._say("The stream cannot start: choose a microphone in the source panel first.", REJECTED_COLOR)
            return False
        self.plan = GuidedPlan(words, self.takes_spin.value())
        self._takes_folder = self._folder
        self.saved_list.clear()
        self._say("", KEPT_COLOR)
        self._begin_take()
        # once under way: the window's recorder takes these, and its echo (follow_speaker) waits for the session's end
        self.session_started.emit(self.speaker_edit.text().strip(), self._folder)
        return True

    def _begin_take(self) -> None:
        self.state = COUNTDOWN
        self._countdown = self.timing.countdown_steps
        self._show_state()
        self._timer.start(self.timing.step_ms)

    def _tick(self) -> None:
        if self.state == COUNTDOWN:
            self._countdown -= 1
            if self._countdown > 0:
                self._show_state()
                self._timer.start(self.timing.step_ms)
                return
            if not self.controller.running or not self.controller.start_recording():
                self._abort(STREAM_STOPPED)
                return
            self.state = RECORDING
            self._show_state()
            self.recording_started.emit(self.plan.word, self.plan.take_number)
            self._timer.start(self.timing.record_ms)
        elif self.state == RECORDING:
            self._judge(self.controller.take_recording())
        elif self.state == REVIEW:
            self._begin_take()

    def _drop_take(self) -> None:
        """A take cut by a stop or a skip is no take of the user's: it goes, with its copy on disk."""
        ended = self.controller.take_recording()
        if ended is not None:
            ended.release()

    def _judge(self, ended: Any) -> None:
        if ended is None:
            self._abort(STREAM_STOPPED)
            return
        verdict = check_take(ended.samples, self.rules(), ended.gain_overflows)
        self.last_verdict = verdict
        self.take_judged.emit(verdict)
        if verdict.ok and verdict.clip is not None:
            label = self._class_of.get(self.plan.word) or folder_name(self.plan.word)  # a model's class as it is spelt
            wanted = unique_clip_path(self.folder, label, time.time(), self.speaker_edit.text())
            take = Take(verdict.clip, self.rules().sample_rate, ended.spool)
            if (path := self.keeper.save(take, wanted, self._folder, keep_existing=True)) is not None:  # no overwrite
                self.saved_list.addItem(f"{path.parent.name}/{path.name}")
                self._say(f"{self.plan.word}, take {self.plan.take_number}: {verdict.reason}", KEPT_COLOR)
                self.plan.keep(path)
            else:  # the next take would fail the same way: stop at the first, the keeper holds the take
                self._abort(f"{self.plan.word}, take {self.plan.take_number} could not be saved, so the session "
                            "stopped: choose another dataset folder and press Start.")
                return
        else:
            ended.release()
            self._say(f"Again: {verdict.reason}", REJECTED_COLOR)
        if self.plan.done:
            self._finish()
            return
        self.state = REVIEW
        self._show_state()
        self._timer.start(self.timing.review_ms)

    def retake(self) -> None:
        """Delete the last kept take and ask for it again."""
        if self.plan.last_kept is None or self.state not in (REVIEW, DONE, COUNTDOWN):
            return
        self._timer.stop()
        path = self.plan.take_back()
        try:
            path.unlink()
        except OSError:
            pass
        self.saved_list.takeItem(self.saved_list.count() - 1)
        self._say(f"Retake of {self.plan.word}, take {self.plan.take_number}", RECORDING_COLOR)
        self._begin_take()

    def skip_word(self) -> None:
        if self.state in (IDLE, DONE):
            return
        self._timer.stop()
        if self.state == RECORDING:
            self._drop_take()
        self.plan.skip_word()
        if self.plan.done:
            self._finish()
        else:
            self._begin_take()

    def stop(self) -> None:
        """End the session; kept takes stay."""
        self._timer.stop()
        if self.state == RECORDING:
            self._drop_take()
        if self.state not in (IDLE, DONE):
            self._finish()

    def _abort(self, message: str) -> None:
        self._timer.stop()
        self.state = IDLE
        self._say(message, REJECTED_COLOR)
        self._follow_recorder()
        self._show_state()

    def _finish(self) -> None:
        self.state = DONE
        self._follow_recorder()
        self._show_state()
        self.finished.emit(len(self.kept))

    # -- display -------------------------------------------------------------------------------------
    def say_refused(self, text: str) -> None:
        """Say why a request of the page's was refused (the window's, e.g. Use for training while a run holds the
        Training workspace's Data list)."""
        self._say(text, REJECTED_COLOR)

    def _say(self, text: str, color: str) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {color};" if text else "")

    def _show_state(self) -> None:
        running = self.state not in (IDLE, DONE)
        for widget in (self.words_edit, self.takes_spin, self.speaker_edit, self.folder_button):
            widget.setEnabled(not running)
        problem = None if running else self.start_problem()
        self.start_button.setEnabled(not running and problem is None)
        self.start_button.setToolTip(problem or START_TIP)
        self.stop_button.setEnabled(running)
        self.skip_button.setEnabled(running)
        self.retake_button.setEnabled(self.plan.last_kept is not None and self.state in (REVIEW, DONE, COUNTDOWN))
        self.train_button.setVisible(self.state == DONE and bool(self.kept))  # the way on from the Done page
        self.prompt.setStyleSheet(f"color: {RECORDING_COLOR};" if self.state == RECORDING else "")
        if self.state == IDLE:
            self.prompt.setText("")
            self.detail.setText("Press Start, then say each word when asked." if problem is None else problem)
        elif self.state == DONE:
            self.prompt.setText("Done")
            # the folder's name: its whole path (the row above, elided) made the dialog wider than the screen
            self.detail.setText(f"{counted(len(self.kept), 'take')} kept in the dataset folder "
                                f"{self.takes_folder.name or self.takes_folder}")
        else:
            plan = self.plan
            self.prompt.setText(f"“{plan.word}”")
            step = {COUNTDOWN: f"get ready… {self._countdown}", RECORDING: "speak now",
                    REVIEW: "next take coming"}[self.state]
            self.detail.setText(f"take {plan.take_number} of {plan.takes}, word {plan.word_number} of "
                                f"{len(plan.words)}: {step}")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        """Stop the session and rescue the takes that could not be saved into the default recordings folder
        (as the main window does when it closes); any that still fail go to the window's keeper, which
        offers them again and tries once more when the window closes."""
        self.stop()
        window = self.parent()
        if self.keeper.unsaved:
            if hasattr(window, "show_status"):
                self.keeper.saved.connect(window.show_status)
            self.keeper.rescue(default_recordings_folder())
        window_keeper = getattr(window, "takes", None)
        if self.keeper.unsaved and isinstance(window_keeper, TakeKeeper):
            window_keeper.adopt(self.keeper)
        super().closeEvent(event)
