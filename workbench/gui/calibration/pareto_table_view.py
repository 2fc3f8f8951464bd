"""The Pareto-best parameter sets as a table; activating a row asks for that set to be used.

Why a table beside the curve: the curve shows the trade-off, the table shows the exact parameters and
figures (FA/h, FRR overall and per keyword, speech and background FA/h, latency) to compare a few
candidates; the recommended row is bold. A row is "activated" by a double-click, Enter, or the workspace's
"Use selected set".
"""

from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QWidget

from workbench.core.detection.detector import is_keyword_class, keyword_classes
from workbench.core.detection.tuning import GLOBAL_THRESHOLD_FIELD, THRESHOLD_LIST_FIELD, parameter_spec
from workbench.gui.widgets.table_rows import RowsInSight, add_copy_action, rows_text

PERCENT = 100.0
MS_PER_S = 1000.0
MIN_VISIBLE_ROWS = 3  # a few sets to compare at any font: at 16 pt the curve above left the table one row
Index = QModelIndex | QPersistentModelIndex


def _threshold(item: dict[str, Any], classes: tuple[str, ...]) -> str:
    lst = item.get("detection_threshold_list")
    if not lst:
        return str(item["detection_threshold"])
    return " ".join(f"{c}>{t}" for c, t in zip(classes, lst) if is_keyword_class(c))


def _number(value: Any, scale: float = 1.0, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value * scale:.{digits}f}"


Cell = Callable[[dict[str, Any], tuple[str, ...]], str]


def parameter_tip(key: str, extra: str = "") -> str:
    """A parameter column's header tooltip: the name the Tuning panel gives it and the key the model's metadata
    (and the report) holds it under, so a short header ("Count") is never a guess."""
    spec = parameter_spec(key)
    unit = f" in {spec.unit}" if spec.unit else ""
    return f"{spec.label}{unit}: the Tuning panel's \u201c{spec.label}\u201d, metadata key {key}{extra}"


LATENCY = ("the delay from the end of a detected keyword to its detection (the keyword's end as labelled; "
           "negative: detected before the word ended)")
WHOLE_STREAM = "the whole stream, keywords included (not only the time between them)"  # the hours FA/h divides by
COLUMNS: tuple[tuple[str, Cell, str], ...] = (
    ("FA/h", lambda i, c: _number(i["fa_per_hour"]),
     f"False accepts per hour of all the audio: {WHOLE_STREAM}, and any background-only recordings"),
    ("FRR %", lambda i, c: _number(i["frr"], PERCENT), "False reject rate: the share of the stream's keywords missed"),
    ("Threshold", _threshold, parameter_tip(GLOBAL_THRESHOLD_FIELD, f"; per keyword ({THRESHOLD_LIST_FIELD}) "
                                                                    "shown as keyword>threshold")),
    ("Window ms", lambda i, c: str(i["average_window_duration_ms"]), parameter_tip("average_window_duration_ms")),
    ("Suppression ms", lambda i, c: str(i["suppression_ms"]), parameter_tip("suppression_ms")),
    ("Count", lambda i, c: str(i["minimum_count"]), parameter_tip("minimum_count")),
    ("Speech FA/h", lambda i, c: _number(i.get("fa_per_hour_speech")),
     f"False accepts in the labelled stream per hour of {WHOLE_STREAM}"),
    ("Background FA/h", lambda i, c: _number(i.get("fa_per_hour_background")),
     "False accepts per hour of the background-only recordings"),
    ("Latency mean ms", lambda i, c: _number(i.get("latency_mean_s"), MS_PER_S, 0), f"Mean of {LATENCY}, in ms"),
    ("Latency p95 ms", lambda i, c: _number(i.get("latency_p95_s"), MS_PER_S, 0),
     f"95th percentile of {LATENCY}, in ms: 95 % of the detected keywords were detected sooner"),
)


def keyword_columns(classes: tuple[str, ...]) -> list[tuple[str, Cell, str]]:
    """One "FRR <keyword> %" column per keyword (from the entries' ``per_keyword`` figures)."""
    def frr_of(keyword: str) -> Cell:
        return lambda i, c: _number((i.get("per_keyword") or {}).get(keyword, {}).get("frr"), PERCENT)

    return [(f"FRR {k} %", frr_of(k), f"False reject rate of \u201c{k}\u201d: the share of its keywords in the stream "
                                      "missed") for k in keyword_classes(classes)]


def same_parameters(a: dict[str, Any], b: dict[str, Any] | None) -> bool:
    keys = ("detection_threshold", "average_window_duration_ms", "suppression_ms", "minimum_count",
            "detection_threshold_list")
    return b is not None and all(a.get(k) == b.get(k) for k in keys)


def _row_tip(item: dict[str, Any], recommended: bool) -> str | None:
    """Why a row stands out: the recommendation, the model's own parameters (nothing to change), or both."""
    own = bool(item.get("model_own"))
    if recommended:
        tip = "the recommended set: the fewest misses at or under the target FA/h"
        return tip + "; the model's own parameters, so nothing to change" if own else tip
    return "the model's own parameters" if own else None


class ParetoTableModel(QAbstractTableModel):
    """Rows: the document's ``pareto`` entries (by increasing FA/h)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.classes: tuple[str, ...] = ()
        self.recommended: dict[str, Any] | None = None
        self.columns = list(COLUMNS)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[dict[str, Any]], classes: tuple[str, ...],
                 recommended: dict[str, Any] | None) -> None:
        self.beginResetModel()
        self.rows, self.classes, self.recommended = list(rows), tuple(classes), recommended
        self.columns = [*COLUMNS[:2], *keyword_columns(self.classes), *COLUMNS[2:]]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:  # two lines ("Suppression" over "ms"): 12 columns fit 1280 px
            return self.columns[section][0].replace(" ", "\n", 1)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section][2]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](item, self.classes)
        if role == Qt.ItemDataRole.FontRole and same_parameters(item, self.recommended):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _row_tip(item, same_parameters(item, self.recommended))
        return None


class ParetoTableView(QTableView):
    """The table; ``set_activated(row)`` when a row is double-clicked or Enter is pressed."""

    set_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table_model = ParetoTableModel(self)
        self.setModel(self.table_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # read-only: arrows move between rows, Tab moves on
        self.setAccessibleName("Pareto-best parameter sets")
        self.setAccessibleDescription("Fewest misses for each false-accept rate; Enter or a double click loads "
                                      "the set into the tuning sliders")
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        # columns as wide as their figures; a stretched last column would read as one huge "p95" cell
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(False)
        self.activated.connect(lambda index: self.set_activated.emit(index.row()))
        RowsInSight(self, MIN_VISIBLE_ROWS)
        add_copy_action(self, lambda: QApplication.clipboard().setText(rows_text(self)))  # a set, for a note or a bug

    def selected_row(self) -> int | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_row(self, row: int) -> None:
        self.selectRow(row)
        self.scrollTo(self.table_model.index(row, 0))
