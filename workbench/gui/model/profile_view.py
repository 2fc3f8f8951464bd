"""The Profile workspace: a model's per-layer table, layer details, memory bars, cycle chart, diagram.

Why: the same numbers as ``kws profile``, but explorable -- sort by cycles to find the expensive layer,
select it to read its shapes, options and why the MVP cannot take it, see at a glance whether flash
and RAM fit the EFR32MG24, and export for a review. Computing a profile is the profiler's job: the window
hands the model it loaded to :meth:`ProfileView.show_loaded_model`, which profiles its graph, parsed at load, with
the accelerator and clock chosen beside the Export button (``kws profile --accelerator/--clock-mhz``; a static
graph walk, milliseconds, so a change re-profiles at once), or a finished report (a board's) to
:meth:`ProfileView.set_report`. Board reports are kept for their model, one per accelerator and clock: whenever the
chosen accelerator and clock are those one was compared at, it is shown instead of a fresh estimate, and otherwise
the headline says at which they can be seen. The model is told by its identity (its hash without its parameters),
so re-showing it with only its parameters changed keeps them. With the accelerator none the view, like
``kws profile``, says nothing of the MVP: no MVP column, verdicts or arena.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QFileDialog, QFrame,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QMenu,
                               QPushButton, QScrollArea, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget)

from workbench.board.runs.job import ACCELERATOR_NAMES
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import LoadedModel
from workbench.core.model.model_params import read_params_and_identity
from workbench.core.model.tflite_graph import parse_model
from workbench.gui import theme
from workbench.gui.model.cycles_chart import CyclesChart
from workbench.gui.model.kept_measurements import KeptMeasurements
from workbench.gui.model.layer_diagram import LayerDiagram
from workbench.gui.model.layer_table_model import COLUMNS, COPY_ROLE, SORT_ROLE, LayerTableModel, layer_details_html
from workbench.gui.model.memory_bars import MemoryBars
from workbench.gui.model.netron_launch import netron_available, start_netron
from workbench.gui.model.profile_headline_view import SELECTABLE_TEXT, ProfileHeadlineView
from workbench.gui.widgets.decimal_spin_box import DecimalSpinBox
from workbench.gui.widgets.table_rows import RowsInSight, add_copy_action, rows_text
from workbench.profiler.accelerators import DEFAULT_ACCELERATOR
from workbench.profiler.cycles import DEFAULT_CLOCK_HZ
from workbench.profiler.device_limits import CLOCK_RANGE_MHZ
from workbench.profiler.export import render, uses_mvp
from workbench.profiler.inference_pace import note_latency, stored_latency_ms
from workbench.profiler.report import ProfileReport, build_report, note_stored_runtime_memory

__all__ = ["SORT_ROLE", "ProfileView"]

EXPORT_FILTERS = {"csv": "CSV (*.csv)", "json": "JSON (*.json)", "markdown": "Markdown (*.md)"}
EXPORT_SUFFIX = {"csv": ".csv", "json": ".json", "markdown": ".md"}
TABLE_SHARE, DETAILS_SHARE = 1, 1  # vertical splitter: the table above, details/memory/chart below
MIN_TABLE_ROWS = 3  # the table never shrinks below a few rows (the details scroll instead)
DETAILS_PLACEHOLDER = "Select a layer to see its shapes, options and where it runs."
# the accelerator choice, by the names of `kws profile --accelerator` (the data) with what the box shows: the
# Board workspace's names, so the two boxes say the same
ACCELERATOR_CHOICES = tuple(ACCELERATOR_NAMES.items())
HZ_PER_MHZ = 1_000_000
(CLOCK_MIN_MHZ, CLOCK_MAX_MHZ), CLOCK_DECIMALS = CLOCK_RANGE_MHZ, 1  # the range kws profile --clock-mhz takes
SETTING_ACCELERATOR, SETTING_CLOCK_MHZ = "profile/accelerator", "profile/clock_mhz"


class ProfileView(QWidget):
    """Embeddable panel showing one :class:`ProfileReport` (call :meth:`set_report` to change it).

    ``exported`` (the file written) and ``error`` (one sentence) tell the window how an export went: it shows
    them in its status bar and its non-blocking message, as it does every other view's.
    """

    exported = Signal(str)
    error = Signal(str)

    def __init__(self, report: ProfileReport | None = None, model_path: str | Path | None = None,
                 parent: QWidget | None = None, settings: QSettings | None = None, dark: bool | None = None) -> None:
        """``dark`` None: the chart takes the application's palette (the window calls :meth:`set_dark` later)."""
        super().__init__(parent)
        self._report = ProfileReport()
        self._model_path = Path(model_path) if model_path else None
        self._settings = settings  # remembers the accelerator and clock; None: this session only
        self._model: LoadedModel | None = None  # the model last profiled, with its parsed graph and parameters
        self._measured = KeptMeasurements()  # that model's board reports, kept across re-estimates
        self.table_model = LayerTableModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # execution order until the user sorts
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # read-only: arrows move between cells, Tab moves on
        self.table.setAccessibleName("Layers")
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.selectionModel().currentRowChanged.connect(self._on_selection)
        add_copy_action(self.table, self.copy_selection)

        self.headline = ProfileHeadlineView(self)
        self.details_label = QLabel(DETAILS_PLACEHOLDER, self)
        self.details_label.setWordWrap(True)
        self.details_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details_label.setTextInteractionFlags(SELECTABLE_TEXT)
        self.details_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches the text to select it by keyboard
        self.cycles_chart = CyclesChart(self)
        self.chart, self.chart_legend = self.cycles_chart.plot, self.cycles_chart.legend
        self.set_dark(theme.palette_is_dark() if dark is None else dark)
        self.memory = MemoryBars(self)
        self.flash_bar, self.ram_bar, self.ram_mvp_bar = (self.memory.flash_bar, self.memory.ram_bar,
                                                          self.memory.ram_mvp_bar)
        self.diagram = LayerDiagram(self)
        self.diagram_layout = self.diagram.boxes_layout
        self.export_button = QPushButton("&Export…", self)
        self.export_button.setToolTip("Write the profile as CSV, JSON or Markdown (the same as `kws profile --format`)")
        self.export_actions: dict[str, QAction] = {}
        self.netron_button = QPushButton("Open in &Netron", self)
        self.netron_button.clicked.connect(self.open_in_netron)
        self.accelerator_box = QComboBox(self)
        for key, text in ACCELERATOR_CHOICES:
            self.accelerator_box.addItem(text, key)
        self.accelerator_box.setToolTip("Run the layers the MVP supports on it, or everything on the CPU "
                                        "(`kws profile --accelerator`)")
        self.clock_box = DecimalSpinBox(self)
        self.clock_box.setRange(CLOCK_MIN_MHZ, CLOCK_MAX_MHZ)
        self.clock_box.setDecimals(CLOCK_DECIMALS)
        self.clock_box.setSuffix(" MHz")
        self.clock_box.setKeyboardTracking(False)  # re-profile once the number is entered, not per digit
        self.clock_box.setToolTip("Core clock for the time estimates (`kws profile --clock-mhz`)")
        self._restore_choices()
        self.accelerator_box.currentIndexChanged.connect(self._on_choice_changed)
        self.clock_box.valueChanged.connect(self._on_choice_changed)
        self._build_layout()
        if report is not None:
            self.set_report(report)

    # ---- layout -------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        export_menu = QMenu(self.export_button)
        for fmt in EXPORT_FILTERS:
            action = export_menu.addAction(f"{fmt.upper() if fmt != 'markdown' else 'Markdown'}…")
            action.triggered.connect(lambda _=False, f=fmt: self._export_dialog(f))
            self.export_actions[fmt] = action
        self.export_button.setMenu(export_menu)
        buttons.addWidget(self.export_button)
        buttons.addSpacing(self.fontMetrics().horizontalAdvance("MM"))
        accelerator_label = QLabel("&Accelerator:", self)
        accelerator_label.setBuddy(self.accelerator_box)
        clock_label = QLabel("C&lock:", self)
        clock_label.setBuddy(self.clock_box)
        for widget in (accelerator_label, self.accelerator_box, clock_label, self.clock_box):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.netron_button)
        details = QGroupBox("Layer", self)
        QVBoxLayout(details).addWidget(self.details_label, 1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(details, 1)
        left_layout.addWidget(self.memory)
        # the details scroll rather than be cut off (a small window, a large font), and leave the table its rows
        self.details_scroll = QScrollArea(self, accessibleName="Layer details")  # a Tab stop: named
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.details_scroll.setWidget(left)
        RowsInSight(self.table, MIN_TABLE_ROWS)  # measured again when the font changes
        scroll = QScrollArea(self, accessibleName="Layer diagram")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.diagram)
        tabs = QTabWidget(self, accessibleName="Cycles per layer or layer diagram")  # its tab bar is a Tab stop
        tabs.addTab(self.cycles_chart, "Cycles per layer")
        tabs.addTab(scroll, "Layer diagram")
        bottom = QSplitter(Qt.Orientation.Horizontal, self)
        bottom.setChildrenCollapsible(False)
        bottom.addWidget(self.details_scroll)
        bottom.addWidget(tabs)
        bottom.setStretchFactor(0, 1)
        bottom.setStretchFactor(1, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, TABLE_SHARE)
        splitter.setStretchFactor(1, DETAILS_SHARE)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        # Tab in reading order: by creation it went from the table up to the summary, down to the buttons, and back
        # up to the details and the chart's tabs
        chain = (self.headline.summary_label, self.table, self.details_scroll, self.details_label, tabs, scroll,
                 self.export_button, self.accelerator_box, self.clock_box, self.netron_button)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    def set_dark(self, dark: bool) -> None:
        """Restyle the cycles chart for the palette (the window calls it when View > Dark palette changes)."""
        self.cycles_chart.set_dark(dark)

    # ---- content ------------------------------------------------------------------------------
    @property
    def report(self) -> ProfileReport:
        return self._report

    @property
    def model_path(self) -> Path | None:
        return self._model_path

    @property
    def accelerator(self) -> str:
        """The chosen accelerator, as ``kws profile --accelerator`` names it (``mvp`` or ``none``)."""
        return str(self.accelerator_box.currentData())

    @property
    def clock_hz(self) -> int:
        return round(self.clock_box.value() * HZ_PER_MHZ)

    def show_loaded_model(self, model: LoadedModel) -> ProfileReport:
        """Profile ``model`` with the chosen accelerator and clock and show it; WorkbenchError if it cannot be
        profiled. It is kept, so changing the accelerator or clock re-profiles it, from the graph and parameters
        parsed when it was loaded (never the file again); a board report of it (:meth:`set_report`) is shown instead
        whenever its accelerator and clock are the chosen ones, and dropped only when its network changes
        (:attr:`LoadedModel.network_digest`: not when only its parameters do)."""
        self._measured.follow_network(model.network_digest)  # another network: its board reports are not this one's
        self._model = model
        return self._profile(model, model.path)

    def show_model(self, tflite: bytes, name: str, model_path: str | Path | None = None) -> ProfileReport:
        """:meth:`show_loaded_model` for a caller holding only a model's bytes, which are parsed here (the graph
        first: bytes that are no model fail as ``kws profile`` says)."""
        graph = parse_model(tflite)
        params, identity = read_params_and_identity(tflite)
        path = Path(model_path) if model_path is not None else None
        return self.show_loaded_model(LoadedModel(name, tflite, dict(params), path, identity, graph))

    def _profile(self, model: LoadedModel, model_path: Path | None) -> ProfileReport:
        """Show the board report kept for the chosen accelerator and clock, else a fresh estimate of ``model``."""
        report = self._measured.at(self.accelerator, self.clock_hz)
        if report is None:
            report = build_report(model.graph, name=model.name, accelerator=self.accelerator, clock_hz=self.clock_hz)
        note_latency(report, stored_latency_ms(model.params))  # as kws profile judges the file's latency_ms
        note_stored_runtime_memory(report, model.params)  # and names the runtime memory the file stores beside its own
        self.set_report(report, model_path)
        return report

    def set_report(self, report: ProfileReport, model_path: str | Path | None = None) -> None:
        """Show a finished report (a board's, or one of :meth:`show_loaded_model`); the accelerator and clock
        controls show what it was made with. A board report is kept for the model last profiled
        (the last one of each accelerator and clock), and the selected layer stays selected."""
        selected = self._current_layer()
        self._report = report
        self._measured.keep(report)
        mvp = uses_mvp(report.summary)
        if model_path is not None:
            self._model_path = Path(model_path)
        self._show_choices_of(report)
        self.table_model.set_layers(report.layers, mvp)
        measured = self.table_model.has_measurements()
        for i, column in enumerate(COLUMNS):
            self.table.setColumnHidden(i, (column.measured and not measured) or (column.mvp and not mvp))
        self.details_label.setText(DETAILS_PLACEHOLDER)
        if selected is not None:
            self._select_layer(*selected)
        self.headline.show_report(report, self._measured.others(report))
        self.cycles_chart.set_layers(report.layers, mvp)
        self.memory.show_summary(report.summary)
        self.diagram.set_layers(report.layers, mvp)
        self.netron_button.setEnabled(netron_available() and self._model_path is not None)
        self.netron_button.setToolTip("" if netron_available() else "Install netron (pip install netron) to use this")

    def _current_row(self) -> int | None:
        """The proxy row the details show: the current one when it is selected (Ctrl+click), else the first."""
        selection = self.table.selectionModel()
        current = self.table.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row()):
            return current.row()
        rows = sorted(index.row() for index in selection.selectedRows())
        return rows[0] if rows else None

    def _current_layer(self) -> tuple[int, str] | None:
        """(index, op) of the layer the details show, to select it again in a new report of the model."""
        row = self._current_row()
        if row is None:
            return None
        layer = self.table_model.layer(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
        return layer.index, layer.op

    def _select_layer(self, index: int, op: str) -> None:
        for row in range(self.table_model.rowCount()):
            layer = self.table_model.layer(row)
            if (layer.index, layer.op) == (index, op):
                self.table.selectRow(self.proxy.mapFromSource(self.table_model.index(row, 0)).row())
                return

    def _on_selection(self, *_changed: QItemSelection | QModelIndex) -> None:
        row = self._current_row()
        if row is None:
            self.details_label.setText(DETAILS_PLACEHOLDER)
            return
        layer = self.table_model.layer(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
        self.details_label.setText(layer_details_html(layer, uses_mvp(self._report.summary),
                                                      self.table_model.is_peak(layer)))
        self.table.scrollTo(self.proxy.index(row, max(self.table.currentIndex().column(), 0)))

    # ---- accelerator and clock ----------------------------------------------------------------
    def _restore_choices(self) -> None:
        """The remembered accelerator and clock, else the CLI's defaults (MVP at the board's clock)."""
        accelerator, clock_mhz = DEFAULT_ACCELERATOR, DEFAULT_CLOCK_HZ / HZ_PER_MHZ
        if self._settings is not None:
            accelerator = str(self._settings.value(SETTING_ACCELERATOR, accelerator))
            try:
                clock_mhz = float(self._settings.value(SETTING_CLOCK_MHZ, clock_mhz))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                pass  # a hand-edited settings file: keep the default
        index = self.accelerator_box.findData(accelerator)
        self.accelerator_box.setCurrentIndex(max(index, 0))
        self.clock_box.setValue(clock_mhz)

    def _show_choices_of(self, report: ProfileReport) -> None:
        """Set the controls to the report's accelerator and clock without re-profiling."""
        s = report.summary
        if s is None:
            return
        index = self.accelerator_box.findData(s.accelerator)
        for widget in (self.accelerator_box, self.clock_box):
            widget.blockSignals(True)
        if index >= 0:
            self.accelerator_box.setCurrentIndex(index)
        self.clock_box.setValue(s.clock_hz / HZ_PER_MHZ)
        for widget in (self.accelerator_box, self.clock_box):
            widget.blockSignals(False)

    def _on_choice_changed(self) -> None:
        """Remember the choice and re-profile the model with it (milliseconds)."""
        if self._settings is not None:
            self._settings.setValue(SETTING_ACCELERATOR, self.accelerator)
            self._settings.setValue(SETTING_CLOCK_MHZ, self.clock_box.value())
        if self._model is None:
            return
        try:
            self._profile(self._model, None)
        except WorkbenchError as exc:
            self.headline.show_problem(f"Cannot profile {self._model.name or 'the model'}: {exc}")

    # ---- actions ------------------------------------------------------------------------------
    def selected_text(self) -> str:
        """The selected rows (or the whole table if none is) as tab-separated text for a spreadsheet: a header
        row, the visible columns in the order shown, raw numbers (32004, not 32.0k) so that they sum."""
        return rows_text(self.table, COPY_ROLE)

    def copy_selection(self) -> None:
        QApplication.clipboard().setText(self.selected_text())

    def export_to(self, path: str | Path, fmt: str) -> Path:
        """Write the report as ``fmt`` (csv, json, markdown) to ``path`` atomically; never over the profiled model
        or a bundled one (WorkbenchError)."""
        from workbench.core.atomic_write import atomic_write_bytes
        from workbench.output_guard import check_output_file

        check_output_file(Path(path), [self._model_path] if self._model_path is not None else [], option=None)
        return atomic_write_bytes(path, render(self._report, fmt).encode("utf-8"))

    def _export_dialog(self, fmt: str) -> None:
        name = (self._report.summary.name if self._report.summary else "") or "profile"
        path, _ = QFileDialog.getSaveFileName(self, f"Export profile as {fmt}",
                                              f"{name}-profile{EXPORT_SUFFIX[fmt]}", EXPORT_FILTERS[fmt])
        if not path:
            return
        try:
            written = self.export_to(path, fmt)
        except WorkbenchError as exc:
            self.error.emit(f"The profile was not exported: {exc}")
        else:
            self.exported.emit(str(written))

    def open_in_netron(self) -> None:
        if self._model_path is not None and netron_available():
            start_netron(self._model_path)
