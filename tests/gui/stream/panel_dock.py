"""A Tuning panel held in a scroll area as its dock holds it, shown: shared by the tests of what the dock shows."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def in_dock(qtbot, panel: QWidget) -> QScrollArea:  # type: ignore[no-untyped-def]
    """``panel`` in a resizable, frameless scroll area (the dock's), shown and exposed."""
    dock = QScrollArea()
    dock.setWidgetResizable(True)
    dock.setFrameShape(QFrame.Shape.NoFrame)
    dock.setWidget(panel)
    qtbot.addWidget(dock)
    dock.show()
    qtbot.waitExposed(dock)
    return dock
