"""The Profile panel: a model's per-layer table, cycle chart, memory bars and layer diagram.

Why: the same numbers as ``kws profile``, but explorable -- sort by cycles to find the expensive layer,
see at a glance whether flash/RAM fit the EFR32MG24, and export for a review. The widget only shows a
:class:`~workbench.profiler.report.ProfileReport`; computing one is the profiler's job, so the main
window can embed this panel as a tab or dock and call :meth:`ProfileView.set_report`.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QFileDialog, QFrame, QGroupBox,
                               QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton,
                               QScrollArea, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget)

from workbench.core.errors import WorkbenchError
from workbench.profiler.export import format_units, render
from workbench.profiler.report import LayerReport, ProfileReport

EFR32MG24_FLASH_BYTES = 1536 * 1024
EFR32MG24_RAM_BYTES = 256 * 1024
SORT_ROLE = Qt.ItemDataRole.UserRole
CPU_COLOR, ACC_COLOR = "#4e79a7", "#f28e2b"
BAR_WIDTH = 0.6
EXPORT_FILTERS = {"csv": "CSV (*.csv)", "json": "JSON (*.json)", "markdown": "Markdown (*.md)"}
EXPORT_SUFFIX = {"csv": ".csv", "json": ".json", "markdown": ".md"}

_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("Index", lambda l: l.index), ("Op", lambda l: l.op), ("Ops", lambda l: l.ops),
    ("MACs", lambda l: l.macs), ("Acc cycles (est.)", lambda l: l.accelerator_cycles),
    ("CPU cycles (est.)", lambda l: l.cpu_cycles), ("Time ms (est.)", lambda l: l.time_ms),
    ("Input", lambda l: l.input_shape_text), ("Output", lambda l: l.output_shape_text),
    ("Types", lambda l: ",".join(l.input_types) + " -> " + ",".join(l.output_types)),
    ("Options", lambda l: l.options_text), ("Params", lambda l: l.params),
    ("Param bytes", lambda l: l.param_bytes), ("MVP", lambda l: "yes" if l.supported else "no"),
    ("Reason", lambda l: l.reason),
)
_NUMERIC_COLUMNS = frozenset({0, 2, 3, 4, 5, 6, 11, 12})


def netron_available() -> bool:
    """True when the ``netron`` package or command is installed."""
    return importlib.util.find_spec("netron") is not None or shutil.which("netron") is not None


EVEN_SPLIT = 1000  # equal splitter weights (Qt scales them to the space there is)


class LayerTableModel(QAbstractTableModel):
    """Layers as rows; ``SORT_ROLE`` gives raw numbers so sorting is numeric, unknown sorts first."""

    def __init__(self, layers: list[LayerReport] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layers = list(layers or [])

    def set_layers(self, layers: list[LayerReport]) -> None:
        self.beginResetModel()
        self._layers = list(layers)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._layers)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section][0]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        layer = self._layers[index.row()]
        value = _COLUMNS[index.column()][1](layer)
        if role == SORT_ROLE:
            if index.column() in _NUMERIC_COLUMNS:
                return float("-inf") if value is None else float(value)
            return str(value)
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return "unknown"
            if index.column() in (2, 3, 4, 5):
                return format_units(value)
            if index.column() == 6:
                return f"{value:.3f}"
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole and not layer.supported:
            return f"Not supported on the MVP: {layer.reason}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in _NUMERIC_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ProfileView(QWidget):
    """Embeddable panel showing one :class:`ProfileReport` (call :meth:`set_report` to change it)."""

    def __init__(self, report: ProfileReport | None = None, model_path: str | Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._report = ProfileReport()
        self._model_path = Path(model_path) if model_path else None
        self.table_model = LayerTableModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # execution order until the user sorts
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        copy = QAction("Copy", self.table)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_selection)
        self.table.addAction(copy)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = pg.PlotWidget(self)
        self.chart.setLabel("left", "cycles (estimated)")
        self.chart.setLabel("bottom", "layer")
        self.chart.addLegend(offset=(-10, 10))  # top right, clear of the first (largest) bar
        self.flash_bar, self.ram_bar, self.ram_mvp_bar = QProgressBar(self), QProgressBar(self), QProgressBar(self)
        self.diagram = QWidget(self)
        self.diagram_layout = QVBoxLayout(self.diagram)
        self.export_buttons: dict[str, QPushButton] = {}
        self.netron_button = QPushButton("Open in Netron", self)
        self.netron_button.clicked.connect(self.open_in_netron)
        self._build_layout()
        if report is not None:
            self.set_report(report)

    # ---- layout -------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        for fmt in EXPORT_FILTERS:
            button = QPushButton(f"Export {fmt.upper() if fmt != 'markdown' else 'Markdown'}…", self)
            button.clicked.connect(lambda _=False, f=fmt: self._export_dialog(f))
            self.export_buttons[fmt] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.netron_button)
        memory = QGroupBox("Memory vs EFR32MG24 (1536 kB flash, 256 kB RAM)", self)
        mem_layout = QVBoxLayout(memory)
        for label, bar in (("Flash (model)", self.flash_bar), ("RAM arena, CPU (est.)", self.ram_bar),
                           ("RAM arena, MVP (est.)", self.ram_mvp_bar)):
            row = QHBoxLayout()
            row.addWidget(QLabel(label, memory))
            row.addWidget(bar, 1)
            mem_layout.addLayout(row)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.diagram)
        tabs = QTabWidget(self)
        tabs.addTab(self.chart, "Cycles per layer")
        tabs.addTab(scroll, "Layer diagram")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(tabs)
        splitter.setSizes([EVEN_SPLIT, EVEN_SPLIT])  # table and chart share the height evenly
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(memory)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    # ---- content ------------------------------------------------------------------------------
    @property
    def report(self) -> ProfileReport:
        return self._report

    def set_report(self, report: ProfileReport, model_path: str | Path | None = None) -> None:
        self._report = report
        if model_path is not None:
            self._model_path = Path(model_path)
        self.table_model.set_layers(report.layers)
        self.table.resizeColumnsToContents()
        self._update_summary()
        self._update_chart()
        self._update_memory()
        self._update_diagram()
        self.netron_button.setEnabled(netron_available() and self._model_path is not None)
        self.netron_button.setToolTip("" if netron_available() else "Install netron (pip install netron) to use this")

    def _update_summary(self) -> None:
        s = self._report.summary
        if s is None:
            self.summary_label.setText("No profile.")
            return
        text = (f"<b>{s.name or 'model'}</b> — estimated for EFR32xG24 at {s.clock_hz / 1e6:g} MHz "
                f"({s.accelerator.upper() if s.accelerator != 'none' else 'CPU only'}): "
                f"{format_units(s.total_ops)} ops, {format_units(s.total_macs)} MACs, "
                f"{s.total_time_ms:.2f} ms/inference ({s.inferences_per_s:.1f}/s). "
                f"{s.unsupported_layer_count} layer(s) not supported on the MVP. "
                "<i>Estimates, not board measurements.</i>")
        if s.host_latency is not None:
            text += (f"<br>Measured on this PC (LiteRT): median {s.host_latency.median_ms:.3f} ms, "
                     f"p90 {s.host_latency.p90_ms:.3f} ms per invoke.")
        self.summary_label.setText(text)

    def _update_chart(self) -> None:
        self.chart.clear()
        layers = self._report.layers
        xs = [float(layer.index) for layer in layers]
        cpu = [float(layer.cpu_cycles or 0) for layer in layers]
        acc = [float(layer.accelerator_cycles or 0) for layer in layers]
        if not layers:
            return
        self.chart.addItem(pg.BarGraphItem(x=xs, height=cpu, width=BAR_WIDTH, brush=CPU_COLOR, name="CPU"))
        self.chart.addItem(pg.BarGraphItem(x=xs, y0=cpu, height=acc, width=BAR_WIDTH, brush=ACC_COLOR,
                                           name="MVP accelerator"))
        ticks = [(float(layer.index), f"{layer.index} {layer.op.lower()}") for layer in layers]
        self.chart.getAxis("bottom").setTicks([ticks])

    def _update_memory(self) -> None:
        s = self._report.summary
        values = ((self.flash_bar, s.flash_bytes if s else 0, EFR32MG24_FLASH_BYTES),
                  (self.ram_bar, s.arena_bytes if s else 0, EFR32MG24_RAM_BYTES),
                  (self.ram_mvp_bar, s.arena_bytes_mvp if s else 0, EFR32MG24_RAM_BYTES))
        for bar, used, capacity in values:
            bar.setRange(0, capacity)
            bar.setValue(min(used, capacity))
            bar.setFormat(f"{used / 1024:.1f} kB of {capacity // 1024} kB ({100 * used / capacity:.1f}%)")

    def _update_diagram(self) -> None:
        while self.diagram_layout.count():
            item = self.diagram_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for layer in self._report.layers:
            box = QLabel(f"<b>{layer.index}: {layer.op}</b><br>{layer.input_shape_text} → "
                         f"{layer.output_shape_text}<br><small>{layer.options_text}</small>", self.diagram)
            box.setFrameShape(QFrame.Shape.Box)
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.setToolTip(layer.reason or ("runs on the MVP" if layer.runs_on_accelerator else "runs on the CPU"))
            self.diagram_layout.addWidget(box)
        self.diagram_layout.addStretch(1)

    # ---- actions ------------------------------------------------------------------------------
    def selected_text(self) -> str:
        """Selected cells (or the whole table if nothing is selected) as tab-separated text."""
        indexes = self.table.selectionModel().selectedIndexes() if self.table.selectionModel() else []
        if not indexes:
            rows = range(self.proxy.rowCount())
            cols = range(self.proxy.columnCount())
            cells = {(r, c): self.proxy.index(r, c) for r in rows for c in cols}
        else:
            cells = {(i.row(), i.column()): i for i in indexes}
        rows_used = sorted({r for r, _ in cells})
        cols_used = sorted({c for _, c in cells})
        header = "\t".join(str(self.proxy.headerData(c, Qt.Orientation.Horizontal)) for c in cols_used)
        lines = [header]
        for r in rows_used:
            lines.append("\t".join(str(cells[(r, c)].data()) if (r, c) in cells else "" for c in cols_used))
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> None:
        QApplication.clipboard().setText(self.selected_text())

    def export_to(self, path: str | Path, fmt: str) -> Path:
        """Write the report as ``fmt`` (csv, json, markdown) to ``path`` atomically."""
        from workbench.core.atomic_write import atomic_write_bytes
        return atomic_write_bytes(path, render(self._report, fmt).encode("utf-8"))

    def _export_dialog(self, fmt: str) -> None:
        name = (self._report.summary.name if self._report.summary else "") or "profile"
        path, _ = QFileDialog.getSaveFileName(self, f"Export profile as {fmt}",
                                              f"{name}-profile{EXPORT_SUFFIX[fmt]}", EXPORT_FILTERS[fmt])
        if not path:
            return
        try:
            self.export_to(path, fmt)
        except WorkbenchError as exc:
            QMessageBox.warning(self, "Export failed", str(exc))

    def open_in_netron(self) -> None:
        if self._model_path is None or not netron_available():
            return
        command = ([shutil.which("netron") or "netron"] if shutil.which("netron")
                   else [sys.executable, "-m", "netron"])
        subprocess.Popen([*command, str(self._model_path)],  # noqa: S603 - fixed program, user's own file
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
