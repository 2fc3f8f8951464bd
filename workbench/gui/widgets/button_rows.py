"""Buttons side by side that go on further rows where their panel is narrow, inside a panel a scroll area holds.

Why not a :class:`~workbench.gui.widgets.flow_layout.FlowLayout` in the panel's own layout: its height for width
reaches the scroll area, and a QScrollArea then makes the panel as tall as it *prefers* at that width -- the
Tuning panel, whose controls scroll so that its buttons stay in view in a short dock, scrolled as a whole again,
its buttons below the dock's edge. :class:`ButtonRows` keeps the height for width to itself: its minimum height is
what its rows take at its width (:class:`~workbench.gui.widgets.wrapped_height.WrappedHeight`), which is all a
scroll area or a dock needs to know.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QWidget

from workbench.gui.widgets.flow_layout import FlowLayout
from workbench.gui.widgets.wrapped_height import WrappedHeight


class ButtonRows(QWidget):
    """``buttons`` in a flow layout, as tall as the rows they take at the width this widget is given."""

    def __init__(self, buttons: Iterable[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        flow = FlowLayout(self)
        flow.setContentsMargins(0, 0, 0, 0)
        for button in buttons:
            flow.addWidget(button)
        WrappedHeight(self)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        """No: its minimum height says how tall it is at its width (see the module's docstring)."""
        return False
