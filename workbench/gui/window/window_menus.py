"""The window's menus and its stream toolbar.

Why a module of its own: the menus only name what the window can do (open, save, switch workspace,
start the stream…); keeping their layout here keeps :mod:`workbench.gui.window.main_window` about wiring.
The actions that other code or tests reach (``start_action``, ``record_action``, ``freeze_action``,
``dark_action``, ``recent_menu``) are set on the window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from workbench.bundled_models import bundled_models
from workbench.gui import file_dialogs
from workbench.gui.session_controller import MICROPHONE, SourceChoice

FREEZE_TIP = "Freeze the plots; drag or zoom the time axis to look back over the last minute"


def fill_bundled_models_menu(window: Any) -> None:
    """One entry per bundled model (the default first), filled when the menu opens: no cost at start-up."""
    menu = window.bundled_menu
    menu.clear()
    for model in sorted(bundled_models(), key=lambda m: not m.default):
        text = f"{model.name}{' (default)' if model.default else ''} — {model.macs / 1000:.0f}k MACs"
        action = menu.addAction(text)
        action.setToolTip(f"{model.path} · classes {', '.join(model.classes)}")
        action.triggered.connect(lambda _checked=False, path=model.path: window.open_model(path))


def open_guided_recording(window: Any) -> Any:
    """The guided recording session over the window, on the window's stream (non-modal)."""
    from workbench.gui.stream.guided_recording_view import GuidedRecordingView

    view = GuidedRecordingView(window.controller, window)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    return view


def build_menus(window: Any) -> None:
    """File, View and Stream menus, and the stream toolbar, for ``window`` (a MainWindow)."""
    act = window._action
    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction(act("Open &model…", lambda: file_dialogs.choose_model(window), QKeySequence.StandardKey.Open))
    file_menu.addAction(act("Open &audio…", lambda: file_dialogs.choose_audio(window), "Ctrl+Shift+O"))
    window.recent_menu = file_menu.addMenu("&Recent files")
    window.bundled_menu = file_menu.addMenu("&Bundled models")
    window.bundled_menu.aboutToShow.connect(lambda: fill_bundled_models_menu(window))
    file_menu.addSeparator()
    file_menu.addAction(act("&Save parameters into model…", lambda: file_dialogs.choose_save_parameters(window),
                            QKeySequence.StandardKey.Save))
    file_menu.addAction(act("&Export detection log…", lambda: file_dialogs.choose_export_log(window), "Ctrl+E"))
    file_menu.addSeparator()
    file_menu.addAction(act("&Quit", window.close, QKeySequence.StandardKey.Quit))

    view_menu = menu.addMenu("&View")
    for action in window.workspace_bar.actions_by_key.values():
        view_menu.addAction(action)
    view_menu.addSeparator()
    for dock in window.docks.values():
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addAction(act("Reset &layout", window.reset_layout))
    view_menu.addSeparator()
    window.dark_action = act("&Dark palette", window.set_dark, checkable=True)
    view_menu.addAction(window.dark_action)
    window.freeze_action = act("&Freeze live views", window.live.set_frozen, "F", checkable=True)
    window.freeze_action.setToolTip(FREEZE_TIP)
    view_menu.addAction(window.freeze_action)

    stream_menu = menu.addMenu("&Stream")
    window.start_action = act("&Start", window.controller.toggle, "Space")
    stream_menu.addAction(window.start_action)
    window.record_action = act("&Record", window.toggle_recording, "Ctrl+R")
    stream_menu.addAction(window.record_action)
    stream_menu.addSeparator()
    stream_menu.addAction(act("Use &microphone", lambda: window.controller.set_source(
        SourceChoice(MICROPHONE, device=window.settings.device()))))
    stream_menu.addAction(act("Play the bundled &sample", window.play_sample))
    stream_menu.addAction(act("Record &guided takes…", lambda: open_guided_recording(window)))
    toolbar = window.addToolBar("Stream")
    toolbar.setObjectName("toolbar_stream")
    for action in (window.start_action, window.record_action, window.freeze_action):
        toolbar.addAction(action)
