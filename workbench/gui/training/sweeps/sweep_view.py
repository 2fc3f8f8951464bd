"""The Training workspace's sweep view: launch ``kws sweep``, watch trials finish, cancel, use the best model.

The sweep runs as ``kws sweep --format jsonl`` in a child process (:mod:`.sweep_process`, which says why and how
Cancel stops it). An output folder deleted or moved while the sweep ran is said as the Training workspace says it:
Cancel says it stops the sweep without making the folder again, and the end says the folder is gone (the child's
one sentence, :func:`~workbench.core.folder_lock.gone_sentence`), not "every trial stopped".

The plot shows each finished trial's objective in the order trials end, and the best so far; the
table lists every trial with its status, objective, cost (MACs, RAM, flash) and searched values.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QFileDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from workbench.core.folder_lock import gone_sentence
from workbench.core.wording import counted
from workbench.gui import theme
from workbench.gui.kws_child_process import FAILED
from workbench.gui.live.plot_style import WrappedTitleAxis, fix_plot, leave_room_for_end_labels
from workbench.gui.theme import CLASS_COLORS
from workbench.gui.window.window_closing import ask_yes_no
from workbench.gui.training.sweeps.sweep_process import SweepProcess
from workbench.gui.training.training_curves_view import WholeNumberAxis
from workbench.gui.widgets.whole_spin_box import WholeSpinBox
from workbench.sweeps.reporting import events as ev
from workbench.profiler.export import format_units
from workbench.sweeps.reporting.results import (FINISHED, RUNNING, STOPPED, TrialRecord, best_so_far,
                                                values_text)

POINT_PX = 9
TRIAL_COLOR, BEST_COLOR = CLASS_COLORS[0], CLASS_COLORS[2]
# short: the label runs along the plot's height, ~160 px at 1280x720 (at a large font it wraps; the table says more)
OBJECTIVE_LABELS = {"val_balanced_accuracy": "val. balanced accuracy", "frr": "FRR at the target FA/h"}
OBJECTIVE_TIPS = {"val_balanced_accuracy": "objective: the validation balanced accuracy (higher is better)",
                  "frr": "objective: the false-reject rate at the sweep's target FA/h (lower is better)"}
PLOT_SHARE, TABLE_SHARE = 3, 2  # of the height below the form: the plot's axis label needs the room
OBJECTIVE_RANGE = (0.0, 1.0)  # both objectives are fractions
X_MARGIN = 0.5
MAX_X_TICKS = 12
# RAM and flash in bytes as kws profile writes them (15456 -> 15.5k)
COLUMNS = ("trial", "status", "objective", "epochs", "MACs", "RAM", "flash", "seed", "values", "message")
SETTINGS_PREFIX = "sweeps/"  # + file, out, address, concurrent: the form, remembered between sessions
CANCELLING_TEXT = "cancelling: stopping every trial…"
PLOT_DESCRIPTION = "Each finished trial's objective in the order the trials ended, and the best so far."


def _cell(value: Any, fmt: str = "") -> QTableWidgetItem:
    """A table cell; its tooltip holds the whole text (a trial's message is longer than its column)."""
    text = "" if value is None else (format(value, fmt) if fmt else str(value))
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    return item


def _ask_user(parent: QWidget, question: str) -> bool:
    return ask_yes_no(parent, "Sweep in progress", question)


class SweepView(QWidget):
    """Launch a sweep file, show its trials as they finish, Cancel, "Use the best model"."""

    def __init__(self, host: Any, dark: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.ask = _ask_user  # replaceable (tests answer for the user)
        self._close_when_stopped = False  # the window asked to close: it does once the sweep has stopped
        self._qsettings = getattr(getattr(host, "settings", None), "qsettings", None)
        self._held: dict[str, str] = {}  # the settings' fields as this window restored or wrote them
        self.process = SweepProcess(self)
        self.process.event.connect(self.add_event)
        self.process.finished.connect(self._sweep_finished)
        self.records: dict[str, TrialRecord] = {}
        self.ended: list[str] = []  # trial ids in the order they ended
        self.mode = "max"
        self.best_model: Path | None = None
        self.summary = ""  # the sweep's closing sentences (the done event's): why none is best, or what it carries
        self._build(dark)
        self._restore()
        self._update_buttons()

    # -- layout ----------------------------------------------------------------------------------
    def _build(self, dark: bool) -> None:
        self.sweep_edit = QLineEdit(placeholderText="sweep file (.toml)")
        self.out_edit = QLineEdit(placeholderText="output folder")
        self.address_edit = QLineEdit(placeholderText="local Ray instance")
        self.concurrent_spin = WholeSpinBox(minimum=0, maximum=1024, specialValueText="auto")
        for widget, name in ((self.sweep_edit, "Sweep file"), (self.out_edit, "Output folder"),
                             (self.address_edit, "Ray address"), (self.concurrent_spin, "Trials at once")):
            widget.setAccessibleName(name)  # the placeholder text is no name for a screen reader
        browse_sweep, browse_out = QPushButton("Browse…"), QPushButton("Browse…")
        browse_sweep.clicked.connect(self._choose_sweep)
        browse_out.clicked.connect(self._choose_out)
        self.run_button, self.cancel_button = QPushButton("&Run sweep"), QPushButton("&Cancel")
        self.use_best_button = QPushButton("&Use the best model")
        browse_sweep.setToolTip("Choose the sweep file (.toml) that lists the settings to search")
        browse_out.setToolTip("Choose the folder every trial's run is written in")
        self.run_button.setToolTip("Train every trial of the sweep file on Ray (kws sweep) and chart their results")
        self.cancel_button.setToolTip("Stop every trial of the running sweep; finished trials stay in the output "
                                      "folder")
        self.use_best_button.setToolTip("Load the best trial's model into the live view, the Model and the Profile "
                                        "workspaces")
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.use_best_button.clicked.connect(self.use_best_model)
        self.status_label = QLabel("no sweep yet")
        form = QGridLayout()
        for row, (label, edit, button) in enumerate((("Sweep file", self.sweep_edit, browse_sweep),
                                                      ("Output", self.out_edit, browse_out))):
            form.addWidget(QLabel(label), row, 0)
            form.addWidget(edit, row, 1)
            form.addWidget(button, row, 2)
        options = QHBoxLayout()
        for widget in (QLabel("Ray address"), self.address_edit, QLabel("Trials at once"), self.concurrent_spin):
            options.addWidget(widget)
        buttons = QHBoxLayout()
        for widget in (self.run_button, self.cancel_button, self.use_best_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.status_label, 1)
        self.plot_widget = pg.PlotWidget(axisItems={"bottom": WholeNumberAxis("bottom"),  # trial numbers
                                                    "left": WrappedTitleAxis("left")})
        theme.describe_view(self.plot_widget, "Sweep objective chart", PLOT_DESCRIPTION)
        self.plot = self.plot_widget.getPlotItem()
        fix_plot(self.plot)
        self.plot.setLabel("bottom", "trial (in the order they ended)")
        self.plot.setLabel("left", "objective")
        self.plot.setYRange(*OBJECTIVE_RANGE, padding=0.02)
        self.plot.addLegend(offset=(-10, 10))
        self.trial_points = self.plot.plot([], [], pen=None, symbol="o", symbolSize=POINT_PX, name="trial",
                                           symbolBrush=TRIAL_COLOR, symbolPen=None)
        self.best_curve = self.plot.plot([], [], pen=pg.mkPen(BEST_COLOR, width=2), name="best so far")
        self.set_dark(dark)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Sweep trials")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # read-only: arrows move between cells, Tab moves on
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(options)
        layout.addLayout(buttons)
        layout.addWidget(self.plot_widget, PLOT_SHARE)
        layout.addWidget(self.table, TABLE_SHARE)

    def set_dark(self, dark: bool) -> None:
        """Restyle the objective chart for the palette (View > Dark palette switches it at run time)."""
        theme.style_chart(self.plot_widget, dark, fixed_left_axis=False)  # room for a wrapped objective name
        leave_room_for_end_labels(self.plot)  # the "1.0" at the top: no title above it gives it room

    def _choose_sweep(self) -> None:
        current = self.sweep_edit.text().strip()
        path, _ = QFileDialog.getOpenFileName(self, "Sweep file", str(Path(current).parent) if current else "",
                                              "Sweep files (*.toml)")
        if path:
            self.sweep_edit.setText(path)

    def _choose_out(self) -> None:
        current = self.out_edit.text().strip()
        path = QFileDialog.getExistingDirectory(self, "Output folder", str(Path(current).parent) if current else "")
        if path:
            self.out_edit.setText(path)

    # -- persistence -----------------------------------------------------------------------------
    def _restore(self) -> None:
        """The last session's sweep file, output folder, Ray address and trials at once (a sweep is re-run often)."""
        if self._qsettings is None:
            return
        for name, edit in self._edits().items():
            edit.setText(str(self._qsettings.value(SETTINGS_PREFIX + name, "") or ""))
        concurrent = str(self._qsettings.value(SETTINGS_PREFIX + "concurrent", "") or "")
        if concurrent.isdigit():
            self.concurrent_spin.setValue(int(concurrent))
        self._held = self._fields()  # as restored: no choice of this window's

    def _edits(self) -> dict[str, QLineEdit]:
        return {"file": self.sweep_edit, "out": self.out_edit, "address": self.address_edit}

    def _fields(self) -> dict[str, str]:
        return {**{name: edit.text().strip() for name, edit in self._edits().items()},
                "concurrent": str(self.concurrent_spin.value())}

    def _save(self) -> None:
        """Write only the fields changed in this window: another window may have chosen others since."""
        if self._qsettings is not None:
            fields = self._fields()
            for name in (name for name, value in fields.items() if self._held.get(name) != value):
                self._qsettings.setValue(SETTINGS_PREFIX + name, fields[name])
            self._held = fields

    def _update_buttons(self) -> None:
        running = self.process.running
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.use_best_button.setEnabled(self.best_model is not None)

    # -- actions ---------------------------------------------------------------------------------
    def start(self) -> bool:
        sweep_file, out = Path(self.sweep_edit.text().strip()), self.out_edit.text().strip()
        if not self.sweep_edit.text().strip():
            self.host.show_error("Choose a sweep file first.")
            return False
        if not sweep_file.is_file():
            self.host.show_error(f"Choose a sweep file: {sweep_file} is not a file.")
            return False
        out_dir = Path(out) if out else sweep_file.parent / f"{sweep_file.stem}-sweep"
        self._save()
        self.clear()
        self.process.start(sweep_file, out_dir, self.address_edit.text().strip(), self.concurrent_spin.value())
        self.status_label.setText("starting…")
        self._update_buttons()
        return True

    def cancel(self) -> None:
        self.process.cancel()
        self.status_label.setText(self._cancelling_text())
        self._update_buttons()

    def _cancelling_text(self) -> str:
        """What the view says while the sweep stops: that its folder is gone and not made again, when it is."""
        return self.process.stopping_without_folder() if self.process.folder_gone else CANCELLING_TEXT

    def use_best_model(self) -> bool:
        if self.best_model is None:
            return False
        if self.host.open_model(self.best_model):
            self.host.show_status(f"using the sweep's best model {self.best_model.name}")
            return True
        return False

    def clear(self) -> None:
        self.records.clear()
        self.ended.clear()
        self.best_model = None
        self.summary = ""
        self.table.setRowCount(0)
        self.trial_points.setData([], [])
        self.best_curve.setData([], [])

    # -- events ----------------------------------------------------------------------------------
    def add_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == ev.START:
            self.mode = str(event.get("mode", "max"))
            objective = str(event.get("objective", "objective"))
            self.plot.setLabel("left", OBJECTIVE_LABELS.get(objective, objective))
            self.plot.getAxis("left").resizeEvent()  # pyqtgraph centres a new label only on a resize
            self.plot_widget.setToolTip(OBJECTIVE_TIPS.get(objective, ""))
            self.status_label.setText(f"{event.get('sweep')}: {event.get('trials')} trials on Ray "
                                      f"{event.get('address')} ({event.get('cpus', 0):g} CPUs)")
        elif kind == ev.TRIAL_START:
            record = TrialRecord(trial_id=str(event["trial"]), spec=str(event.get("spec", "")),
                                 seed=int(event.get("seed") or 0), params=dict(event.get("params") or {}))
            self._show(record)
        elif kind == ev.EPOCH and event.get("trial") in self.records:
            record = self.records[str(event["trial"])]
            record.epochs, record.val_balanced_accuracy = int(event.get("epoch") or 0), event.get(
                "val_balanced_accuracy")
            self._show(record)
        elif kind == ev.TRIAL_END:
            record = TrialRecord.from_dict(dict(event["trial"]))
            self.ended.append(record.trial_id)
            self._show(record)
            self._replot()
            best = event.get("best_objective")
            self.status_label.setText(f"{counted(len(self.ended), 'trial')} ended; best {best:.4f}" if best is not None
                                      else f"{counted(len(self.ended), 'trial')} ended; none finished yet")
        elif kind == ev.CANCELLING:  # the child's reason ("signal SIGTERM") is the Cancel just pressed here
            self.status_label.setText(self._cancelling_text())
        elif kind in (ev.MESSAGE, ev.ERROR):
            self.status_label.setText(str(event.get("message", "")))
        elif kind == ev.DONE:
            model = event.get("model")
            self.best_model = Path(model) if model else None
            self.summary = str(event.get("summary") or "")
            for trial in event.get("trials") or []:  # the final results: every row follows them
                self._show(TrialRecord.from_dict(dict(trial)))
            self._update_buttons()

    def _show(self, record: TrialRecord) -> None:
        self.records[record.trial_id] = record
        ids = list(self.records)
        row = ids.index(record.trial_id)
        if row >= self.table.rowCount():
            self.table.insertRow(row)
        arena = record.arena_bytes or record.estimated_arena_bytes
        flash = record.flash_bytes or record.estimated_flash_bytes
        values = values_text(record)
        cells = (_cell(record.trial_id), _cell(record.status), _cell(record.objective, ".4f"), _cell(record.epochs),
                 _cell(record.macs, ","), _cell(format_units(arena) if arena else None),
                 _cell(format_units(flash) if flash else None), _cell(record.seed), _cell(values),
                 _cell(record.message))
        for column, item in enumerate(cells):
            self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def _replot(self) -> None:
        ended = [self.records[i] for i in self.ended]
        xs = [n + 1 for n, r in enumerate(ended) if r.status == FINISHED and r.objective is not None]
        ys = [r.objective for r in ended if r.status == FINISHED and r.objective is not None]
        self.trial_points.setData(xs, ys)
        curve = best_so_far(ended, self.mode)
        points = [(n + 1, b) for n, b in enumerate(curve) if b is not None]
        self.best_curve.setData([p[0] for p in points], [p[1] for p in points])
        self.plot.setXRange(1 - X_MARGIN, max(len(ended), 1) + X_MARGIN, padding=0)
        step = max(1, math.ceil(len(ended) / MAX_X_TICKS))  # whole trial numbers only
        self.plot.getAxis("bottom").setTickSpacing(step, step)

    def _sweep_finished(self, status: str, message: str) -> None:
        self._update_buttons()
        for record in self.records.values():  # trials the sweep never reported as ended
            if record.status == RUNNING and status != FAILED:  # (a failed kws sweep: their end is unknown)
                record.status = ev.SWEEP_CANCELLED if status == ev.SWEEP_CANCELLED else STOPPED
                self._show(record)
        out = self.process.out
        if status == FAILED:
            self.status_label.setText(message)
            self.host.show_error(message)
        elif status == ev.SWEEP_CANCELLED and out is not None and self.process.folder_gone:  # no results: said why
            self.status_label.setText(gone_sentence(out))
            self.host.show_status(message)
        else:
            ending = self.summary or "no trial finished"
            best = f"; best model {self.best_model.name}" if self.best_model else f"; {ending}"
            told = f"\n{self.summary}" if self.best_model and self.summary else ""  # what it carries, warnings
            self.status_label.setText(message + best + told)
            self.host.show_status(message)
        if self._close_when_stopped:  # the window waited for this to close
            self._close_when_stopped = False
            QTimer.singleShot(0, self.window().close)

    # -- the window's shutdown (ClosableWorkspace) ------------------------------------------------------
    def confirm_close(self) -> bool:
        """Ask before a running sweep is stopped; after a Yes the window closes once the sweep has ended.

        Why not stop it here: Ray may take minutes to stop every trial, and waiting for that in the close
        would freeze the window; so Yes cancels the sweep and returns False (the window stays, responsive and
        saying that it is stopping), and the window is closed again when the sweep has finished.
        """
        if not self.process.running:
            return True
        if not self._close_when_stopped:
            if not self.ask(self, "A sweep is running. Stop it and close?"):
                return False
            self._close_when_stopped = True
            self.cancel()
        self.host.show_status("Stopping the sweep: the window closes when every trial has stopped.")
        return False

    def shutdown(self) -> None:
        self._save()
        if self.process.running:
            self.process.cancel()
            self.process.wait_stopped()
