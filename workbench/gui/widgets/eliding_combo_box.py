"""A drop-down box whose shown item ends in "…" where the box is narrower than the item's text.

Why: a box in a dock column is as wide as the column, and at a 16 pt font an item such as "Model's own (as the
board uses them)" is wider than a 1280x720 window's dock: QComboBox then cuts it mid-word ("as the boa"), which
reads as a different, broken text. Elided, it says that more follows, and the open list shows every item whole.
The placeholder (shown with no item chosen) is drawn as QComboBox draws it, in the placeholder colour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent, QPalette
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter


class ElidingComboBox(QComboBox):
    """A QComboBox that elides its shown text at the right (see the module docstring)."""

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        if self.currentIndex() < 0 and self.placeholderText():  # as QComboBox::paintEvent shows it
            option.palette.setBrush(QPalette.ColorRole.ButtonText, option.palette.placeholderText())
            option.currentText = self.placeholderText()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        option.currentText = self.fontMetrics().elidedText(option.currentText, Qt.TextElideMode.ElideRight,
                                                           field.width())
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
