"""The mode bar down the window's left edge: one button per workspace, Ctrl+1…6 to switch.

Why a bar of modes (as Qt Creator has) instead of tabs in a dock: each kind of work — listening and
tuning, reading the model, profiling, training, calibrating, talking to a board — gets the whole
central area, and the user always sees which one is in front and how to reach the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolBar, QToolButton, QWidget

BUTTON_HEIGHT_PX = 44  # a comfortable target for the mouse, and room for the checked marker
HOVER_TINT = 0.12  # a hovered button: the window colour this far towards the text colour
# Explicit colours, filled in from the application palette by ``style_sheet``: a style sheet's
# palette(...) is resolved once, so after a run-time palette switch the bar kept the old palette's
# colours (a dark bar, and white text on the white selected button).
STYLE = """
QToolBar {{ background: {window}; border: none; }}
QToolButton {{ padding: 4px 10px; border: none; border-left: 3px solid transparent; color: {text}; }}
QToolButton:hover {{ background: {hover}; }}
QToolButton:checked {{ background: {selected}; color: {selected_text}; border-left: 3px solid {marker};
                      font-weight: bold; }}
"""


def style_sheet(palette: QPalette) -> str:
    """The bar's style sheet in ``palette``'s colours: the selected button is the text on the base colour
    (the palette's most readable pair), marked by the highlight colour."""
    role = QPalette.ColorRole
    window, text = palette.color(role.Window), palette.color(role.WindowText)
    hover = QColor.fromRgbF(*(w + (t - w) * HOVER_TINT for w, t in zip(window.getRgbF()[:3], text.getRgbF()[:3])))
    return STYLE.format(window=window.name(), text=text.name(), hover=hover.name(),
                        selected=palette.color(role.Base).name(), selected_text=palette.color(role.Text).name(),
                        marker=palette.color(role.Highlight).name())


@dataclass(frozen=True)
class WorkspaceEntry:
    """One workspace as the bar and the View menu show it."""

    key: str  # "live", "model", …: the name settings and code use
    title: str  # what the button says
    tip: str  # what the workspace is for


class WorkspaceBar(QToolBar):
    """Exclusive, checkable workspace buttons; ``workspace_requested(key)`` when the user picks one."""

    workspace_requested = Signal(str)

    def __init__(self, entries: list[WorkspaceEntry], parent: QWidget | None = None) -> None:
        super().__init__("Workspaces", parent)
        self.setObjectName("toolbar_workspaces")
        self.setOrientation(Qt.Orientation.Vertical)
        self.setMovable(False)
        self.setFloatable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toggleViewAction().setEnabled(False)  # the only way between workspaces: never hidden
        self.restyle()
        self._group = QActionGroup(self)
        self._group.setExclusive(True)
        self.actions_by_key: dict[str, QAction] = {}
        for number, entry in enumerate(entries, start=1):
            action = QAction(entry.title, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{entry.tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
            action.setData(entry.key)
            action.triggered.connect(lambda _=False, key=entry.key: self.workspace_requested.emit(key))
            self._group.addAction(action)
            self.addAction(action)
            self.actions_by_key[entry.key] = action
            button = self.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                button.setMinimumHeight(BUTTON_HEIGHT_PX)

    def restyle(self) -> None:
        """Take the application palette's colours (at start and after a palette switch)."""
        self.setStyleSheet(style_sheet(QGuiApplication.palette()))

    def set_dark(self, dark: bool) -> None:
        """The window switched palettes (the application palette already is the new one)."""
        self.restyle()

    def set_current(self, key: str) -> None:
        """Check ``key``'s button (without emitting ``workspace_requested``)."""
        action = self.actions_by_key.get(key)
        if action is not None and not action.isChecked():
            action.setChecked(True)

    def current(self) -> str | None:
        action = self._group.checkedAction()
        return None if action is None else str(action.data())
