"""What a screen reader is given for a widget: Qt's accessible name (an explicit one, a buddy label's text, or
the nearest group box title) and description, and the order Tab walks through a panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget


def spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return (interface.text(QAccessible.Text.Name) or "") if interface is not None else ""


def spoken_description(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return (interface.text(QAccessible.Text.Description) or "") if interface is not None else ""


def tab_walk(start: QWidget, within: QWidget) -> list[QWidget]:
    """The widgets Tab reaches from ``start`` (inclusive) that sit inside ``within``, in order, once each.

    The whole focus chain is walked, until it comes back round to ``start``: the main window's chain holds hundreds
    of widgets, most of them no Tab stop, and a fixed number of steps left out the later ones that Tab reaches.
    """
    walked: list[QWidget] = []
    passed: set[QWidget] = set()  # the chain is a cycle through ``start``; this only guards against a broken one
    widget = start
    while widget not in passed:
        passed.add(widget)
        owner = widget.parentWidget()  # a spin box's or combo box's own line edit stands for its owner
        control = owner if isinstance(owner, (QAbstractSpinBox, QComboBox)) else widget
        if within.isAncestorOf(control) and control not in walked and control.isEnabled() \
                and control.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus:
            walked.append(control)
        widget = widget.nextInFocusChain()
    return walked
