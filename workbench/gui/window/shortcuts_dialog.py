"""Help ▸ Keyboard shortcuts: every key the window answers to, read from the window as it is built.

Why read and not listed by hand: a hand-kept list drifts the day a shortcut or a button's Alt letter changes. The
window's own actions are the truth: the menus (with the workspace bar's Ctrl+1…6, which the View menu holds) and
their Alt letters, and the Alt letter and shortcut actions of each workspace's and panel's own controls. Each
group says where its keys work: the whole window, or one workspace or panel (an Alt letter presses a button only
while it is shown). A row's tooltip is its action's or button's, which says more (Space's exception, for one).

An action whose text says its state (Stream ▸ Start, which reads Stop while the stream runs) carries what its key
does whatever the state (:func:`set_shortcut_does`), and the dialog shows that: otherwise the row would say what
the key happened to do the moment the dialog opened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QDialog, QDialogButtonBox, QLabel, QMenu, QMenuBar, QStackedWidget,
                               QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from workbench.gui.widgets.small_screen import first_window_size

TITLE = "Keyboard shortcuts"
WHOLE_WINDOW = "Whole window (menus)"
INTRO = ("The keys of this window, as its menus and controls define them. Alt and a letter presses a button of "
         "the workspace or panel that is shown (a panel's letter that the workspace in front also has is the "
         "workspace's there); hover a row for what it does.")
KEYS_COLUMN, DOES_COLUMN = 0, 1
WIDTH_EM, HEIGHT_LINES = 44, 40  # the first size, in the font's units: every row wide enough to read (the list scrolls)
KEYS_GAP_EM = 2
SUBMENU = " \u25b8 "
DOES_PROPERTY = "shortcut_does"  # an action's dynamic property: what its key does, whatever the action's state


@dataclass(frozen=True)
class Shortcut:
    """One key: what to press, what it does, and the control's own tooltip (may be empty)."""

    keys: str
    does: str
    tip: str = ""


def key_text(sequence: QKeySequence) -> str:
    """A key sequence as the desktop writes it (Ctrl+1, Space)."""
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def plain(text: str) -> str:
    """A menu or button text without its mnemonic marker ("&Save…" → "Save…"; "&&" is a real ampersand)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def set_shortcut_does(action: QAction, does: str) -> None:
    """Say what ``action``'s key does whatever its state ("Start or stop"), for an action whose text changes with
    the state ("&Start" / "&Stop"): the dialog lists ``does`` in place of the text of the moment."""
    action.setProperty(DOES_PROPERTY, does)


def does_text(action: QAction) -> str:
    """What ``action``'s key does as the dialog lists it: its :func:`set_shortcut_does` text, else its own text."""
    does = action.property(DOES_PROPERTY)
    return does if isinstance(does, str) and does else plain(action.text())


def _tip(control: QAction | QAbstractButton) -> str:
    tip = control.toolTip()
    return "" if plain(tip) == plain(control.text()) else tip  # Qt's default tooltip is the text itself


def menu_shortcuts(menu_bar: QMenuBar) -> list[Shortcut]:
    """Each menu's Alt letter, and every menu entry with a shortcut (submenus included), as "Menu ▸ Entry"."""
    found: list[Shortcut] = []
    for top in menu_bar.actions():
        mnemonic = QKeySequence.mnemonic(top.text())
        if not mnemonic.isEmpty():
            found.append(Shortcut(key_text(mnemonic), f"Open the {plain(top.text())} menu"))
        if top.menu() is not None:
            found += _entries(top.menu(), plain(top.text()))
    return found


def _entries(menu: QMenu, path: str) -> list[Shortcut]:
    found: list[Shortcut] = []
    for action in menu.actions():
        if action.menu() is not None:
            found += _entries(action.menu(), path + SUBMENU + plain(action.text()))
        elif action.shortcuts():
            keys = ", ".join(key_text(key) for key in action.shortcuts())
            found.append(Shortcut(keys, path + SUBMENU + does_text(action), _tip(action)))
    return found


def control_shortcuts(area: QWidget, window_actions: Iterable[QAction] = ()) -> list[Shortcut]:
    """The Alt letters of ``area``'s buttons and the shortcuts of its own actions (a table's Copy), leaving out the
    window's actions (listed with the menus)."""
    found = []
    for button in area.findChildren(QAbstractButton):
        mnemonic = QKeySequence.mnemonic(button.text())
        if not mnemonic.isEmpty():
            tab = tab_of(button, area)
            where = f" ({tab} tab)" if tab else ""
            found.append(Shortcut(key_text(mnemonic), plain(button.text()) + where, _tip(button)))
    known = set(window_actions)
    for action in area.findChildren(QAction):
        if action.shortcuts() and action not in known:
            keys = ", ".join(key_text(key) for key in action.shortcuts())
            found.append(Shortcut(keys, does_text(action), _tip(action)))
    return found


def tab_of(widget: QWidget, area: QWidget) -> str:
    """The name of the innermost tab of ``area`` that holds ``widget`` ("" when none does): two buttons with one Alt
    letter on two tabs of a workspace (Training's and Sweeps' Cancel) are told apart by it."""
    child, parent = widget, widget.parentWidget()
    while parent is not None and child is not area:
        tabs = parent.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(tabs, QTabWidget) and tabs.indexOf(child) >= 0:
            return plain(tabs.tabText(tabs.indexOf(child)))
        child, parent = parent, parent.parentWidget()
    return ""


def window_shortcuts(window: Any) -> list[tuple[str, list[Shortcut]]]:
    """(where, its keys) for the window's menus, each workspace (by its bar's name) and each docked panel."""
    groups = [(WHOLE_WINDOW, menu_shortcuts(window.menuBar()))]
    names = {key: plain(action.text()) for key, action in window.workspace_bar.actions_by_key.items()}
    window_actions = window.actions()
    areas = [(f"{names.get(key, key)} workspace", widget) for key, widget in window.workspaces.items()]
    areas += [(f"{dock.windowTitle()} panel", dock.widget()) for dock in window.docks.values()]
    groups += [(where, control_shortcuts(widget, window_actions)) for where, widget in areas]
    return [(where, found) for where, found in groups if found]


class ShortcutsDialog(QDialog):
    """The keys of ``window`` (a MainWindow) at the time it opens, grouped by where they work."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setWindowTitle(TITLE)
        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Keys", "Does"])
        self.tree.setAccessibleName(TITLE)
        self.tree.setRootIsDecorated(False)
        for where, found in window_shortcuts(window):
            group = QTreeWidgetItem(self.tree, [where])
            group.setFirstColumnSpanned(True)
            font = group.font(KEYS_COLUMN)
            font.setBold(True)
            group.setFont(KEYS_COLUMN, font)
            for shortcut in found:
                row = QTreeWidgetItem(group, [shortcut.keys, shortcut.does])
                if shortcut.tip:
                    row.setToolTip(KEYS_COLUMN, shortcut.tip)
                    row.setToolTip(DOES_COLUMN, shortcut.tip)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(KEYS_COLUMN)
        gap = self.fontMetrics().horizontalAdvance("M") * KEYS_GAP_EM  # "Ctrl+Shift+O" apart from what it does
        self.tree.setColumnWidth(KEYS_COLUMN, self.tree.columnWidth(KEYS_COLUMN) + gap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()  # never beyond the screen: 40 lines at 16 pt on 1280x720 hid the Close button
        self.resize(first_window_size((metrics.horizontalAdvance("M") * WIDTH_EM, metrics.lineSpacing() * HEIGHT_LINES),
                                      self.screen().availableGeometry()))

    def rows(self) -> dict[str, list[tuple[str, str]]]:
        """{where: [(keys, does), …]} as the dialog shows them."""
        shown = {}
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            shown[group.text(KEYS_COLUMN)] = [(group.child(j).text(KEYS_COLUMN), group.child(j).text(DOES_COLUMN))
                                              for j in range(group.childCount())]
        return shown


def show_shortcuts(window: Any) -> ShortcutsDialog:
    """Open the dialog over ``window`` (non-modal; built anew each time, so it lists the window as it is now)."""
    previous = getattr(window, "shortcuts_dialog", None)
    if previous is not None:
        previous.close()
        previous.deleteLater()
    dialog = ShortcutsDialog(window)
    window.shortcuts_dialog = dialog
    dialog.show()
    return dialog
