"""The Profile workspace's layer table: one row per layer, the figures a reviewer sorts by.

Why these columns: cost (ops, MACs, cycles, time) and where a layer runs are what a user compares
across layers, so each gets a column that fits; shapes, types, options and the MVP's reason are
read one layer at a time and live in the details pane (and in tooltips, and in every export). When a
board measurement is present, the measured time and the estimate's error appear beside the estimate. With
the accelerator none nothing is asked of the MVP, so neither its column nor the details speak of it (as
``kws profile --accelerator none`` does not). The layer whose moment needs the most activation RAM is marked in
words ("(peak)"), in bold and in its tooltip -- never by colour alone -- since that layer decides the arena.
"""

from __future__ import annotations

import html

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from workbench.profiler.export import format_units
from workbench.profiler.report import LayerReport, peak_activation

SORT_ROLE = Qt.ItemDataRole.UserRole
COPY_ROLE = Qt.ItemDataRole.UserRole + 1  # the unrounded value as text, for the clipboard (a spreadsheet sums it)
PERCENT = 100.0
UNIT_STEP = 1000  # from here on a count is written in k (format_units)
CPU_ONLY_TEXT = "runs on the CPU (Accelerator none)"
ACTIVATION_TITLE = "Activation RAM"
PEAK_MARK = " (peak)"  # after the peak layer's activation RAM: the mark a screen reader reads too
PEAK_TIP = ("The most activation RAM of any layer: {bytes:,} bytes live while it runs. The arena's planned part "
            "is at least this: a smaller arena must start here.")


def measured_ms(layer: LayerReport) -> float | None:
    return None if layer.measured is None else layer.measured.time_ms


def error_percent(layer: LayerReport) -> float | None:
    """(estimate - measured) / measured in %, when both exist."""
    measured = measured_ms(layer)
    if measured is None or not measured or layer.time_ms is None:
        return None
    return (layer.time_ms - measured) / measured * PERCENT


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[LayerReport], Any]
    kind: str = "text"  # text | units (k/M) | count | ms | percent
    tip: str = ""
    measured: bool = False  # shown only when the report carries board measurements
    mvp: bool = False  # the MVP's verdict: shown only when the profile asked the MVP (not for the accelerator none)


COLUMNS: tuple[Column, ...] = (
    Column("#", lambda l: l.index, "count", "Execution order"),
    Column("Op", lambda l: l.op),
    Column("Ops", lambda l: l.ops, "units", "Arithmetic operations, counted as MLTK does"),
    Column("MACs", lambda l: l.macs, "units", "Multiply-accumulates"),
    Column("CPU cycles", lambda l: l.cpu_cycles, "units", "Estimated CPU cycles on the EFR32xG24"),
    Column("MVP cycles", lambda l: l.accelerator_cycles, "units", "Estimated MVP accelerator cycles"),
    Column("Time ms", lambda l: l.time_ms, "ms", "Estimated time per inference at the chosen clock"),
    Column("Board ms", measured_ms, "ms", "Measured on the board", measured=True),
    Column("Error", error_percent, "percent", "Estimate vs board measurement", measured=True),
    Column("Output", lambda l: l.output_shape_text, "text", "Output tensor shape"),
    Column(ACTIVATION_TITLE, lambda l: l.activation_bytes, "count",
           "Estimated bytes of activations live while the layer runs: its inputs and outputs, tensors kept for "
           "later layers and its scratch; (peak) marks the layer that needs the most"),
    Column("Params", lambda l: l.params, "count", "Weights and biases, as Keras counts parameters"),
    Column("MVP", lambda l: mvp_text(l), "text",
           "Whether the MVP accelerator supports the layer (MLTK's verdict) and whether it runs there; "
           "the tooltip says why not", mvp=True),
)
NUMERIC_KINDS = frozenset({"units", "count", "ms", "percent"})


def column_index(title: str) -> int:
    for i, column in enumerate(COLUMNS):
        if column.title == title:
            return i
    raise KeyError(title)


def cell_text(column: Column, value: Any) -> str:
    if value is None:
        return "—" if column.measured else "unknown"
    if column.kind == "units":
        return units_text(value)
    if column.kind == "ms":
        return f"{value:.3f}"
    if column.kind == "percent":
        return f"{value:+.1f} %"
    if column.kind == "count":
        return f"{value:,}"
    return str(value)


def units_text(value: float) -> str:
    """A count in k/M as ``kws profile`` writes it (1.3M, 64.0k), but a whole count under a thousand as a whole
    number (20, not MLTK's 20.0): beside "0" and "1.3M", "20.0" read as a fraction of something."""
    if abs(value) < UNIT_STEP and float(value).is_integer():
        return f"{int(value)}"
    return format_units(value)


def copy_text(value: Any) -> str:
    """A cell for the clipboard: raw numbers (32004, not 32.0k; every digit of a time), empty when unknown."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


class LayerTableModel(QAbstractTableModel):
    """Layers as rows; ``SORT_ROLE`` gives raw numbers so sorting is numeric, unknown sorts first."""

    def __init__(self, layers: list[LayerReport] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layers = list(layers or [])
        self._mvp = True
        self._peak = peak_activation(self._layers)

    def set_layers(self, layers: list[LayerReport], mvp: bool = True) -> None:
        """Show ``layers``; ``mvp`` False (the accelerator none): the tooltips say nothing of the MVP."""
        self.beginResetModel()
        self._layers = list(layers)
        self._mvp = mvp
        self._peak = peak_activation(self._layers)
        self.endResetModel()

    def layer(self, row: int) -> LayerReport:
        return self._layers[row]

    def is_peak(self, layer: LayerReport) -> bool:
        """Whether ``layer`` is the one whose moment needs the most activation RAM (the summary's peak)."""
        return layer is self._peak

    def has_measurements(self) -> bool:
        return any(layer.measured is not None for layer in self._layers)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._layers)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip or None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        layer = self._layers[index.row()]
        column = COLUMNS[index.column()]
        value = column.value(layer)
        if role == SORT_ROLE:
            if column.kind in NUMERIC_KINDS:
                return float("-inf") if value is None else float(value)
            return str(value)
        peak = column.title == ACTIVATION_TITLE and self.is_peak(layer)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(column, value) + (PEAK_MARK if peak else "")
        if role == COPY_ROLE:
            return copy_text(value)
        if role == Qt.ItemDataRole.FontRole and peak:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and peak:
            return PEAK_TIP.format(bytes=layer.activation_bytes)
        if role == Qt.ItemDataRole.ToolTipRole:
            if not layer.supported and (self._mvp or not layer.runs_on_device):
                where = layer_where(layer, self._mvp)
                return where[0].upper() + where[1:]
            return f"{layer.op}: {layer.input_shape_text} → {layer.output_shape_text}; {layer.options_text}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in NUMERIC_KINDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def mvp_text(layer: LayerReport) -> str:
    """The MVP column: MLTK's verdict, and the Gecko SDK kernel's large-input path where it differs."""
    if layer.supported:
        return "yes"
    return "yes*" if layer.runs_on_accelerator else "no"


def mvp_where(layer: LayerReport) -> str:
    """Where the layer runs, in words; says so when MLTK's verdict and the kernel's behaviour differ."""
    if not layer.supported and layer.runs_on_accelerator:
        return (f"listed as unsupported by MLTK ({layer.reason}), but the MVP kernel still runs it "
                "with its large-input algorithm")
    if not layer.runs_on_device:  # refused by TFLite Micro itself: it runs nowhere, not on the CPU instead
        return f"does not run on the board: {layer.reason}"
    if not layer.supported:
        return f"not supported on the MVP: {layer.reason}"
    return "runs on the MVP" if layer.runs_on_accelerator else "supported by the MVP; runs on the CPU"


def layer_where(layer: LayerReport, mvp: bool = True) -> str:
    """Where the layer runs, in words; without the MVP (the accelerator none) on the CPU, unless the device
    refuses the layer altogether (its reason, as ``kws profile --accelerator none`` gives it)."""
    if mvp:
        return mvp_where(layer)
    return layer.reason if not layer.runs_on_device else CPU_ONLY_TEXT


def activation_text(layer: LayerReport, peak: bool = False) -> str:
    """The details' activation RAM line; ``peak``: the layer needs the most of the model's layers, said in words."""
    text = f"{layer.activation_bytes:,} bytes live while it runs (inputs, outputs, tensors kept for later, scratch)"
    return text + ("; the peak: no other layer needs more" if peak else "")


def layer_details_html(layer: LayerReport, mvp: bool = True, peak: bool = False) -> str:
    """Everything about one layer, for the details pane (``mvp`` False: nothing of the MVP; ``peak``: the layer
    needs the most activation RAM)."""
    types = ", ".join(layer.input_types) + " → " + ", ".join(layer.output_types)
    where = layer_where(layer, mvp)
    params = f"{layer.params:,} weights and biases; constants {layer.param_bytes:,} bytes"
    rows = [("Input", layer.input_shape_text), ("Output", layer.output_shape_text), ("Types", types),
            ("Options", layer.options_text), ("Parameters", params), ("Activation RAM", activation_text(layer, peak)),
            ("Accelerator", where)]
    if layer.cycles_basis:  # MLTK's ops miss the layer's work (a MEAN's 0): say what its cycles come from
        rows.append(("Estimate", layer.cycles_basis))
    if layer.measured is not None and layer.measured.time_ms is not None:
        rows.append(("Board", f"{layer.measured.time_ms:.3f} ms measured ({layer.measured.source})"))
    body = "".join(f"<tr><td><b>{name}</b>&nbsp;</td><td>{html.escape(value)}</td></tr>" for name, value in rows)
    return f"<b>{layer.index}: {html.escape(layer.op)}</b><table>{body}</table>"
