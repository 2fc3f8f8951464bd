"""How the stream's panels are wired to the session controller and the window.

Why a module: the source panel, the tuning panel and the recording controls each speak in signals;
this is the one place that turns them into controller calls (and the controller's news back into
the panels), so the main window stays a frame and each panel stays testable on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction

from workbench.core.recording.recordings_folder import RecordingsFolder
from workbench.core.wording import counted
from workbench.gui import file_dialogs
from workbench.gui.session_controller import SessionController
from workbench.gui.stream.source_choice import FILE, MICROPHONE, SourceChoice
from workbench.gui.stream.source_panel import SourcePanel
from workbench.gui.stream.tuning_panel import TuningPanel
from workbench.gui.window.window_menus import RECORD_TIP

TRAINING_WORKSPACE = "training"  # the window's key of the Training workspace


def connect_source_panel(source: SourcePanel, controller: SessionController, window: Any) -> None:
    """The source panel's requests become controller calls; it follows the stream's state.

    Its list starts on the input saved last (what start-up opens, also when it plays a file instead, and also when
    the first versions saved it by its bare name or number), then follows the user's picks and the stream's: so it
    holds this session's microphone, which Stream > Use microphone opens (:attr:`SourcePanel.microphone_choice`)."""
    source.select_device(window.settings.device())
    source.microphone_requested.connect(
        lambda device: controller.set_source(SourceChoice(MICROPHONE, device=device)))
    source.file_requested.connect(
        lambda path, realtime, loop: controller.set_source(
            SourceChoice(FILE, path=Path(path), realtime=realtime, loop=loop)) or source.transport.revert_request())
    source.stop_requested.connect(controller.stop)
    source.record_toggled.connect(lambda on: record(controller, window, on))
    source.status_message.connect(window.show_status)
    controller.running_changed.connect(source.set_streaming)
    controller.session_changed.connect(lambda session: source.set_file_source(_file_source_of(session)))
    controller.error.connect(lambda text: source.show_message(text)
                             if controller.source_choice.kind == MICROPHONE else None)
    controller.stream_started.connect(lambda: source.show_message(""))  # the old failure is over
    controller.source_changed.connect(lambda choice: _follow_microphone(source, choice))
    # while the window tries the microphone that vanished again, the panel says so (not: the default input is used)
    controller.retrying_changed.connect(lambda on: source.set_reopening(on, controller.source_choice.device))
    _connect_transport(source, controller, window)
    source.controls_changed.connect(lambda: follow_record_button(source, window.record_action))
    follow_record_button(source, window.record_action)
    _connect_recording(source.recording, controller, window)


def _follow_microphone(source: SourcePanel, choice: SourceChoice) -> None:
    """The microphone chosen is the one selected (also one the window reopened by itself after it vanished).

    Not saved here: the choice comes before the start, which may still fail; the window's
    :class:`~workbench.gui.stream.saved_microphone.SavedMicrophone` saves the input once it has streamed."""
    if choice.kind == MICROPHONE:
        source.select_device(choice.device)


def _connect_transport(source: SourcePanel, controller: SessionController, window: Any) -> None:
    """The player's Loop / Real time boxes are the controller's file options (a restart for another model reopens
    the file with them), and a paused file shows as not listening: the indicator and the log follow the pause.

    Connected after the window's own ``running_changed`` handler, so a session reopened paused stays shown paused."""
    transport = source.transport
    transport.loop_check.toggled.connect(lambda on: controller.set_file_options(loop=on))
    transport.realtime_check.toggled.connect(lambda on: controller.set_file_options(realtime=on))
    transport.paused_changed.connect(lambda paused: _show_listening(source, controller, window, paused, True))
    controller.running_changed.connect(
        lambda _running: _show_listening(source, controller, window, bool(transport.paused), False))


def _show_listening(source: SourcePanel, controller: SessionController, window: Any, paused: bool,
                    say: bool) -> None:
    """The window's dot and the log say "listening" only while audio really flows (not while a file is paused);
    with ``say`` the status bar tells the pause or the resume."""
    listening = controller.running and not paused
    window.indicator.set_running(listening)
    window.log.set_streaming(listening)
    if say and controller.running and source.file_source is not None:
        window.show_status(f"{'paused' if paused else 'listening to'} {source.file_source.name}")


def follow_record_button(source: SourcePanel, action: QAction) -> None:
    """The window's Record action (Ctrl+R, the toolbar) is enabled exactly when the panel's Record button is, and
    says the same reason when it is not (a file plays, nothing streams, no input, a model only inspected).

    Why: an enabled action that silently does nothing (Ctrl+R while a file plays) looks broken."""
    reason = source.record_reason
    tip = reason or RECORD_TIP
    action.setEnabled(reason is None)
    action.setToolTip(tip)
    action.setStatusTip(tip)


def connect_tuning_panel(tuning: TuningPanel, controller: SessionController, window: Any) -> None:
    controller.model_changed.connect(lambda model: tuning.set_tuning(controller.tuning, model))
    controller.model_file_saved.connect(lambda model: _show_saved_model(tuning, controller, window, model))
    tuning.save_requested.connect(lambda: file_dialogs.choose_save_parameters(window))


def _show_saved_model(tuning: TuningPanel, controller: SessionController, window: Any, model: Any) -> None:
    """The model's own file was written: its values are the model's values now (Reset, "In the model file")."""
    tuning.set_tuning(controller.tuning, model)
    window.model_view.set_model(model, controller.tuning)


def _connect_recording(view: Any, controller: SessionController, window: Any) -> None:
    """The clips folder and label persist; the label list follows the model's classes."""
    settings = window.settings
    if settings.clips_folder() is not None:
        view.set_folder(settings.clips_folder())
    if settings.clip_label():
        view.set_label(settings.clip_label())
    view.set_speaker(settings.clip_speaker())
    view.speaker_changed.connect(settings.set_clip_speaker)
    view.folder_changed.connect(lambda folder: settings.set_clips_folder(Path(folder)))
    view.label_changed.connect(settings.set_clip_label)
    controller.model_changed.connect(lambda model: view.set_classes(model.classes))


def share_recording_choices(guided: Any, window: Any) -> None:
    """The guided recorder starts from the speaker and folder of the window's recorder (remembered between runs) and
    follows their changes while it is open, and a session hands back what it records with; its Done page's "Use for
    training" is :func:`train_on_takes`.

    Why: it started from the login name and the default folder every time, so a person's second session (after
    training showed too few takes) went under another speaker id -- their voice then on both sides of a split --
    into another folder than the one the Training data list holds. No loop: the recorder's echo of what a session
    hands back reaches the guided recorder while the session runs, which holds it until its end (the same values)."""
    recording = window.source_panel.recording
    guided.follow_speaker(recording.speaker())
    guided.use_recordings_folder(recording.recordings_folder())
    # the guided recorder's own methods: the connections go when it closes (it is deleted then)
    recording.speaker_changed.connect(guided.follow_speaker)
    recording.folder_changed.connect(guided.follow_folder)
    guided.session_started.connect(lambda speaker, folder: _remember_recording_choices(window, speaker, folder))
    guided.use_for_training.connect(lambda folder: train_on_takes(guided, window, Path(folder)))


def train_on_takes(guided: Any, window: Any, folder: Path) -> None:
    """The guided recorder's "Use for training": ``folder`` (its takes' dataset folder) joins the Training
    workspace's Data list, the session's words its keywords (they replace the spec's own, join typed ones:
    ``KeywordsField.take_recorded``), that workspace comes to the front and the recorder closes (its takes are
    saved); the status bar says what changed.

    Why: the Done page offered no way on, and the user had to find the Training workspace and add the folder by
    hand; then, its keywords left at the spec's yes,no, Train trained yes/no on takes of "on" and "off". A Data list
    and keywords locked by a run (running, or stopped for Resume, which repeats the run's datasets and keywords) are
    left as they are: the recorder stays open and says why, and the workspace shown says the rest."""
    training = window.training.training
    keywords = training.settings.keywords
    recorded = guided.recorded_words
    window.show_workspace(TRAINING_WORKSPACE)
    window.training.setCurrentWidget(training)
    if not (training.datasets.isEnabled() and keywords.isEnabled()):
        guided.say_refused(f"The Training workspace's Data list and keywords belong to its run now: add {folder} and "
                           f"the keywords {', '.join(recorded)} when the run has ended, or after choosing another "
                           "output folder.")
        return
    listed = folder in training.datasets.folders()
    training.datasets.add_folder(folder)
    shown = keywords.keyword_list()
    keywords.take_recorded(folder, recorded)
    where = "was already" if listed else "is now"
    window.show_status(f"The takes' folder {folder} {where} in the Training workspace's Data list, and "
                       f"{_keywords_news(shown, keywords.keyword_list(), recorded)}.")
    guided.close()


def _keywords_news(shown: list[str], now: list[str], recorded: list[str]) -> str:
    """What "Use for training" did to the Training keywords (``shown`` before, ``now`` after), for its status line."""
    added, dropped = [word for word in now if word not in shown], [word for word in shown if word not in now]
    if dropped:  # the spec's own keywords, which the takes replace
        return f"its keywords are {', '.join(now)} now, not the spec's {', '.join(shown)}"
    if added:
        return f"{', '.join(added)} joined its keywords ({', '.join(now)} now)"
    return f"its keywords already held {', '.join(recorded)}"


def _remember_recording_choices(window: Any, speaker: str, folder: RecordingsFolder) -> None:
    recording = window.source_panel.recording
    recording.set_speaker(speaker)  # its speaker_changed remembers it
    if not folder.may_create:  # a folder the user chose (the workbench's default stays a default)
        recording.set_folder(folder.path)
        window.settings.set_clips_folder(folder.path)


def _file_source_of(session: Any) -> Any:
    from workbench.core.audio.file_source import FileSource

    src = getattr(session, "source", None)
    return src if isinstance(src, FileSource) else None


def record(controller: SessionController, window: Any, on: bool) -> None:
    """Start recording, or stop and save the take into the dataset folder under its label.

    A take that cannot be saved is kept by the window's :class:`TakeKeeper` (never lost)."""
    from workbench.gui.stream.take_keeper import Take

    if on:
        if not controller.start_recording():
            window.source_panel.set_recording(False)
        return
    ended = controller.take_recording()
    if ended is None or ended.samples.size == 0:
        if ended is not None:
            ended.release()
        return
    take = Take(ended.samples, controller.engine.sample_rate, ended.spool)  # the copy on disk goes once it is saved
    view = window.source_panel.recording
    try:
        path = view.clip_path()
    except OSError:  # the folder cannot even be looked at: the keeper fails on the same path, keeps the take, says why
        path = view.folder() / view.label() / f"{view.label()}.wav"
    window.settings.set_clip_label(view.label())  # the next session starts with the same word
    restarted = controller.session is None  # the stream closed under the take (another model, file or device)
    # never makes a folder the user chose, nor replaces a clip (another window may have saved one of this second)
    saved = window.takes.save(take, path, view.recordings_folder(), keep_existing=True)
    if saved is None or not (restarted or ended.gain_overflows):
        return
    said = f"saved {saved} ({take.seconds:.1f} s)"
    if ended.gain_overflows:  # the firmware gain wraps them around: the take's samples alone do not show it
        said += (f", but too loud: the volume gain pushed {counted(ended.gain_overflows, 'sample')} beyond full "
                 "scale (wrapped around, as the board does); record it again further from the microphone")
    if restarted:  # else the reopened stream's status would hide where it went
        QTimer.singleShot(0, window, lambda: window.show_status(f"the stream restarted while recording: {said}"))
    else:
        window.show_status(said)
