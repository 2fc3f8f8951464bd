"""Tables read a row at a time: a few rows kept in sight at any font, a row selected when the keyboard arrives,
Ctrl+C copying the selected rows whole, and a log's table listing only its newest rows.

Why one place: the Profile layers, the detection log, the Pareto sets and the Board's measurements are each read
and compared row by row. A table given only the height of its header at a large font shows no row at all; a table
reached by Tab showed a faint outline on one cell and had nothing selected, so Ctrl+C had nothing to copy; and a
copy of one cell ("15:52:42.379") is not what a spreadsheet or a bug report needs. The same rules for every such
table, written once.

Why a log's table lists only its newest :data:`MAX_LISTED_ROWS`: a log that runs all night (the Live detections, a
board's Classify run) would otherwise keep every row as Qt items, about 2.7 kB a row, and lay out more rows with each
one added. The log's own list keeps every entry for its save button; the count says that only the newest are listed
(:func:`listed_rows_note`), so nobody scrolls up looking for a row that is no longer there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QAction, QFocusEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QTableView

ROW_PADDING_PX = 6  # above and below a row's text together: a row is never shorter than a line of text and this
KEYBOARD_FOCUS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                  Qt.FocusReason.ShortcutFocusReason)  # a click selects the row it lands on by itself
RESIZING_EVENTS = (QEvent.Type.FontChange, QEvent.Type.StyleChange)  # a row's height or the header's changed
COLUMN_SEPARATOR, ROW_SEPARATOR = "\t", "\n"  # what a spreadsheet pastes as cells
MAX_LISTED_ROWS = 500  # a log's table lists its newest this many rows (its own list keeps all, for saving)


def row_px(view: QTableView) -> int:
    """The height of a row of ``view`` in its font: its header's default, or a line of text and padding if more."""
    return max(view.verticalHeader().defaultSectionSize(), view.fontMetrics().height() + ROW_PADDING_PX)


def rows_height(view: QTableView, rows: int) -> int:
    """The height ``view`` needs for its header, ``rows`` rows and a horizontal scroll bar, in its current font."""
    return (view.horizontalHeader().sizeHint().height() + rows * row_px(view)
            + view.horizontalScrollBar().sizeHint().height() + 2 * view.frameWidth())


class RowsInSight(QObject):
    """Keeps ``rows`` rows of ``view`` in sight: the view's minimum height, measured again after a font or a style
    change (a larger font makes the header and the rows taller). Lives as long as the view (its child)."""

    def __init__(self, view: QTableView, rows: int) -> None:
        super().__init__(view)
        self._view, self._rows = view, rows
        view.installEventFilter(self)
        self.apply()

    def apply(self) -> None:
        self._view.setMinimumHeight(rows_height(self._view, self._rows))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._view and event.type() in RESIZING_EVENTS:
            self.apply()
        return False


class RowOnKeyboardFocus(QObject):
    """Tab into ``view`` selects a whole row: the current one, else the row ``fallback(view)`` names (None: none).

    Why: a table reached by the keyboard showed the current cell's outline and nothing selected, so the arrows
    seemed to move nothing in particular and Ctrl+C copied nothing; a click, by contrast, selects its row."""

    def __init__(self, view: QAbstractItemView, fallback: Callable[[QAbstractItemView], int | None]) -> None:
        super().__init__(view)
        self._view, self._fallback = view, fallback
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (watched is self._view and event.type() == QEvent.Type.FocusIn and isinstance(event, QFocusEvent)
                and event.reason() in KEYBOARD_FOCUS and not self._view.selectionModel().hasSelection()):
            current = self._view.currentIndex()
            row = current.row() if current.isValid() else self._fallback(self._view)
            model = self._view.model()
            if row is not None and 0 <= row < model.rowCount():
                index = current if current.isValid() else model.index(row, 0)
                self._view.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        return False


def read_only_rows(table: QTableView, name: str) -> None:
    """``table`` as a read-only list read a row at a time: whole single rows selected, nothing edited, arrows move
    between rows and Tab moves on, no wrapping, no row numbers; ``name`` is what a screen reader calls it."""
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)


def rows_text(view: QTableView, role: int = Qt.ItemDataRole.DisplayRole) -> str:
    """The selected rows of ``view`` (the whole table when none is) as tab-separated text for a spreadsheet: a header
    row, then the visible columns in the order shown. ``role`` is the cells' data to copy (the Profile's raw numbers,
    32004 rather than 32.0k); a cell without it copies its text."""
    model = view.model()
    rows = sorted({index.row() for index in view.selectionModel().selectedIndexes()})
    header = view.horizontalHeader()
    cols = sorted((c for c in range(model.columnCount()) if not view.isColumnHidden(c)), key=header.visualIndex)

    def cell(row: int, col: int) -> str:
        index = model.index(row, col)
        value = index.data(role)
        return _one_line(index.data(Qt.ItemDataRole.DisplayRole) if value is None else value)

    lines = [COLUMN_SEPARATOR.join(_one_line(model.headerData(c, Qt.Orientation.Horizontal)) for c in cols)]
    lines += [COLUMN_SEPARATOR.join(cell(r, c) for c in cols) for r in rows or range(model.rowCount())]
    return ROW_SEPARATOR.join(lines) + ROW_SEPARATOR


def _one_line(value: object) -> str:
    """A cell's text on one line: a header set on two lines ("FRR\n%") would split the copied row in two."""
    return " ".join(str(value).split("\n"))


def add_copy_action(view: QAbstractItemView, copy: Callable[[], None]) -> QAction:
    """Ctrl+C (the platform's Copy key) on ``view`` calls ``copy``, in place of Qt's copy of the current cell; also
    in the view's context menu."""
    action = QAction("Copy", view)
    action.setShortcut(QKeySequence.StandardKey.Copy)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(copy)
    view.addAction(action)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return action


def listed_rows_note(total: int, keeps_all: str, listed: int = MAX_LISTED_ROWS) -> str:
    """What a log says when its table lists only the newest ``listed`` of its ``total`` rows ("" while it lists them
    all): "the newest 500 listed (Export CSV… saves all)", ``keeps_all`` naming where every row still goes."""
    return f"the newest {listed} listed ({keeps_all})" if total > listed else ""
