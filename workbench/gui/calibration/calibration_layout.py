"""The Calibration workspace's layout: the inputs column beside the DET curve over the Pareto table.

Why a module of its own: the workspace's logic (running, showing, using a set) keeps
``calibration_workspace.py`` readable; this is only where its widgets go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

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
    for button in (workspace.use_button, workspace.save_model_button, workspace.mistakes.button,
                   workspace.save_report_button):
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
