"""Which test clips a finished run's model gets wrong, and hearing them: the run's ``eval/predictions.csv`` as a table.

Why this view: the figures say *how often* the model is wrong, not *on what*. Listening to the mistakes it makes
with the highest scores finds mislabelled clips and words the model has learned as a keyword, so they come first
(:func:`~workbench.evaluation.clip_predictions.read_clip_predictions`). A double-click plays the clip as the live
stream's source (``host.open_audio``), where its spectrogram and scores show -- the scores of the model loaded
there, hence the note when that is not the run's model.

Why the selection is the clip played: Play and Return play the *selected* clip, so a filter that hides it clears the
selection (Qt would otherwise move it to a neighbouring clip without a word), Tab into the table selects the row it
lands on, and Return on a row that is not selected (Ctrl+click deselects) plays nothing.

Why the filters go on further rows where the tab is narrow: side by side at a 16 pt font they asked for 580 px, and
the Evaluation tab's report, never narrower than this view, grew wider than its 479 px column at 1280x720 -- its
headline then wrapped at 584 px and was read by scrolling sideways. Wider columns fit into the table, which scrolls
sideways inside itself.

The table's model and filters are :mod:`.evaluation_clips_model`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from workbench.core.errors import WorkbenchError
from workbench.evaluation.clip_predictions import ClipPrediction, missing_clip_sentence, read_clip_predictions
from workbench.gui.training.evaluation.evaluation_clips_model import CLIP, RANK, ClipFilter, ClipTableModel, count_line
from workbench.gui.widgets.button_rows import ButtonRows
from workbench.gui.widgets.table_rows import RowOnKeyboardFocus, read_only_rows
from workbench.gui.widgets.wrapping_form import one_line

if TYPE_CHECKING:
    from workbench.gui.window.workspace_host import WorkspaceHost

MIN_VISIBLE_ROWS = 6  # the table never shrinks below this many rows: the Evaluation tab scrolls instead
FIT_ROWS = 200  # rows a column's width is fitted to (all of them would take seconds for 20,000 clips)
ROW_PADDING_PX = 6  # above and below a row's text together: compact rows, thousands of them
RANK_MARGIN_PX = 12  # beside the largest rank: room for the cell's margins
ANY = "any"
LIVE = "live"
EMPTY_NOTE = "The test clips appear here when a run with an evaluation is shown."
PLAY_TIP = ("Play the selected clip as the live stream's source: its spectrogram and the scores of the model loaded "
            "there (double-click a row does the same)")


def _class_order(name: str) -> tuple[bool, str]:
    """Keywords first, then ``_unknown_``, ``_silence_`` and the like."""
    return (name.startswith("_"), name)


def _same_model(loaded: Any, path: Path) -> bool:
    """Whether the live stream's model is the run's: the same file, or a copy of it."""
    own = getattr(loaded, "path", None)
    try:
        if own is not None and Path(own).resolve() == path.resolve():
            return True
        return bytes(getattr(loaded, "tflite", b"")) == path.read_bytes()
    except OSError:
        return False


class EvaluationClipsView(QWidget):
    """``show_run(predictions.csv, run model)`` after a run; ``clear()`` when a new one starts."""

    def __init__(self, host: "WorkspaceHost | None" = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.run_model: Path | None = None
        self.source = ClipTableModel(self)
        self.proxy = ClipFilter(self)
        self.proxy.setSourceModel(self.source)
        self.note = QLabel(EMPTY_NOTE)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.mistakes_only = QCheckBox("Mistakes only")
        self.mistakes_only.setChecked(True)
        self.mistakes_only.setToolTip("Show only the clips the model classified wrongly")
        self.label_filter = QComboBox()
        self.label_filter.setToolTip("Show only the clips of this true class")
        self.label_filter.setAccessibleName("True class filter")
        self.predicted_filter = QComboBox()
        self.predicted_filter.setToolTip("Show only the clips the model predicted as this class")
        self.predicted_filter.setAccessibleName("Predicted class filter")
        self.word_filter = QLineEdit()
        self.word_filter.setPlaceholderText("word")
        self.word_filter.setClearButtonEnabled(True)
        self.word_filter.setToolTip("Show only the clips whose word (their folder) contains this text")
        self.word_filter.setAccessibleName("Word filter")
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.table = self._make_table()
        self.play_button = QPushButton("&Play in Live")
        self.play_button.setToolTip(PLAY_TIP)
        self.play_button.setVisible(host is not None)
        self.live_note = QLabel()
        self.live_note.setWordWrap(True)
        self._layout()
        self._connect()
        self._fit_table()
        self.clear()

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.proxy)
        read_only_rows(table, "Test clips with the class predicted and the scores")
        table.setSortingEnabled(True)
        table.sortByColumn(RANK, Qt.SortOrder.AscendingOrder)
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(FIT_ROWS)
        header.setSectionResizeMode(CLIP, QHeaderView.ResizeMode.Stretch)  # the others: fitted once per run
        return table

    def _fit_table(self) -> None:
        """Rows as tall as their text, and MIN_VISIBLE_ROWS of them in sight, in the font in use (a large
        application font makes them taller)."""
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + ROW_PADDING_PX)
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
                                    + MIN_VISIBLE_ROWS * self.table.verticalHeader().defaultSectionSize())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_table()

    def _layout(self) -> None:
        labelled = []
        for text, widget in (("true class", self.label_filter), ("predicted", self.predicted_filter)):
            label = QLabel(text)
            label.setBuddy(widget)
            labelled.append(one_line(label, widget))  # a filter never parted from its label
        # on further rows where the tab is narrow (the module's docstring)
        filters = ButtonRows((self.mistakes_only, *labelled, self.word_filter))
        texts = QVBoxLayout()
        texts.addWidget(self.count)
        texts.addWidget(self.live_note)
        play_row = QHBoxLayout()  # above the table: in sight however little of the table fits
        play_row.addWidget(self.play_button, 0, Qt.AlignmentFlag.AlignTop)
        play_row.addLayout(texts, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(filters)
        layout.addLayout(play_row)
        layout.addWidget(self.table, 1)

    def _connect(self) -> None:
        self.mistakes_only.toggled.connect(self._filter)
        self.label_filter.currentIndexChanged.connect(self._filter)
        self.predicted_filter.currentIndexChanged.connect(self._filter)
        self.word_filter.textChanged.connect(self._filter)
        self.table.activated.connect(self.play_index)  # a double-click, or Return on a row
        self.play_button.clicked.connect(self.play_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_play)
        RowOnKeyboardFocus(self.table, lambda _table: 0)  # Tab selects the current row, else the first (Return plays)
        self.proxy.modelReset.connect(self._update_play)
        self.proxy.layoutChanged.connect(self._update_play)
        self.proxy.rowsRemoved.connect(self._update_play)
        if self.host is not None:
            self.host.controller.model_changed.connect(self._update_live_note)

    # -- the run's clips ---------------------------------------------------------------------------
    @property
    def clips(self) -> list[ClipPrediction]:
        return self.source.clips

    def clear(self, note: str = EMPTY_NOTE) -> None:
        """No clips; ``note`` says why (no run yet, or its predictions.csv is unreadable)."""
        self.run_model = None
        self.source.set_clips([])
        self._set_classes([])
        self.note.setText(note)
        self.note.setVisible(True)
        self._filter()
        self._update_live_note()

    def show_run(self, predictions: Path, run_model: Path | None = None) -> bool:
        """Show the clips of ``predictions``; False (and a one-sentence note) when it cannot be read or holds none.

        ``run_model`` is the model the clips were scored with, to say when Live runs another.
        """
        if not predictions.exists():
            self.clear(f"This run's evaluation lists no clips: it has no {predictions.name}.")
            return False
        try:
            clips = read_clip_predictions(predictions)
        except WorkbenchError as exc:
            self.clear(f"No test clips to list: {exc}.")
            return False
        if not clips:
            self.clear(f"No test clips to list: {predictions} holds none.")
            return False
        self.source.set_clips(clips)
        self._set_classes(sorted({c.label for c in clips} | {c.predicted for c in clips}, key=_class_order))
        self.run_model = run_model
        self.note.setVisible(False)
        self.table.sortByColumn(RANK, Qt.SortOrder.AscendingOrder)  # the most confident mistakes first
        self._filter()
        self._fit_columns()
        self._update_live_note()  # here and on a model change, not on every filter keystroke: it reads the model
        return True

    def _fit_columns(self) -> None:
        """Fit the columns to the first rows once (fitted on every change, thousands of rows would lag); the rank
        column to the largest rank, which the first rows do not show."""
        self.table.resizeColumnsToContents()
        largest = self.table.fontMetrics().horizontalAdvance(f"{len(self.source.clips)}") + RANK_MARGIN_PX
        self.table.setColumnWidth(RANK, max(self.table.columnWidth(RANK), largest))

    def _set_classes(self, classes: Sequence[str]) -> None:
        for combo in (self.label_filter, self.predicted_filter):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ANY, "")
            for name in classes:
                combo.addItem(name, name)
            combo.blockSignals(False)

    def shown(self) -> list[ClipPrediction]:
        """The clips the table shows, in its order."""
        return [self.source.clip(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
                for row in range(self.proxy.rowCount())]

    def _filter(self) -> None:
        selected = self.selected_clip()
        self.proxy.set_filters(self.mistakes_only.isChecked(), str(self.label_filter.currentData() or ""),
                               str(self.predicted_filter.currentData() or ""), self.word_filter.text())
        if selected is not None and self.selected_clip() is not selected:
            self.table.selectionModel().clear()  # the clip is hidden: no other one takes its place unasked
        shown = [clip for clip in self.source.clips if self.proxy.accepts(clip)]  # the count needs no order
        self.count.setText(count_line(shown, len(self.source.clips)) if self.source.clips else "")
        self.count.setVisible(bool(self.source.clips))
        self._update_play()

    # -- playing a clip ----------------------------------------------------------------------------
    def selected_clip(self) -> ClipPrediction | None:
        rows = self.table.selectionModel().selectedRows()
        return self._clip_at(rows[0]) if rows else None

    def _clip_at(self, index: QModelIndex) -> ClipPrediction | None:
        source = self.proxy.mapToSource(index)
        return self.source.clip(source.row()) if source.isValid() else None

    def _update_play(self) -> None:
        self.play_button.setEnabled(self.host is not None and self.selected_clip() is not None)

    def play_index(self, index: QModelIndex) -> bool:
        """Play the clip of ``index`` (a double-click, or Return) when its row is the selected one."""
        clip = self._clip_at(index)
        selected = self.table.selectionModel().isRowSelected(index.row(), index.parent())
        return clip is not None and selected and self.play(clip)

    def play_selected(self) -> bool:
        clip = self.selected_clip()
        return clip is not None and self.play(clip)

    def play(self, clip: ClipPrediction) -> bool:
        """Play ``clip`` in the Live workspace; an error sentence when it is gone or cannot be played."""
        if self.host is None:
            return False
        if not clip.path.is_file():
            self.host.show_error(missing_clip_sentence(clip))  # gone, or named by an older list's relative path
            return False
        if not self.host.open_audio(clip.path):
            return False  # the window said why
        self.host.show_workspace(LIVE)
        return True

    def _update_live_note(self, *_model: object) -> None:
        """Say so when Live runs another model than the run's: the scores heard there would be that model's."""
        note = ""
        if self.host is not None and self.run_model is not None and self.run_model.is_file() and self.clips:
            loaded = self.host.controller.model
            if loaded is None:
                note = "Live has no model loaded: use this run's model there to hear its scores."
            elif not _same_model(loaded, self.run_model):
                note = f"Live runs {loaded.name}: use this run's model there to hear its scores."
        self.live_note.setText(note)
        self.live_note.setVisible(bool(note))
