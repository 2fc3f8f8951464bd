"""The board's measurement beside the estimate, per layer, with the error in %.

Why its own table: the Board workspace must answer "how far off was the estimate on this chip" at a
glance; the full profile (with the same measured columns) is the Profile workspace's job, which gets
the same report through :attr:`BoardWorkspace.board_profile`. "Save measurement" keeps it where
``kws board profile --save`` does (:class:`~workbench.board.measurements.MeasurementStore`), so ``kws board refit``
learns from the window's runs too; "Export…" writes the report as CSV (estimate and board side by side).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from workbench.board.measurements import MeasurementStore
from workbench.core.atomic_write import atomic_write_text
from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted
from workbench.profiler.export import AT_LEAST, error_percent, format_units, measured_memory_text, to_csv
from workbench.profiler.refit_checks import RUN_AGAIN, measurement_problem
from workbench.profiler.report import LayerReport, ProfileReport, ProfileSummary
from workbench.gui.board.summary_lines import SummaryLines
from workbench.gui.model.profile_summary import latency_line, stored_memory_line
from workbench.gui.widgets.save_dialog import CSV_FILTER, ask_and_save
from workbench.gui.widgets.table_rows import RowsInSight

# the cycles named as the Profile workspace names them ("MVP cycles", "CPU cycles"): "Acc" read as accuracy; on two
# lines, so that the longer names leave the Board note its room at 1200 px
HEADERS = ("Layer", "Op", "MVP cycles\nest.", "MVP cycles\nboard", "MVP\nerr %", "CPU cycles\nest.",
           "CPU cycles\nboard", "CPU\nerr %", "ms\nest.", "ms\nboard", "ms\nerr %", "Board note")
HEADER_TIPS = ("Layer index", "TFLite operator", "MVP accelerator cycles, estimated",
               "MVP accelerator cycles, measured on the board", "(estimate − board) / board",
               "CPU cycles, estimated", "CPU cycles, measured on the board", "(estimate − board) / board",
               "Time per inference in ms, estimated", "Time per inference in ms, measured on the board",
               "(estimate − board) / board", "What the board's kernel said about the layer")
EMPTY_TEXT = "Profile a model on the board to compare its measured cycles and times with the estimate."
MIN_VISIBLE_ROWS = 3  # a few layers in sight at any font: at 16 pt the table showed only its header
NOT_SAVED = "Save this measurement for `kws board refit` (as `kws board profile --save` does)"
CANNOT_SAVE = "It cannot be saved, as the refit must not learn from it: {problem}; {advice}."
NUMBER_ALIGN = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value, 1) + 0.0:+.1f}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def estimate_beside_board(summary: ProfileSummary, board_ms: float | None) -> str:
    """The estimated time per inference beside the board's, as ``kws board profile`` states it.

    Why not always with the error: an estimate that leaves out layers of unknown cost is the least the model takes
    (the CLI says "at least"); its error against the board's whole time would blame the estimate for those layers.
    """
    if summary.untimed_layer_count:
        return (f"estimate {AT_LEAST}{_ms(summary.total_time_ms)} ms: "
                f"{counted(summary.untimed_layer_count, 'layer')} without an estimate")
    return f"estimate {_ms(summary.total_time_ms)} ms, {_percent(error_percent(summary.total_time_ms, board_ms))} %"


def memory_beside_estimate(summary: ProfileSummary, board_bytes: int | None) -> str:
    """The board's runtime memory beside the estimate it is comparable with, in the words and bytes of
    ``kws board profile`` (:func:`measured_memory_text`): the window showed the board's figure alone."""
    return f"runtime memory {measured_memory_text(summary, board_bytes)}"


def layer_cells(layer: LayerReport) -> list[str]:
    m = layer.measured
    board_acc, board_cpu, board_ms = (m.accelerator_cycles, m.cpu_cycles, m.time_ms) if m else (None, None, None)
    return [str(layer.index), layer.op, format_units(layer.accelerator_cycles),
            "—" if m is None else format_units(board_acc),
            _percent(error_percent(layer.accelerator_cycles, board_acc)),
            format_units(layer.cpu_cycles), "—" if m is None else format_units(board_cpu),
            _percent(error_percent(layer.cpu_cycles, board_cpu)), _ms(layer.time_ms), _ms(board_ms),
            _percent(error_percent(layer.time_ms, board_ms)), (m.unsupported or "") if m else ""]


class MeasuredTableView(QWidget):
    """Shows one measured :class:`ProfileReport` (:meth:`set_report`; None clears); ``saved(text)`` after a save
    or an export, ``error(message)`` when either fails. ``store`` is where measurements go (replaceable)."""

    saved = Signal(str)
    error = Signal(str)

    def __init__(self, parent: QWidget | None = None, store: MeasurementStore | None = None) -> None:
        super().__init__(parent)
        self.store = store or MeasurementStore()
        self.tflite: bytes | None = None  # the model measured: the saved measurement names it by its hash
        self.summary = SummaryLines(self)  # broken into lines by hand, a few in sight (its module says why)
        self.save_button = QPushButton("Save measurement", self)  # made before the table: Tab reaches it first
        self.save_button.clicked.connect(self._save_measurement)
        self.export_button = QPushButton("Export…", self)
        self.export_button.setToolTip("Save the estimate and the board's figures per layer as CSV")
        self.export_button.clicked.connect(self._ask_export)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(HEADERS)
        for column, tip in enumerate(HEADER_TIPS):
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: arrows move between cells, Tab moves on
        self.table.setAccessibleName("Measured vs estimated layers")
        self.table.setAccessibleDescription("Per layer: the cycles and time estimated, measured on the board, and the "
                                            "error in %; the board's note on the layer last.")
        RowsInSight(self.table, MIN_VISIBLE_ROWS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        sides = layout.contentsMargins()  # none above and below: at a large font the Board page is short of height
        layout.setContentsMargins(sides.left(), 0, sides.right(), 0)
        # the buttons beside the summary, not in a row of their own: that row cost the Run box its Model line
        top = QHBoxLayout()
        top.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.report: ProfileReport | None = None
        self._show_buttons()
        self._show_summary(EMPTY_TEXT)

    @property
    def summary_lines(self) -> list[QLabel]:
        """The summary's labels, one per line (those in use visible)."""
        return self.summary.labels

    def _show_summary(self, text: str) -> None:
        self.summary.show_text(text)

    def summary_text(self) -> str:
        """The summary as set (the hint as one sentence, however many lines it takes on screen)."""
        return self.summary.text()

    def _show_buttons(self, saved_to: Path | None = None) -> None:
        """Save is enabled only when saving can succeed: a measurement the store would refuse (a figure lost on
        the serial line, an impossible one) says why in the button's tooltip instead of failing on a click."""
        measured = self.report is not None and self.report.summary is not None and \
            self.report.summary.measured is not None
        problem = measurement_problem(self.report.to_dict()) if measured and self.report is not None else None
        self.save_button.setEnabled(measured and self.tflite is not None and saved_to is None and problem is None)
        if saved_to is not None:
            self.save_button.setToolTip(f"Saved to {saved_to}")
        elif problem is not None:
            self.save_button.setToolTip(CANNOT_SAVE.format(problem=problem, advice=RUN_AGAIN))
        else:
            self.save_button.setToolTip(NOT_SAVED)
        self.export_button.setEnabled(measured)

    def set_report(self, report: ProfileReport | None, tflite: bytes | None = None) -> None:
        """Show ``report`` (None: nothing); ``tflite``, the model measured, lets it be saved for the refit."""
        self.report = report
        self.tflite = tflite if report is not None else None
        self._show_buttons()
        layers = report.layers if report is not None else []
        self.table.setRowCount(len(layers))
        for row, layer in enumerate(layers):
            for column, text in enumerate(layer_cells(layer)):
                item = QTableWidgetItem(text)
                if 2 <= column <= 10:
                    item.setTextAlignment(NUMBER_ALIGN)
                self.table.setItem(row, column, item)
        self._show_summary(self._summary_text(report))

    @staticmethod
    def _summary_text(report: ProfileReport | None) -> str:
        if report is None or report.summary is None or report.summary.measured is None:
            return EMPTY_TEXT
        s, m = report.summary, report.summary.measured
        lines = [f"{s.name}: measured on {m.platform or 'board'} ({m.part_number or '?'}) at "
                 f"{format_units(m.clock_hz)}Hz",
                 f"{_ms(m.total_time_ms)} ms per inference ({estimate_beside_board(s, m.total_time_ms)}), "
                 f"{memory_beside_estimate(s, m.runtime_memory_bytes)}.",
                 # as the Profile headline and kws board profile say them, when they apply
                 latency_line(s), stored_memory_line(s),
                 f"Source: {m.source}"]
        return "\n".join(line for line in lines if line)

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    # -- keeping it ----------------------------------------------------------------------------------
    def save_measurement(self) -> Path:
        """Store the measurement as ``kws board profile --save`` does; WorkbenchError when it cannot be."""
        if self.report is None or self.tflite is None:
            raise WorkbenchError("Profile a model on the board first: there is no measurement to save.")
        path = self.store.save(self.report, self.tflite)
        self._show_buttons(saved_to=path)
        self.saved.emit(f"board measurement saved to {path} (for kws board refit)")
        return path

    def export_to(self, path: str | Path) -> Path:
        """The report as CSV, written atomically."""
        if self.report is None:
            raise WorkbenchError("Profile a model on the board first: there is nothing to export.")
        written = atomic_write_text(path, to_csv(self.report))
        self.saved.emit(f"board profile exported to {written}")
        return written

    def _save_measurement(self) -> None:
        try:
            self.save_measurement()
        except WorkbenchError as exc:
            self.error.emit(str(exc))

    def _ask_export(self) -> None:
        name = self.report.summary.name if self.report is not None and self.report.summary else ""
        ask_and_save(self, "Export the board profile", f"{name or 'model'}-board.csv", CSV_FILTER, self.export_to,
                     self.error.emit)
