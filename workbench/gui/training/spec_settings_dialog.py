"""Change a spec's settings for one run without writing a TOML file: every setting, its value, a filter.

Why a child (``kws specs --settings SPEC --json``): a spec's settings come from its file and the files it
extends, and are checked by the training package, which the window may not import (an import-linter
contract). The child lists every setting with the value the spec gives; OK asks it again with the changes as
``--set`` values, so a bad path or value is refused here, in the same sentence ``kws train --set`` would
print, instead of minutes later when TensorFlow has loaded. Both children run asynchronously; closing the
dialog ends a running one.

A value is edited with a double-click, or with F2 or Enter anywhere on its row (:class:`_SettingsTree`); Enter in the
filter goes to the first setting it shows (:class:`_FilterField`), not to OK. Values are
edited as TOML text, as ``kws specs --settings`` prints them (``0.5``, ``[-1.0, 1.0]``,
``"off"``); text that is not TOML is taken as it is (``off``), as ``kws train --set`` does. A row is
changed when its text means another value than the spec's; an emptied value goes back to the spec's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLineEdit, QPushButton,
    QStyledItemDelegate, QStyleOptionViewItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from workbench.core.toml_file import toml_or_text, toml_value
from workbench.gui.kws_child_process import CANCELLED, SUCCEEDED, CancelPolicy, KwsChildProcess, StopSignal
from workbench.gui.widgets.message_label import MessageLabel
from workbench.gui.widgets.small_screen import first_window_size

SETTING_COLUMN, VALUE_COLUMN, SPEC_COLUMN = range(3)
COLUMN_TITLES = ("Setting", "Value", "Spec's value")
SET_OPTION = "--set"
ASSIGNMENT = "="
# a listing child has nothing to keep: a closed dialog ends it with SIGTERM, and kills it if that is not enough
STOP_POLICY = CancelPolicy(stop_signal=StopSignal.TERMINATE, kill_after_ms=1000, cancel_is_final=True)
WIDTH_CHARS = 112  # room for the longest setting name and two list values beside it
HEIGHT_LINES = 46  # about 35 rows of ~100 visible at once, with the filter, the message and the buttons
BOLD_COLUMNS = (SETTING_COLUMN, VALUE_COLUMN)  # a changed row: its name and new value; the spec's stays plain
VALUE_MIN_CHARS = 24  # the value columns never shrink below a short list ("[0.0, 1.0]") and its margins
FILTER_PLACEHOLDER = "Filter settings (e.g. mask, augmentation, layers.1)"
NOTE_MARK = "*"  # after the name of a setting that has a note (its tooltip)
EDIT_KEYS = (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter)  # edit the row's value, wherever the cursor
EDIT_HOW = "double-click a value, or press F2 or Enter on its row, to change it"


def _same_value(text: str, spec_value: Any) -> bool:
    """Whether ``text`` means the spec's value (``0.50`` for ``0.5``, bare ``off`` for ``"off"``)."""
    return toml_value(toml_or_text(text)) == toml_value(spec_value)


class _FilterField(QLineEdit):
    """The filter, where Enter goes to the settings it shows (:attr:`returnPressed`).

    Why it keeps the Enter: a line edit leaves it to the dialog, whose default button is OK, so Enter after typing
    a filter closed the dialog (and took the changes made so far) when the user meant to go to the rows found.
    """

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class _ValueColumnOnly(QStyledItemDelegate):
    """Only the Value column opens an editor: the setting's name and the spec's value are facts."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 (Qt API)
                     index: QModelIndex) -> QWidget | None:
        return super().createEditor(parent, option, index) if index.column() == VALUE_COLUMN else None


class _SettingsTree(QTreeWidget):
    """The settings, whose value F2 or Enter edits from anywhere on its row.

    Why not Qt's F2 edit trigger: it edits the current cell, and the arrow keys leave the cursor in the Setting
    column, which opens no editor (nor does Right move to the Value column). Why Enter stops here: the dialog
    would take it as OK and close; on a section it does nothing, and while a value is edited it only ends the
    edit (the delegate commits the value).
    """

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() not in EDIT_KEYS:
            super().keyPressEvent(event)
            return
        item = self.currentItem()
        if self.state() != QAbstractItemView.State.EditingState and item is not None and item.parent() is not None:
            self.scrollTo(self.indexFromItem(item, VALUE_COLUMN))  # an editor off-screen could not be seen
            self.editItem(item, VALUE_COLUMN)
        event.accept()


class SpecSettingsDialog(QDialog):
    """The settings of ``spec`` (a shipped name or a .toml path) with ``changes`` ({path: TOML text}) filled in.

    Accepted only once the child has accepted the changes; :meth:`changes` then gives them. ``notes``
    ({path: sentence}) says where a setting also shows (the form's Keywords field owns ``data.keywords``): its
    row's name ends with "*" and the sentence is its tooltip.
    """

    def __init__(self, spec: str, changes: Mapping[str, str] | None = None, parent: QWidget | None = None,
                 notes: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._initial = dict(changes or {})
        self._notes = dict(notes or {})
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._sections: dict[str, QTreeWidgetItem] = {}
        self._output: list[str] = []
        self._checking = False
        self.setWindowTitle(f"Settings of {spec}")
        self.filter = _FilterField(placeholderText=FILTER_PLACEHOLDER, clearButtonEnabled=True)
        self.filter.setAccessibleName("Filter settings")
        self.filter.setToolTip("Show only the settings whose name contains this text")
        self.tree = _SettingsTree()
        self.tree.setColumnCount(len(COLUMN_TITLES))
        self.tree.setHeaderLabels(list(COLUMN_TITLES))
        self.tree.setAccessibleName("Spec settings")
        self.tree.setItemDelegate(_ValueColumnOnly(self.tree))
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked  # the keys: _SettingsTree
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(SETTING_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(VALUE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SPEC_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.reset_button = QPushButton("&Reset setting")
        self.reset_button.setToolTip("Give the selected setting the spec's value again")
        self.reset_all_button = QPushButton("Reset &all")
        self.reset_all_button.setToolTip("Give every setting the spec's value again")
        self.message = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setToolTip("Check the changes as kws train would, and use them for the next run")

        resets = QHBoxLayout()
        resets.addWidget(self.reset_button)
        resets.addWidget(self.reset_all_button)
        resets.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addLayout(resets)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        metrics = self.fontMetrics()
        self.resize(first_window_size((WIDTH_CHARS * metrics.averageCharWidth(), HEIGHT_LINES * metrics.height()),
                                      self.screen().availableGeometry()))

        self.filter.textChanged.connect(self._apply_filter)
        self.filter.returnPressed.connect(self._go_to_shown)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemDoubleClicked.connect(lambda item, _column: self._edit_value(item))
        self.tree.currentItemChanged.connect(lambda _now, _before: self._update_buttons())
        self.reset_button.clicked.connect(self.reset_current)
        self.reset_all_button.clicked.connect(self.reset_all)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self.child = KwsChildProcess("kws specs", STOP_POLICY, parent=self)
        self.child.stdout_line.connect(self._output.append)
        self.child.ended.connect(self._child_ended)
        self.message.show_text(f"Reading the settings of {spec}…")
        self._start("--settings", spec, "--json")
        self._update_buttons()

    # -- the children ------------------------------------------------------------------------------
    def _start(self, *args: str) -> None:
        self._output.clear()
        self.child.start_command(["specs", *args])

    def _child_ended(self, outcome: str, error: str) -> None:
        if outcome == CANCELLED:  # the dialog was closed: nobody waits for the answer
            self._checking = False
        elif self._checking:
            self._checked(outcome, error)
        else:
            self._read(outcome, error)

    def _read(self, outcome: str, error: str) -> None:
        listing = self._listing() if outcome == SUCCEEDED else None
        if listing is None:
            reason = error or f"kws specs printed no settings for {self.spec}"
            self.message.show_error(f"The settings of {self.spec} cannot be read: {reason.rstrip('.')}.")
        else:
            self._fill(listing)
        self._update_buttons()

    def _listing(self) -> dict[str, Any] | None:
        try:
            listing = json.loads("\n".join(self._output))
        except ValueError:
            return None
        settings = listing.get("settings") if isinstance(listing, dict) else None
        return listing if isinstance(settings, list) and settings else None

    def _fill(self, listing: dict[str, Any]) -> None:
        self.tree.blockSignals(True)
        for row in listing["settings"]:
            path, value = str(row["path"]), row["value"]
            section_name, _, name = path.partition(".")
            section = self._sections.get(section_name)
            if section is None:
                section = self._sections[section_name] = QTreeWidgetItem(self.tree, [section_name])
                section.setFlags(Qt.ItemFlag.ItemIsEnabled)
                section.setFirstColumnSpanned(True)
                self._set_bold(section, True, (SETTING_COLUMN,))
            spec_text = toml_value(value)
            note = self._notes.get(path)
            shown_name = f"{name} {NOTE_MARK}" if note else name
            item = QTreeWidgetItem(section, [shown_name, self._initial.get(path, spec_text), spec_text])
            item.setData(SETTING_COLUMN, Qt.ItemDataRole.UserRole, path)
            item.setData(SPEC_COLUMN, Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(SETTING_COLUMN, f"{path}: {note}" if note else path)
            item.setToolTip(SPEC_COLUMN, f"The spec gives {path} = {spec_text}")
            self._rows[path] = item
        self.tree.blockSignals(False)
        self.tree.expandAll()
        for item in self._rows.values():
            self._mark(item)
        self._fit_columns()
        name = listing.get("name") or self.spec
        unknown = [path for path in self._initial if path not in self._rows]
        note = f"; not a setting of this spec, left out: {', '.join(unknown)}" if unknown else ""
        note += "".join(f"; {NOTE_MARK} {path}: {text}" for path, text in self._notes.items() if path in self._rows)
        text = f"{len(self._rows)} settings of {name}: {EDIT_HOW} (TOML, as shown){note}."
        (self.message.show_error if unknown else self.message.show_text)(text)
        self._apply_filter(self.filter.text())

    def _fit_columns(self) -> None:
        """Why the dialog widens once the values are known: the two value columns share the room beside the
        names equally, and each must hold its longest value (a keyword list, a monitor's name) in full, not
        its first characters; the screen is the limit (the tooltips then hold the rest)."""
        char = self.fontMetrics().averageCharWidth()
        value_px = max(VALUE_MIN_CHARS * char, *(self.tree.sizeHintForColumn(c) for c in (VALUE_COLUMN, SPEC_COLUMN)))
        needed = self.tree.sizeHintForColumn(SETTING_COLUMN) + 2 * value_px
        missing = needed + self.tree.verticalScrollBar().sizeHint().width() - self.tree.viewport().width()
        if missing > 0:
            self.resize(first_window_size((self.width() + missing, self.height()), self.screen().availableGeometry()))

    def accept(self) -> None:
        """Check the changes with the child (``kws specs --settings SPEC --set …``); accepted when it agrees.

        Why a second OK is ignored: one check at a time, and its answer decides.
        """
        if self._checking or not self._rows:
            return
        changes = self.changes()
        if not changes:
            super().accept()
            return
        self._checking = True
        self.tree.setEnabled(False)
        self.filter.setEnabled(False)
        self.message.show_text("Checking the changes…")
        self._update_buttons()
        sets = [a for path, text in changes.items() for a in (SET_OPTION, f"{path}{ASSIGNMENT}{text}")]
        self._start("--settings", self.spec, "--json", *sets)

    def _checked(self, outcome: str, error: str) -> None:
        self._checking = False
        self.tree.setEnabled(True)
        self.filter.setEnabled(True)
        self._update_buttons()
        if outcome == SUCCEEDED:
            super().accept()
        else:
            sentence = error.rstrip(".") + "." if error else "The changes could not be checked (kws specs stopped)."
            self.message.show_error(sentence)

    def done(self, result: int) -> None:
        """Why the child ends here: a closed dialog has no use for its answer, and it must not outlive it."""
        if self.child.running:
            self.child.cancel()
        super().done(result)

    # -- values --------------------------------------------------------------------------------------
    def changes(self) -> dict[str, str]:
        """The changed settings in the spec's order: {path: TOML text as typed}."""
        return {path: item.text(VALUE_COLUMN).strip() for path, item in self._rows.items() if self._is_changed(item)}

    def row(self, path: str) -> QTreeWidgetItem | None:
        """The row of setting ``path`` (None before the listing arrives, or for an unknown path)."""
        return self._rows.get(path)

    def set_value(self, path: str, text: str) -> None:
        """Type ``text`` as the value of ``path`` (as the editor would)."""
        self._rows[path].setText(VALUE_COLUMN, text)

    def is_changed(self, path: str) -> bool:
        return self._is_changed(self._rows[path])

    @staticmethod
    def _is_changed(item: QTreeWidgetItem) -> bool:
        return not _same_value(item.text(VALUE_COLUMN), item.data(SPEC_COLUMN, Qt.ItemDataRole.UserRole))

    def reset_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.parent() is not None:
            item.setText(VALUE_COLUMN, item.text(SPEC_COLUMN))

    def reset_all(self) -> None:
        for item in self._rows.values():
            item.setText(VALUE_COLUMN, item.text(SPEC_COLUMN))

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != VALUE_COLUMN or item.parent() is None:
            return
        if not item.text(VALUE_COLUMN).strip():  # emptied: the spec's value again
            item.setText(VALUE_COLUMN, item.text(SPEC_COLUMN))
            return
        self._mark(item)

    def _mark(self, item: QTreeWidgetItem) -> None:
        """Changed rows in bold, with the spec's value in the tooltip; a section says how many it has."""
        changed = self._is_changed(item)
        self.tree.blockSignals(True)
        self._set_bold(item, changed)
        path = item.data(SETTING_COLUMN, Qt.ItemDataRole.UserRole)
        tip = (f"Changed; the spec gives {item.text(SPEC_COLUMN)}" if changed
               else f"The spec's value of {path}; double-click, or press F2 or Enter, to change it")
        note = self._notes.get(path)
        item.setToolTip(VALUE_COLUMN, f"{tip}; {note}" if note else tip)
        section = item.parent()
        count = sum(self._is_changed(section.child(i)) for i in range(section.childCount()))
        name = section.text(SETTING_COLUMN).split(" ")[0]
        section.setText(SETTING_COLUMN, f"{name} ({count} changed)" if count else name)
        self.tree.blockSignals(False)
        self._update_buttons()

    @staticmethod
    def _set_bold(item: QTreeWidgetItem, bold: bool, columns: tuple[int, ...] = BOLD_COLUMNS) -> None:
        for column in columns:
            font = QFont(item.font(column))
            font.setBold(bold)
            item.setFont(column, font)

    def _edit_value(self, item: QTreeWidgetItem) -> None:
        if item.parent() is not None and self.tree.isEnabled():
            self.tree.editItem(item, VALUE_COLUMN)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for section in self._sections.values():
            shown = 0
            for i in range(section.childCount()):
                item = section.child(i)
                hidden = bool(needle) and needle not in str(item.data(SETTING_COLUMN, Qt.ItemDataRole.UserRole)).lower()
                item.setHidden(hidden)
                shown += not hidden
            section.setHidden(shown == 0)

    def _go_to_shown(self) -> None:
        """Enter in the filter: the keyboard focus to the first setting it shows (where Enter edits the value)."""
        shown = self.visible_paths()
        if shown:
            self.tree.setCurrentItem(self._rows[shown[0]], VALUE_COLUMN)
            self.tree.setFocus()

    def visible_paths(self) -> list[str]:
        """The settings the filter shows."""
        return [path for path, item in self._rows.items() if not item.isHidden() and not item.parent().isHidden()]

    def _update_buttons(self) -> None:
        current = self.tree.currentItem()
        ready = bool(self._rows) and not self._checking
        self.ok_button.setEnabled(bool(self._rows))
        self.reset_button.setEnabled(ready and current is not None and current.parent() is not None
                                     and self._is_changed(current))
        self.reset_all_button.setEnabled(ready and any(self._is_changed(item) for item in self._rows.values()))
