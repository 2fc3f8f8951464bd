"""The detection log: every keyword the detector fired on, with both clocks, and a flash of the label.

A view over ``LiveSession.detections`` (``DetectionEvent``: the detection with its stream time, the wall-clock time
it was seen and, from a file, its file time). Stream time counts the audio heard since the stream started; file time
says where in the file the word is, seeks, loop wraps and a model switch mid-file followed, so it is what compares
with ``kws detect`` on the file or with one's own labels in an audio editor (its column shows once a row has one);
wall time says when, which is what matters while speaking at the microphone. The newest
label is shown large in its class colour for :data:`FLASH_MS` so one can watch the screen from a
distance; an optional beep does the same for the ear. The log exports to CSV atomically.

The log keeps its own list of entries (not the table's text) so an export is exact and survives a
session restart; the table lists the newest :data:`~workbench.gui.widgets.table_rows.MAX_LISTED_ROWS`, and the count
says so once it holds more (a night of listening: the rows scrolled away are still exported).

Read by keyboard as by mouse: the table follows new detections only while it is scrolled to its end, so rows being
read (chosen with the arrows, or scrolled to with the wheel) stay put while the stream runs; Tab into it selects a
whole row (the current one, else the newest), and Ctrl+C copies the selected rows as tab-separated text, as the
Profile's layer table does.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.atomic_write import atomic_write_text
from workbench.core.wording import counted
from workbench.gui import theme
from workbench.gui.widgets.flow_layout import FlowLayout
from workbench.gui.widgets.table_rows import (MAX_LISTED_ROWS, RowOnKeyboardFocus, RowsInSight, add_copy_action,
                                              listed_rows_note, rows_height, rows_text)
from workbench.gui.widgets.wrapped_height import NO_HEIGHT_FOR_WIDTH, WrappedHeight

FLASH_MS = 1000
FLASH_FONT_PT = 26
FLASH_MIN_PT = 8  # a dock too narrow for the flashed word in FLASH_FONT_PT shows it smaller, down to this
FLASH_MARGIN_PX = 8  # beside the flashed word, inside its rounded background
MIN_VISIBLE_ROWS = 2  # the table never gets shorter than its header and this many rows (the Tuning dock gives way)
WALL_TIME_FORMAT = "%H:%M:%S"
MS_PER_S = 1000
# file_time_s last: the columns existing readers of the CSV take by position stay where they were
CSV_HEADER = ("wall_time", "stream_time_s", "label", "class_index", "score", "source", "file_time_s")
SOURCE_PC, SOURCE_BOARD = "PC", "board"  # who detected it: this workbench, or a board over serial
IDLE_TEXT = "listening…"  # shown while the stream runs and nothing was detected yet
STOPPED_TEXT = "not listening"
EXPORT_KEEPS_ALL = "Export CSV… saves all"  # where the rows the table no longer lists still go
# the table's columns (the CSV's order); FILE_COLUMN, added last, is shown after STREAM_COLUMN
WALL_COLUMN, STREAM_COLUMN, LABEL_COLUMN, SCORE_COLUMN, FROM_COLUMN, FILE_COLUMN = range(6)
COLUMN_TITLES = ("wall time", "stream s", "label", "score", "from", "file s")
# shown first: the label and its score, then the clocks; a file's rows add the file time, which at 16 pt in the
# default window pushed the label out of the Detections dock's sight
SHOWN_FIRST = (LABEL_COLUMN, SCORE_COLUMN)
COLUMN_TIPS = {
    WALL_COLUMN: "Wall time: when the detection was made, by this computer's clock",
    STREAM_COLUMN: "Stream time: seconds of audio heard since the stream started, seeks and loops included (a "
                   "board's detections: its own time since reset)",
    FROM_COLUMN: "Who detected it: this PC's engine, or a board over serial",
    FILE_COLUMN: "File time: where in the audio file the detection's audio ends, after seeks, loops and a model "
                 "switch; compare it with kws detect on the file or with labels in an audio editor (shown for files)",
}


@dataclass(frozen=True)
class LogEntry:
    wall_time: float
    stream_time_s: float
    label: str
    class_index: int
    score: int
    source: str = SOURCE_PC  # the board's detections come from its serial log, with its own clock
    file_time_s: float | None = None  # where in the audio file (None: a microphone, a generator or a board)

    def file_text(self) -> str:
        return "" if self.file_time_s is None else f"{self.file_time_s:.3f}"

    def wall_text(self) -> str:
        millis = int((self.wall_time % 1) * MS_PER_S)
        return f"{time.strftime(WALL_TIME_FORMAT, time.localtime(self.wall_time))}.{millis:03d}"


class DetectionLogView(QWidget):
    """Table of detections + flashing label + beep toggle + CSV export."""

    detected = Signal(str)  # the label, once per detection (for notifications)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[LogEntry] = []
        self._session: object | None = None
        self._cursor = 0
        self._streaming = False
        self._model_first_entry = 0  # entries before it are another model's: the idle label does not show their word
        self.flash_label = QLabel(STOPPED_TEXT)
        self.flash_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.font())
        font.setPointSize(FLASH_FONT_PT)
        font.setBold(True)
        self.flash_label.setFont(font)
        self.flash_label.setAutoFillBackground(True)
        self.flash_label.setMinimumHeight(int(FLASH_FONT_PT * 2.2))
        # no width of its own: the word is made smaller to fit the dock instead (at 26 pt "_unknown_ (board)" made
        # the dock 382 px wide at any font, "not listening" 258 px)
        self.flash_label.setSizePolicy(QSizePolicy.Policy.Ignored, self.flash_label.sizePolicy().verticalPolicy())
        self.flash_label.installEventFilter(self)
        self._unflash = QTimer(self, singleShot=True, interval=FLASH_MS)
        self._unflash.timeout.connect(self._end_flash)
        self.beep_box = QCheckBox("Beep")
        self.beep_box.setToolTip("Play the system beep on every detection")
        self.clear_button = QPushButton("&Clear")
        self.clear_button.setToolTip("Empty the detection log (the stream keeps running; Export CSV… then saves "
                                     "only later detections)")
        self.clear_button.clicked.connect(self.clear)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setToolTip("Save the whole log as CSV (wall time, stream time, label, score, file time)")
        self.count_label = QLabel("0 detections")
        self.count_label.setWordWrap(True)  # "12" over "detections" where the dock is narrow
        self.table = QTableWidget(0, len(COLUMN_TITLES))
        self.table.setHorizontalHeaderLabels(list(COLUMN_TITLES))
        for column, tip in COLUMN_TIPS.items():
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        header = self.table.horizontalHeader()
        for place, column in enumerate(SHOWN_FIRST):  # what the log is read for, in sight however narrow the dock
            header.moveSection(header.visualIndex(column), place)
        header.moveSection(header.visualIndex(FILE_COLUMN), header.visualIndex(STREAM_COLUMN) + 1)  # the audio clocks
        self.table.setColumnHidden(FILE_COLUMN, True)  # until a row has a file time
        self.table.setAccessibleName("Detections")
        self.table.setAccessibleDescription("Every detection: wall time, stream time, file time (from a file), label, "
                                            "score and who detected it, newest at the bottom.")
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setAccessibleName("Detection columns")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: arrows move between cells, Tab moves on
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        RowOnKeyboardFocus(self.table, lambda table: table.model().rowCount() - 1)  # none current: the newest
        add_copy_action(self.table, self.copy_rows)
        RowsInSight(self.table, MIN_VISIBLE_ROWS)
        header = self.table.horizontalHeader()
        # every column as wide as its text, the last one taking the room left: a stretched label column was the one
        # squeezed to "y…" where the dock is narrow (a large font), and the label is what the log is read for
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # the controls continue on a further row where the dock is narrow (a large font): in one row they made the
        # dock at least 457 px wide at 16 pt, which left the live plots some 70 px
        controls = QWidget()
        flow = FlowLayout(controls)
        flow.setContentsMargins(0, 0, 0, 0)
        for control in (self.beep_box, self.clear_button, self.export_button):
            flow.addWidget(control)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(controls)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.flash_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        WrappedHeight(self)  # the dock leaves the rows the controls wrap onto, not one row's height
        self._end_flash()

    def height_for_rows(self, rows: int) -> int:
        """The height that shows ``rows`` rows of the table whole, at the log's width and font: the flashed word,
        the controls as they wrap at this width, the table's header, the rows and its horizontal scroll bar if shown."""
        layout = self.layout()
        wrapped = layout.minimumHeightForWidth(self.width())
        minimum = wrapped if wrapped != NO_HEIGHT_FOR_WIDTH else layout.minimumSize().height()
        bar = self.table.horizontalScrollBar()
        no_bar = 0 if bar.isVisible() else bar.sizeHint().height()  # rows_height leaves room for one
        return minimum - self.table.minimumHeight() + rows_height(self.table, rows) - no_bar

    # -- binding ------------------------------------------------------------------------------
    def bind(self, session: object | None) -> None:
        """Log ``session``'s detections from its start; earlier entries stay in the log."""
        self._session = session
        self._cursor = 0

    def refresh(self) -> int:
        if self._session is None:
            return 0
        events, self._cursor = self._session.detections.since(self._cursor)  # type: ignore[attr-defined]
        for event in events:
            d = event.detection
            self.add_entry(LogEntry(event.wall_time, float(d.time_s), str(d.label), int(d.class_index),
                                    int(d.score), file_time_s=event.file_time_s))
        return len(events)

    # -- log ------------------------------------------------------------------------------------
    def add_entry(self, entry: LogEntry) -> None:
        """Log ``entry``: a row at the end, followed only when the table was scrolled to its end."""
        self.entries.append(entry)
        bar = self.table.verticalScrollBar()
        follow = bar.value() >= bar.maximum()
        top = self.table.rowAt(0)
        if self.table.rowCount() >= MAX_LISTED_ROWS:
            self.table.removeRow(0)
            if not follow and top > 0:  # the rows being read moved up by the one removed: keep them in place
                self.table.scrollToItem(self.table.item(top - 1, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        row = self.table.rowCount()
        self.table.insertRow(row)
        color = self._label_color(entry.class_index)
        if entry.file_time_s is not None:
            self.table.setColumnHidden(FILE_COLUMN, False)
        for col, text in enumerate((entry.wall_text(), f"{entry.stream_time_s:.3f}", entry.label,
                                    str(entry.score), entry.source, entry.file_text())):
            item = QTableWidgetItem(text)
            if col == LABEL_COLUMN:
                item.setForeground(color)
                bold = item.font()
                bold.setBold(True)
                item.setFont(bold)
            if col in (STREAM_COLUMN, SCORE_COLUMN, FILE_COLUMN):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, col, item)
        if follow:
            self.table.scrollToBottom()
        self._show_count()
        self._flash(entry)
        if self.beep_box.isChecked():
            QApplication.beep()
        self.detected.emit(entry.label)

    def _show_count(self) -> None:
        """"12 detections"; past the rows the table lists, also that only the newest are listed."""
        count = counted(len(self.entries), "detection")
        note = listed_rows_note(len(self.entries), EXPORT_KEEPS_ALL)
        self.count_label.setText(f"{count}, {note}" if note else count)

    def _label_color(self, class_index: int) -> QColor:
        """The class colour, darkened or lightened (same hue) until it reads on the table's background."""
        return theme.class_text_color(class_index, self.palette().color(QPalette.ColorRole.Base))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        """A palette switch: the label colours and the idle text are chosen against the new background."""
        if event.type() == QEvent.Type.PaletteChange:
            first = len(self.entries) - self.table.rowCount()
            for row in range(self.table.rowCount()):
                item = self.table.item(row, LABEL_COLUMN)
                if item is not None:
                    item.setForeground(self._label_color(self.entries[first + row].class_index))
            if not self.flashing:
                self._end_flash()
        super().changeEvent(event)

    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    def copy_rows(self) -> None:
        """Ctrl+C: the selected rows (all shown when none is) as tab-separated text with a header row."""
        QApplication.clipboard().setText(rows_text(self.table))

    def clear(self) -> None:
        self.entries.clear()
        self._model_first_entry = 0
        self.table.setRowCount(0)
        self.table.setColumnHidden(FILE_COLUMN, True)
        self._show_count()
        self._end_flash()

    def _flash(self, entry: LogEntry) -> None:
        color = theme.class_color(entry.class_index)
        text_color = theme.text_on(color).name()
        self.flash_label.setText(entry.label if entry.source == SOURCE_PC else f"{entry.label} ({entry.source})")
        self._fit_flash()
        self.flash_label.setStyleSheet(f"background-color: {color.name()}; color: {text_color};"
                                       "border-radius: 6px;")
        self._unflash.start()

    def set_streaming(self, streaming: bool) -> None:
        """Whether audio is being listened to: the idle label says so (never "listening…" when stopped)."""
        self._streaming = bool(streaming)
        if not self.flashing:
            self._end_flash()

    def show_new_model(self) -> None:
        """Another model was opened: its rows join the log, but the idle label stops showing the last model's word.

        Why: after switching from yes/no to on/off the label kept a large "no" that the model listening could no
        longer say; the rows keep the history, the label says what this model has heard (nothing yet)."""
        self._model_first_entry = len(self.entries)
        if not self.flashing:
            self._end_flash()

    def _end_flash(self) -> None:
        heard = len(self.entries) > self._model_first_entry
        last = self.entries[-1].label if heard else (IDLE_TEXT if self._streaming else STOPPED_TEXT)
        self.flash_label.setText(last)
        self._fit_flash()
        idle = self.palette().color(QPalette.ColorRole.PlaceholderText)  # dim, yet 4.5:1 in both palettes
        self.flash_label.setStyleSheet(f"border-radius: 6px; color: {idle.name()};")

    def _fit_flash(self) -> None:
        """The flashed word in FLASH_FONT_PT, or as much smaller as the label's width needs to show it whole."""
        font = QFont(self.flash_label.font())
        font.setPointSizeF(FLASH_FONT_PT)
        room = self.flash_label.contentsRect().width() - 2 * FLASH_MARGIN_PX
        needed = QFontMetrics(font).horizontalAdvance(self.flash_label.text())
        if needed > room > 0:
            font.setPointSizeF(max(FLASH_MIN_PT, FLASH_FONT_PT * room / needed))
        if font != self.flash_label.font():
            self.flash_label.setFont(font)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.flash_label and event.type() == QEvent.Type.Resize:
            self._fit_flash()
        return super().eventFilter(watched, event)

    @property
    def flashing(self) -> bool:
        return self._unflash.isActive()

    # -- export -------------------------------------------------------------------------------
    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for e in self.entries:
            iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(e.wall_time))
            writer.writerow((f"{iso}.{int((e.wall_time % 1) * MS_PER_S):03d}", f"{e.stream_time_s:.3f}",
                             e.label, e.class_index, e.score, e.source, e.file_text()))
        return out.getvalue()

    def export_csv(self, path: str | Path) -> Path:
        """Write the log as CSV, atomically (raises WorkbenchError when the folder is not writable)."""
        return atomic_write_text(path, self.to_csv())
