"""The panels around the live views, and how each is wired to the session controller.

Why a module: the panels are written separately (source, tuning, model info, profile, and later
training, board, calibration). This is the one place that knows their signals and turns them into
controller calls, so the main window stays a frame and a panel that is not there yet shows a one-line
placeholder instead of breaking the window.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from workbench.core.errors import WorkbenchError
from workbench.gui.session_controller import FILE, MICROPHONE, SessionController, SourceChoice

PLACEHOLDERS = {
    "training": "Training: fine-tune the model on your own recordings (coming with the training issue).",
    "board": "Board: flash the model to an EFR32xG24 and watch its detections over serial (coming later).",
    "calibration": "Calibration: compare the board's microphone path with this workbench (coming later).",
    "profile": "Profile: per-layer cost of the model on the EFR32xG24 (the profiler view is not installed).",
    "tuning": "Tuning: detection parameters (the tuning panel is not installed).",
    "source": "Source: device picker and file transport (the source panel is not installed).",
    "model_info": "Model: classes, input shape and parameters (the model view is not installed).",
}


def placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setMargin(12)
    label.setEnabled(False)
    return label


def _optional(module: str, name: str) -> type | None:
    """A panel class if its module is installed (written by another issue), else None."""
    try:
        return getattr(importlib.import_module(f"workbench.gui.{module}"), name)
    except ModuleNotFoundError as exc:
        if exc.name != f"workbench.gui.{module}":
            raise
        return None


@dataclass
class Panels:
    source: QWidget
    tuning: QWidget
    model_info: QWidget
    profile: QWidget
    training: QWidget
    board: QWidget
    calibration: QWidget
    source_panel: Any = None  # SourcePanel when installed
    tuning_panel: Any = None  # TuningPanel when installed
    model_info_view: Any = None
    profile_view: Any = None


def make_panels(controller: SessionController) -> Panels:
    source_cls = _optional("stream.source_panel", "SourcePanel")
    tuning_cls = _optional("stream.tuning_panel", "TuningPanel")
    model_cls = _optional("model.model_info_view", "ModelInfoView")
    profile_cls = _optional("model.profile_view", "ProfileView")
    source = source_cls() if source_cls else None
    tuning = tuning_cls() if tuning_cls else None
    model_info = model_cls() if model_cls else None
    profile = profile_cls() if profile_cls else None
    return Panels(
        source=source or placeholder(PLACEHOLDERS["source"]),
        tuning=tuning or placeholder(PLACEHOLDERS["tuning"]),
        model_info=model_info or placeholder(PLACEHOLDERS["model_info"]),
        profile=profile or placeholder(PLACEHOLDERS["profile"]),
        training=placeholder(PLACEHOLDERS["training"]),
        board=placeholder(PLACEHOLDERS["board"]),
        calibration=placeholder(PLACEHOLDERS["calibration"]),
        source_panel=source, tuning_panel=tuning, model_info_view=model_info, profile_view=profile,
    )


def connect_panels(panels: Panels, controller: SessionController, window: Any) -> None:
    """Turn the panels' requests into controller calls and keep them in step with the stream."""
    source = panels.source_panel
    if source is not None:
        source.microphone_requested.connect(
            lambda device: controller.set_source(SourceChoice(MICROPHONE, device=device)))
        source.file_requested.connect(
            lambda path, realtime, loop: controller.set_source(
                SourceChoice(FILE, path=Path(path), realtime=realtime, loop=loop)))
        source.stop_requested.connect(controller.stop)
        source.record_toggled.connect(lambda on: record(controller, window, on))
        source.status_message.connect(lambda text: window.statusBar().showMessage(text, 8000))
        controller.running_changed.connect(source.set_streaming)
        controller.session_changed.connect(lambda session: source.set_file_source(_file_source_of(session)))
        controller.error.connect(lambda text: source.show_message(text)
                                 if controller.source_choice.kind == MICROPHONE else None)
        _connect_recording(source.recording, controller, window)


    tuning = panels.tuning_panel
    if tuning is not None:
        controller.model_changed.connect(lambda _model: tuning.set_tuning(controller.tuning))
        tuning.save_requested.connect(window.choose_save_parameters)
    if panels.model_info_view is not None:
        controller.model_changed.connect(panels.model_info_view.set_model)
    if panels.profile_view is not None:
        controller.model_changed.connect(lambda model: _show_profile(panels.profile_view, model, window))


def _connect_recording(view: Any, controller: SessionController, window: Any) -> None:
    """The clips folder and label persist; the label list follows the model's classes."""
    settings = window.settings
    if settings.clips_folder() is not None:
        view.set_folder(settings.clips_folder())
    if settings.clip_label():
        view.set_label(settings.clip_label())
    view.folder_changed.connect(lambda folder: settings.set_clips_folder(Path(folder)))
    view.label_changed.connect(settings.set_clip_label)
    controller.model_changed.connect(lambda model: view.set_classes(model.classes))


def _show_profile(view: Any, model: Any, window: Any) -> None:
    """Profile the new model (a static graph walk, milliseconds) and show it."""
    from workbench.profiler import profile_model

    try:
        view.set_report(profile_model(model.tflite, name=model.name), model.path)
    except WorkbenchError as exc:
        window.statusBar().showMessage(f"cannot profile {model.name}: {exc}", 8000)


def _file_source_of(session: Any) -> Any:
    from workbench.core.audio.file_source import FileSource

    src = getattr(session, "source", None)
    return src if isinstance(src, FileSource) else None


def record(controller: SessionController, window: Any, on: bool) -> None:
    """Start recording, or stop and save the take into the dataset folder under its label.

    A take that cannot be saved is kept by the window's :class:`TakeKeeper` (never lost)."""
    from workbench.gui.stream.recording_view import default_recordings_folder, unique_clip_path
    from workbench.gui.stream.take_keeper import Take

    if on:
        if not controller.start_recording() and source_is(window):
            window.panels.source_panel.set_recording(False)
        return
    samples = controller.take_recording()
    if samples is None or samples.size == 0:
        return
    take = Take(samples, controller.engine.sample_rate)
    if source_is(window):
        view = window.panels.source_panel.recording
        path = view.clip_path()
        window.settings.set_clip_label(view.label())  # the next session starts with the same word
    else:
        path = unique_clip_path(default_recordings_folder(), "clip")
    window.takes.save(take, path)


def source_is(window: Any) -> bool:
    return getattr(window.panels, "source_panel", None) is not None
