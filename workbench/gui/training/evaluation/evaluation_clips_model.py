"""The clips table of the Evaluation tab's Clips view: a read-only model that sorts itself, and the filters.

Why a model and a proxy: a test split holds thousands of clips; the table is filled once, the proxy's filters only
hide rows, and the model sorts itself in one ``list.sort`` (:class:`ClipTableModel`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QWidget

from workbench.core.wording import plural
from workbench.evaluation.clip_predictions import ClipPrediction

COLUMNS = ("#", "clip", "word", "true class", "predicted", "score", "true class score")
RANK, CLIP, WORD, LABEL, PREDICTED, PREDICTED_SCORE, LABEL_SCORE = range(len(COLUMNS))
HEADER_TIPS = {RANK: "Rank in the default order: the most confident mistakes first (click to sort by it again)",
               PREDICTED_SCORE: "The model's score (0 to 1) for the class it predicted",
               LABEL_SCORE: "The model's score (0 to 1) for the clip's true class"}
SCORE_DECIMALS = 3


class ClipTableModel(QAbstractTableModel):
    """The clips of one predictions.csv, read-only; ``clips`` in the reader's order (their rank), shown in ``order``.

    Why it sorts itself: a proxy sorting thousands of rows asks ``data`` hundreds of thousands of times from
    Python (a second for 20,000 clips); one ``list.sort`` on the column's values is instant.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clips: list[ClipPrediction] = []
        self.order: list[int] = []  # the index in ``clips`` of each row

    def set_clips(self, clips: Sequence[ClipPrediction]) -> None:
        self.beginResetModel()
        self.clips = list(clips)
        self.order = list(range(len(self.clips)))
        self.endResetModel()

    def clip(self, row: int) -> ClipPrediction:
        return self.clips[self.order[row]]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt's name)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(section)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        rank, column = self.order[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._value(rank, column)
            return f"{value:.{SCORE_DECIMALS}f}" if isinstance(value, float) else str(value)
        if role == Qt.ItemDataRole.ToolTipRole and column == CLIP:
            return str(self.clips[rank].path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (RANK, PREDICTED_SCORE, LABEL_SCORE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _value(self, rank: int, column: int) -> int | float | str:
        clip = self.clips[rank]
        values: tuple[int | float | str, ...] = (rank + 1, clip.path.name, clip.word, clip.label, clip.predicted,
                                                 clip.predicted_score, clip.label_score)
        return values[column]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by ``column`` (ties keep the rank order); the selection stays on its clips."""
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        before = list(self.order)
        self.order.sort(key=lambda rank: self._value(rank, column),
                        reverse=order == Qt.SortOrder.DescendingOrder)  # reverse keeps ties in order: stable
        row_of = {rank: row for row, rank in enumerate(self.order)}
        persistent = self.persistentIndexList()
        moved = [self.index(row_of[before[index.row()]], index.column()) for index in persistent]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()


class ClipFilter(QSortFilterProxyModel):
    """Which clips show: mistakes only, a true class, a predicted class, words containing a text; the source
    model sorts (see :class:`ClipTableModel`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mistakes_only = True
        self.label = ""  # "": any
        self.predicted = ""
        self.word = ""

    def set_filters(self, mistakes_only: bool, label: str, predicted: str, word: str) -> None:
        modern = hasattr(self, "endFilterChange")  # Qt 6.10 deprecates invalidate*Filter for begin/end
        if modern:
            self.beginFilterChange()
        self.mistakes_only, self.label, self.predicted = mistakes_only, label, predicted
        self.word = word.strip().casefold()
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def accepts(self, clip: ClipPrediction) -> bool:
        return ((not self.mistakes_only or not clip.correct)
                and (not self.label or clip.label == self.label)
                and (not self.predicted or clip.predicted == self.predicted)
                and (not self.word or self.word in clip.word.casefold()))

    def filterAcceptsRow(self, source_row: int,  # noqa: N802 (Qt's name)
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ClipTableModel)
        return self.accepts(model.clip(source_row))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        assert isinstance(model, ClipTableModel)
        model.sort(column, order)


def count_line(shown: Sequence[ClipPrediction], total: int) -> str:
    """``57 of 1,079 clips shown (57 mistakes; most often go heard as no, 57 times)``: what the filters left."""
    text = f"{len(shown):,} of {total:,} clips shown"
    mistakes = Counter((clip.word, clip.predicted) for clip in shown if not clip.correct)
    if not mistakes:
        return text + "."
    (word, predicted), times = mistakes.most_common(1)[0]
    wrong = sum(mistakes.values())
    return (f"{text} ({wrong:,} {plural(wrong, 'mistake')}; most often {word} heard as {predicted}, "
            f"{times:,} {plural(times, 'time')}).")
