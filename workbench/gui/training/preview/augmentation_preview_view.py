"""An augmentation preview's samples: which clip each one was made from and how it was changed, its spectrogram as
the model gets it, and its audio to hear.

Why a dialog beside the workspace, not a tab in it: the preview is looked at while the form is changed (a noise
range, a mask share) and previewed again; a non-modal window keeps both in sight, and a new preview fills the same
window. The table's rows are the index's (:mod:`.preview_index_reader`); the selected row's PNG is shown large and
sharp (:mod:`.spectrogram_image_view`) and Play plays its WAV (:mod:`.sample_player`) -- a double-click or Return on a
row does the same, as in the evaluation's Clips tab. What cannot be shown or played is said in the dialog's own
line, not in a message box per row.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted
from workbench.gui.training.preview.preview_index_reader import (PreviewRecord, PreviewRow, check_complete,
                                                                 read_preview_index, read_preview_record)
from workbench.gui.training.preview.sample_player import play_sample
from workbench.gui.training.preview.spectrogram_image_view import SpectrogramImageView
from workbench.gui.widgets.elided_path_label import ElidedPathLabel
from workbench.gui.widgets.message_label import MessageLabel
from workbench.gui.widgets.small_screen import first_window_size
from workbench.gui.widgets.table_rows import RowOnKeyboardFocus, read_only_rows

TITLE = "Augmentation preview"
COLUMNS = ("#", "Class", "Clip", "Transforms")
NUMBER_COLUMN, CLASS_COLUMN, CLIP_COLUMN, TRANSFORMS_COLUMN = range(len(COLUMNS))
SIZE_EM = (125, 44)  # the first size, in the font's units: the table's four columns beside a large spectrogram
TABLE_SHARE, IMAGE_SHARE = 2, 1  # how the splitter divides the width at first: the transforms are long
ROW_PADDING_PX = 6  # above and below a row's text together: compact rows, as the evaluation's Clips table
NO_SELECTION = "Select a sample to see its spectrogram and play it."
OPEN_FOLDER_TIP = "Open the preview's folder (the WAV and PNG files and index.csv) with the desktop's file manager"
PLAY_TIP = "Play the selected sample's augmented audio on the default output device (double-click a row does too)"


def summary_text(rows: list[PreviewRow], spec: str = "", cancelled_of: int | None = None) -> str:
    """``24 samples of the first epoch of spec ds_cnn_small, augmented as the training augments them: yes 6, no 6,
    _unknown_ 9, _silence_ 3`` (classes in order of appearance; the spec named when known: the folder may hold a run
    of another); ``Cancelled after 5 of 24 samples of the first epoch …`` for a preview cancelled when it had
    written ``rows`` of the ``cancelled_of`` it set out to write."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.class_name] = counts.get(row.class_name, 0) + 1
    classes = ", ".join(f"{name} {count}" for name, count in counts.items())
    of_spec = f" of spec {spec}" if spec else ""
    samples = (counted(len(rows), "sample") if cancelled_of is None
               else f"Cancelled after {len(rows)} of {counted(cancelled_of, 'sample')}")
    return f"{samples} of the first epoch{of_spec}, augmented as the training augments them: {classes}"


class AugmentationPreviewView(QDialog):
    """:meth:`show_folder` lists a preview's samples; selecting one shows its spectrogram, Play plays it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(False)
        self.folder: Path | None = None
        self.rows: list[PreviewRow] = []
        self.record = PreviewRecord()  # what the preview shown says of itself (preview.json)
        self.summary = QLabel(wordWrap=True)
        self.path_label = ElidedPathLabel()
        self.open_button = QPushButton("&Open folder", autoDefault=False)  # Return in the list plays, never these
        self.open_button.setToolTip(OPEN_FOLDER_TIP)
        self.table = self._make_table()
        self.image = SpectrogramImageView()
        self.caption = QLabel(wordWrap=True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.play_button = QPushButton("&Play", autoDefault=False)
        self.play_button.setToolTip(PLAY_TIP)
        self.info = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self._layout()
        self.open_button.clicked.connect(self.open_folder)
        self.play_button.clicked.connect(self.play)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.table.activated.connect(lambda _index: self.play())  # a double-click, or Return on a row
        self.buttons.rejected.connect(self.close)
        RowOnKeyboardFocus(self.table, lambda _table: 0)
        metrics = self.fontMetrics()
        self.resize(first_window_size((metrics.horizontalAdvance("M") * SIZE_EM[0],
                                       metrics.lineSpacing() * SIZE_EM[1]), self.screen().availableGeometry()))
        self._show_selected()

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(list(COLUMNS))
        read_only_rows(table, "Previewed samples with their class, clip and transforms")
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + ROW_PADDING_PX)
        header = table.horizontalHeader()
        for column in (NUMBER_COLUMN, CLASS_COLUMN, CLIP_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TRANSFORMS_COLUMN, QHeaderView.ResizeMode.Stretch)
        return table

    def _layout(self) -> None:
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel("Folder:"))
        folder_row.addWidget(self.path_label, 1)
        folder_row.addWidget(self.open_button)
        sample = QWidget()
        column = QVBoxLayout(sample)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.image, 1)
        column.addWidget(self.caption)
        play_row = QHBoxLayout()
        play_row.addWidget(self.play_button, 0, Qt.AlignmentFlag.AlignTop)
        play_row.addWidget(self.info, 1)
        column.addLayout(play_row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(sample)
        splitter.setStretchFactor(0, TABLE_SHARE)
        splitter.setStretchFactor(1, IMAGE_SHARE)
        splitter.setSizes([TABLE_SHARE * self.width(), IMAGE_SHARE * self.width()])  # in proportion, once shown
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(folder_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        # Tab in reading order (Open folder at the top right was created first, so it led the chain and took the
        # focus: Enter opened the file manager and the arrows moved through no samples); the samples take the focus
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        chain = (self.open_button, self.table, self.play_button, close)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.table.setFocus()

    # -- the samples ------------------------------------------------------------------------------
    def show_folder(self, folder: Path) -> list[PreviewRow]:
        """List the preview in ``folder`` (``OUT/augmentation-preview``) and select its first sample -- of a
        cancelled preview, the samples it finished (:func:`check_complete`); PreviewIndexError (one sentence) when
        its index cannot be read or what a cancelled one left is not whole, the list then left as it was."""
        rows = read_preview_index(folder)
        record = read_preview_record(folder)
        if record.interrupted:
            check_complete(folder, rows, record)
        self.folder, self.rows, self.record = Path(folder), rows, record
        self.summary.setText(summary_text(rows, record.spec, record.chosen if record.interrupted else None))
        self.path_label.set_path(str(folder))
        self.table.setRowCount(0)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            texts = (str(row.number), row.class_name, row.clip_name, row.transforms)
            tips = ("", "", "" if row.source is None else str(row.source), row.details)
            for column, (text, tip) in enumerate(zip(texts, tips, strict=True)):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                self.table.setItem(index, column, item)
        if rows:
            self.table.selectRow(0)
        self._show_selected()
        return rows

    def clear(self, note: str) -> None:
        """Empty the list and say ``note`` instead: a new preview is replacing these files (or failed to)."""
        self.rows, self.record = [], PreviewRecord()
        self.table.setRowCount(0)
        self.summary.setText(note)
        self._show_selected()

    def selected_row(self) -> PreviewRow | None:
        selected = self.table.selectionModel().selectedRows()
        return self.rows[selected[0].row()] if selected else None

    def _show_selected(self) -> None:
        row = self.selected_row()
        self.play_button.setEnabled(row is not None and row.audio.is_file())
        if row is None:
            self.image.set_image(None, NO_SELECTION)
            self.caption.setText("")
            self.info.show_text("")
            return
        self.image.set_image(row.spectrogram)
        self.caption.setText(f"{row.number}. {row.class_name} from {row.clip_name}: {row.transforms}")
        self.info.show_text("" if row.audio.is_file() else f"{row.audio.name} is missing: nothing to play.")

    # -- actions ----------------------------------------------------------------------------------
    def play(self) -> bool:
        """Play the selected sample; the dialog's line says why not when it cannot."""
        row = self.selected_row()
        if row is None:
            return False
        try:
            play_sample(row.audio)
        except WorkbenchError as exc:
            self.info.show_error(f"Cannot play {row.audio.name}: {str(exc).rstrip('.')}.")
            return False
        self.info.show_text(f"Playing {row.audio.name}")
        return True

    def open_folder(self) -> bool:
        """Open the preview's folder on the desktop; say where it is when nothing opens it."""
        if self.folder is None:
            return False
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
        if not opened:
            self.info.show_error(f"Nothing on this desktop opens folders; the samples are in {self.folder}.")
        return opened
