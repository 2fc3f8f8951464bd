"""The Calibration workspace's layout: the inputs column beside the DET curve over the Pareto table, and its buttons.

Why a module of its own: the workspace's logic (running, showing, using a set) keeps
``calibration_workspace.py`` readable; this is only where its buttons are made and its widgets go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from workbench.gui.widgets.flow_layout import FlowLayout
from workbench.gui.widgets.small_screen import ScrollColumn
from workbench.gui.widgets.wrapped_height import WrappedHeight

if TYPE_CHECKING:
    from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace

CURVE_SHARE, TABLE_SHARE = 5, 4  # of the results column's height
SPLIT_UNIT_PX = 100
# the inputs column's width in average characters of the font (440 px at 9 pt): a width in pixels left the fields
# a few characters at 16 pt, and a column narrower than its own size hint, with a gap beside it, in the splitter
INPUTS_MAX_CHARS = 73


def make_calibration_buttons(workspace: "CalibrationWorkspace") -> None:
    """The workspace's buttons, with what each does in its tooltip (its constructor connects them); those that act
    on a shown calibration start disabled."""
    workspace.run_button = QPushButton("&Run calibration")
    workspace.run_button.setToolTip("Replay the stream and the background recordings through the model once, then "
                                    "try every detection-parameter set: false accepts per hour against misses "
                                    "(kws calibrate)")
    workspace.cancel_button = QPushButton("&Cancel")
    workspace.cancel_button.setToolTip("Stop the running calibration; the results shown before it started stay")
    workspace.cancel_button.setEnabled(False)
    workspace.use_button = QPushButton("&Use selected set")
    workspace.use_button.setToolTip("Load the set selected in the table into the tuning sliders (double-click a "
                                    "row or click a point of the curve's front does the same)")
    workspace.save_model_button = QPushButton("Save selected set into &model…")
    workspace.save_model_button.setToolTip("Write the set selected in the table into a copy of the calibrated model "
                                           "(or into that model): the set as the table shows it, not the sliders' "
                                           "values, which the Tuning panel's Save into model… writes")
    workspace.save_preset_button = QPushButton("Save selected set as pr&eset…")
    workspace.save_preset_button.setToolTip("Write the set selected in the table into a copy of the calibrated model "
                                            "(or into that model) as a named preset, such as quiet_room, beside the "
                                            "model's own parameters, which stay as they are: the Tuning panel's "
                                            "Values choice and kws detect --preset offer it")
    workspace.save_report_button = QPushButton("Save re&port…")
    workspace.save_report_button.setToolTip("Copy calibration.json, the DET plot, the sweep CSV and the scores "
                                            "into a folder")
    for button in (workspace.use_button, workspace.save_model_button, workspace.save_preset_button,
                   workspace.save_report_button):
        button.setEnabled(False)
    workspace.open_report_button = QPushButton("&Open report…")
    workspace.open_report_button.setToolTip("Show a calibration saved earlier (Save report…, or kws calibrate --out)")


def lay_out_calibration(workspace: "CalibrationWorkspace") -> None:
    """Place the workspace's widgets (built by its constructor) into its layout."""
    inputs_box = QGroupBox("Calibrate")
    column = QVBoxLayout(inputs_box)
    column.addWidget(workspace.inputs)
    buttons = FlowLayout()  # where the column is narrow the buttons take two rows
    buttons.addWidget(workspace.run_button)
    buttons.addWidget(workspace.cancel_button)
    buttons.addWidget(workspace.open_report_button)
    column.addLayout(buttons)
    column.addWidget(workspace.progress)
    column.addWidget(workspace.status)
    column.addWidget(workspace.mistakes.open_button, 0, Qt.AlignmentFlag.AlignLeft)  # under its sentence
    column.addWidget(workspace.summary)
    column.addStretch(1)
    results = QWidget()
    right = QVBoxLayout(results)
    right.setContentsMargins(0, 0, 0, 0)
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.addWidget(workspace.curve)
    table_box = QWidget()
    table_column = QVBoxLayout(table_box)
    table_column.setContentsMargins(0, 0, 0, 0)
    caption = QLabel("Pareto-best parameter sets (fewest misses for their false accepts)")
    caption.setWordWrap(True)  # one line wider than the results column at a large font
    table_column.addWidget(caption)
    table_column.addWidget(workspace.table)
    row = FlowLayout()
    for button in (workspace.use_button, workspace.save_model_button, workspace.save_preset_button,
                   workspace.mistakes.button, workspace.save_report_button):
        row.addWidget(button)
    table_column.addLayout(row)
    WrappedHeight(table_box)  # the splitter leaves the table its rows (ParetoTableView) and the buttons theirs
    splitter.addWidget(table_box)
    splitter.setStretchFactor(0, CURVE_SHARE)
    splitter.setStretchFactor(1, TABLE_SHARE)
    splitter.setSizes([CURVE_SHARE * SPLIT_UNIT_PX, TABLE_SHARE * SPLIT_UNIT_PX])  # scaled to the space
    right.addWidget(splitter)
    main = QSplitter(Qt.Orientation.Horizontal)
    inputs_box.setMaximumWidth(INPUTS_MAX_CHARS * inputs_box.fontMetrics().averageCharWidth())
    main.addWidget(ScrollColumn(inputs_box))  # on a short screen the inputs scroll, the window fits
    main.addWidget(results)
    main.setStretchFactor(0, 0)
    main.setStretchFactor(1, 1)
    layout = QHBoxLayout(workspace)
    layout.addWidget(main)
