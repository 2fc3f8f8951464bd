"""Button rows wrap where their panel is narrow and say so by their minimum height, not by a height for width: in a
scroll area that holds the panel, the panel stays as tall as the area (its own scroll area scrolls), not as tall as
it would like."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QPushButton, QScrollArea, QTextEdit, QVBoxLayout, QWidget

from workbench.gui.widgets.button_rows import ButtonRows

TEXTS = ("Reset to model values", "Save into model…")
SHORT_PX = 200


def test_narrow_rows_wrap_and_the_panel_keeps_its_area_s_height(qtbot) -> None:
    buttons = [QPushButton(text) for text in TEXTS]
    rows = ButtonRows(buttons)
    panel = QWidget()
    column = QVBoxLayout(panel)
    column.addWidget(QTextEdit("controls that scroll on their own"))  # the panel's part that gives way
    column.addWidget(rows)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(panel)
    qtbot.addWidget(area)
    narrow = max(button.sizeHint().width() for button in buttons) + 2 * column.contentsMargins().left()
    area.resize(narrow, SHORT_PX)
    area.show()
    qtbot.waitExposed(area)
    qtbot.waitUntil(lambda: len({button.y() for button in buttons}) == len(buttons), timeout=2000)  # a row each
    assert rows.height() >= sum(button.height() for button in buttons)
    # as a flow layout in the panel's own layout: the panel as tall as it would like, the area scrolling 66 px
    assert area.verticalScrollBar().maximum() == 0 and panel.height() == area.viewport().height()
    area.resize(10 * narrow, SHORT_PX)
    qtbot.waitUntil(lambda: len({button.y() for button in buttons}) == 1, timeout=2000)  # side by side again
    assert rows.minimumHeight() == max(button.sizeHint().height() for button in buttons)
