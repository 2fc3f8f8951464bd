"""The window's menus and its stream toolbar.

Why a module of its own: the menus only name what the window can do (open, save, switch workspace,
start the stream…); keeping their layout here keeps :mod:`workbench.gui.window.main_window` about wiring.
The actions that other code or tests reach (``start_action``, ``record_action``, ``freeze_action``,
``dark_action``, ``shortcuts_action``, ``about_action``, ``export_header_action``, ``save_preset_action``,
``recent_menu``, ``help_menu``) are set on the window.

Space starts and stops the stream, as in a media player, but only while the keyboard focus is on no control
that Space works (a button, a check box, a list or a table, a combo box; text fields protect themselves):
there Space presses the control, as in every Qt application (:class:`FocusedControlKeys`). The window's Ctrl
shortcuts win over a text field's own Ctrl keys (Ctrl+E exports the log, not "end of line" as on X11).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication, QComboBox, QLineEdit,
                               QMessageBox, QPlainTextEdit, QPushButton, QTextEdit, QWidget)

from workbench import documentation
from workbench.bundled_models import bundled_models
from workbench.gui import file_dialogs
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice
from workbench.gui.window import about_dialog, preset_saving, shortcuts_dialog

# Help's guides: (menu text, document) -- the documents of docs/ a user reads from the window
GUIDES = (("&Training guide", documentation.TRAINING), ("&Calibration guide", documentation.CALIBRATION),
          ("&Board guide", documentation.BOARD), ("&Profiler guide", documentation.PROFILER),
          ("&Sweeps guide", documentation.SWEEPS), ("&Live and Tuning guide", documentation.LIVE))
SHORTCUTS_TEXT = "&Keyboard shortcuts"
FREEZE_TIP = "Freeze the plots (F); drag or zoom the time axis to look back over the last minute"
START_SHORTCUT = "Space"
START_TIP = "Start or stop the stream (Space, unless a button, check box, list or field has the keyboard focus)"
START_DOES = "Start or stop"  # Help ▸ Keyboard shortcuts' row for Space: the action's text says Start or Stop
RECORD_TIP = "Record the microphone to a clip (Ctrl+R)"
SAVE_PARAMETERS_TIP = "Write a copy of the model with the detection parameters in use (Ctrl+S)"
SAVE_PRESET_TIP = "Write the detection parameters in use as a named preset beside the model's own ones"
EXPORT_HEADER_TEXT = "Export for &firmware (C header)…"
EXPORT_HEADER_TIP = ("Write the model as saved as a C header for TFLite Micro firmware (the array, its arena and "
                     "parameters), as kws export-c does")
SPACE_TAKERS = (QAbstractButton, QComboBox, QAbstractItemView)  # Qt gives Space a meaning on these
TYPE_TO_SEARCH = (QComboBox, QAbstractItemView)  # typed letters jump to a matching item
TEXT_FIELDS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)  # claim Ctrl keys as editing keys on X11
RETURN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


class FocusedControlKeys(QObject):
    """Space and Return act on the focused control before any window shortcut.

    Why: a window shortcut (Space for Start/Stop) is tried before the focused widget sees the key, and
    only a widget that claims the key in its ``ShortcutOverride`` keeps it; text fields do, buttons, check
    boxes, lists and combo boxes do not. So this filter claims Space for them, and typed letters for lists
    and combo boxes (their type-to-search, which single-letter shortcuts such as F would take), on the
    focused widget only
    (it moves with the focus: no cost for all other events). And a push button outside a dialog ignores
    Return; keyboard users expect Return to press it, so the filter presses it (animated, as Space does).
    The other way round, a text field claims Ctrl keys of its platform's editing bindings (on X11, Ctrl+E moves
    to the end of the line) that are also window shortcuts; the filter releases those to the window, so a menu
    shortcut works wherever the focus is.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._watched: QWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
            self._on_focus_changed(None, app.focusWidget())

    def _on_focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        if self._watched is not None and shiboken6.isValid(self._watched):
            self._watched.removeEventFilter(self)
        self._watched = now if isinstance(now, SPACE_TAKERS + TEXT_FIELDS) else None
        if self._watched is not None:
            self._watched.installEventFilter(self)

    def _is_window_shortcut(self, event: QKeyEvent) -> bool:
        """Whether ``event`` is the Ctrl shortcut of an action of the window (asked only in a text field)."""
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        pressed = QKeySequence(event.keyCombination())
        window = self.parent()
        actions = window.actions() if isinstance(window, QWidget) else []
        return any(action.isEnabled() and pressed in action.shortcuts() for action in actions)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if not isinstance(event, QKeyEvent):
            return False
        if isinstance(watched, TEXT_FIELDS):
            if event.type() == QEvent.Type.ShortcutOverride and self._is_window_shortcut(event):
                event.ignore()  # not claimed: the window's shortcut runs
                return True
            return False
        if event.modifiers() not in PLAIN:
            return False
        if event.type() == QEvent.Type.ShortcutOverride and (
                event.key() == Qt.Key.Key_Space or (isinstance(watched, TYPE_TO_SEARCH) and event.text().isprintable()
                                                    and event.text().strip())):
            event.accept()  # the focused control keeps Space (and a list its typed letters: no Freeze on F)
            return True
        if (event.type() == QEvent.Type.KeyPress and event.key() in RETURN_KEYS and not event.isAutoRepeat()
                and isinstance(watched, QPushButton) and not watched.autoDefault()):
            watched.animateClick()
            return True
        return False


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
    from workbench.gui.window.panel_wiring import share_recording_choices  # (panel_wiring imports this module)

    view = GuidedRecordingView(window.controller, window)
    share_recording_choices(view, window)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    return view


def window_action(window: Any, text: str, slot: object, shortcut: str | QKeySequence | None = None,
                  checkable: bool = False) -> QAction:
    """An action of ``window``: added to the window too, so its shortcut works whichever menu holds it."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setCheckable(checkable)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_menus(window: Any) -> None:
    """File, View, Stream and Help menus, and the stream toolbar, for ``window`` (a MainWindow)."""
    def act(text: str, slot: object, shortcut: str | QKeySequence | None = None, checkable: bool = False) -> QAction:
        return window_action(window, text, slot, shortcut, checkable)

    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction(act("Open &model…", lambda: file_dialogs.choose_model(window), QKeySequence.StandardKey.Open))
    file_menu.addAction(act("Open &audio…", lambda: file_dialogs.choose_audio(window), "Ctrl+Shift+O"))
    window.recent_menu = file_menu.addMenu("&Recent files")
    window.bundled_menu = file_menu.addMenu("&Bundled models")
    window.bundled_menu.aboutToShow.connect(lambda: fill_bundled_models_menu(window))
    file_menu.addSeparator()
    window.save_parameters_action = act("&Save parameters into model…", lambda: file_dialogs.choose_save_parameters(
        window), QKeySequence.StandardKey.Save)
    window.save_parameters_action.setStatusTip(SAVE_PARAMETERS_TIP)
    file_menu.addAction(window.save_parameters_action)
    window.save_preset_action = act("Save parameters as &preset…", lambda: preset_saving.choose_save_as_preset(window))
    window.save_preset_action.setStatusTip(SAVE_PRESET_TIP)
    file_menu.addAction(window.save_preset_action)
    window.export_header_action = act(EXPORT_HEADER_TEXT, lambda: file_dialogs.choose_export_firmware_header(window))
    window.export_header_action.setStatusTip(EXPORT_HEADER_TIP)
    file_menu.addAction(window.export_header_action)
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
    window.start_action = act("&Start", window.controller.toggle, START_SHORTCUT)
    window.start_action.setToolTip(START_TIP)
    shortcuts_dialog.set_shortcut_does(window.start_action, START_DOES)
    window.focused_control_keys = FocusedControlKeys(window)
    stream_menu.addAction(window.start_action)
    window.record_action = act("&Record", window.toggle_recording, "Ctrl+R")
    window.record_action.setToolTip(RECORD_TIP)
    stream_menu.addAction(window.record_action)
    stream_menu.addSeparator()
    # the input picked this session (the Source panel's), not the one saved at the last close
    stream_menu.addAction(act("Use &microphone", lambda: window.controller.set_source(
        SourceChoice(MICROPHONE, device=window.source_panel.microphone_choice))))
    stream_menu.addAction(act("&Play the bundled sample", window.play_sample))  # S is Start/Stop (README)
    stream_menu.addAction(act("Record &guided takes…", lambda: open_guided_recording(window)))
    build_help_menu(window)
    toolbar = window.addToolBar("Stream")
    toolbar.setObjectName("toolbar_stream")
    for action in (window.start_action, window.record_action, window.freeze_action):
        toolbar.addAction(action)


def build_help_menu(window: Any) -> None:
    """Help: this install's guides (docs/*.md, where :func:`workbench.documentation.doc_path` finds them; a wheel
    install has none, and then the menu has none), the keyboard shortcuts (read from the window when asked), then
    About KWS Workbench (the version, the licence and the versions a bug report needs)."""
    window.help_menu = window.menuBar().addMenu("&Help")
    window.guide_actions = []
    for title, name in GUIDES:
        path = documentation.doc_path(name)
        if path is not None:
            action = window_action(window, title, lambda _checked=False, t=title, p=path: show_guide(window, t, p))
            window.guide_actions.append(action)
            window.help_menu.addAction(action)
    if window.guide_actions:
        window.help_menu.addSeparator()
    window.shortcuts_action = window_action(window, SHORTCUTS_TEXT, lambda: shortcuts_dialog.show_shortcuts(window))
    window.help_menu.addAction(window.shortcuts_action)
    window.about_action = window_action(window, f"&About {about_dialog.APP_NAME}",
                                        lambda: about_dialog.show_about(window))
    window.about_action.setMenuRole(QAction.MenuRole.AboutRole)  # macOS puts it in the application menu
    window.help_menu.addAction(window.about_action)


def open_guide(path: Path) -> bool:
    """Open a guide with the desktop's viewer for Markdown text (False when the desktop opens nothing)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def guide_not_opened(title: str, path: Path) -> str:
    """The sentence said when nothing on the desktop opens guide ``title`` (a menu text): where the file is."""
    return f"Nothing on this desktop opens the {title.replace('&', '')}; it is the Markdown file {path}."


def show_guide(window: Any, title: str, path: Path) -> bool:
    """Open guide ``title`` at ``path``; when the desktop opens nothing (no handler for .md, no xdg-open), say where
    the file is in a box whose text can be selected and copied, and in the status bar.

    Why: a menu entry that does nothing visible looks broken, and the user can still read the file themselves."""
    if open_guide(path):
        return True
    message = guide_not_opened(title, path)
    box = QMessageBox(QMessageBox.Icon.Information, about_dialog.APP_NAME, message, QMessageBox.StandardButton.Ok,
                      window)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    window.guide_box = box
    window.show_status(message)
    return False
