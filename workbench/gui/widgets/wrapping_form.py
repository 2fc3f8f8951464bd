"""A form whose rows put their field under their label where the column is too narrow for both side by side.

Why: a dock column is as wide as the plots leave it, while a label's text grows with the application font. At 16 pt
in a 1280x720 window the Tuning panel's rows (a label, a slider, a value box) were as wide as 478 px in a dock of 307:
the dock scrolled sideways and "Save into model…" sat off screen. A QFormLayout that wraps long rows keeps label and
field side by side where they fit and moves the field onto a line of its own where not, so the form is never wider
than its widest label or field; the field then takes the whole width, and its slider a usable part of it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QWidget


def wrapping_form(parent: QWidget | None = None) -> QFormLayout:
    """A form that wraps a row whose label and field do not fit side by side, its fields growing to its width."""
    form = QFormLayout(parent)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return form


def one_line(*widgets: QWidget, stretch: QWidget | None = None) -> QWidget:
    """``widgets`` side by side as one part of a form row (its label or its field), ``stretch`` taking the room
    left. Why a widget, not a layout: a row that is rebuilt (another model's classes) is deleted whole with it."""
    line = QWidget()
    layout = QHBoxLayout(line)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 1 if widget is stretch else 0)
    return line
