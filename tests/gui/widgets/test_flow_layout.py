"""A flow layout keeps every button at its size hint: side by side where they fit, on further rows where not, and
never narrower than its widest button (so a narrow column wraps its buttons instead of cutting their labels)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from workbench.gui.widgets.flow_layout import FlowLayout

TEXTS = ("Download Speech Commands…", "Synthesize…", "Remove")


def _panel(qtbot) -> tuple[QWidget, list[QPushButton], FlowLayout]:  # type: ignore[no-untyped-def]
    panel = QWidget()
    qtbot.addWidget(panel)
    flow = FlowLayout()
    buttons = [QPushButton(text) for text in TEXTS]
    for button in buttons:
        flow.addWidget(button)
    column = QVBoxLayout(panel)
    column.addLayout(flow)
    column.addStretch(1)
    return panel, buttons, flow


def _rows(buttons: list[QPushButton]) -> int:
    return len({button.y() for button in buttons if button.isVisible()})


def test_buttons_share_a_row_where_they_fit_and_wrap_where_not(qtbot) -> None:
    panel, buttons, flow = _panel(qtbot)
    one_row = flow.sizeHint().width()
    panel.resize(one_row + 40, 300)
    panel.show()
    qtbot.waitExposed(panel)
    assert _rows(buttons) == 1
    widest = max(button.sizeHint().width() for button in buttons)
    panel.resize(widest + 40, 300)
    qtbot.waitUntil(lambda: _rows(buttons) > 1, timeout=2000)
    assert all(button.width() >= button.sizeHint().width() for button in buttons)  # none squeezed
    assert all(button.geometry().right() < panel.width() for button in buttons)  # none outside the panel
    assert flow.heightForWidth(widest) > flow.heightForWidth(one_row)  # more rows: taller


def test_the_least_width_is_the_widest_button_and_hidden_ones_take_no_room(qtbot) -> None:
    panel, buttons, flow = _panel(qtbot)
    margins = flow.contentsMargins()
    widest = max(button.sizeHint().width() for button in buttons)
    assert flow.minimumSize().width() == widest + margins.left() + margins.right()
    panel.show()
    qtbot.waitExposed(panel)
    hint = flow.sizeHint().width()
    buttons[0].hide()
    assert flow.sizeHint().width() < hint - buttons[0].sizeHint().width() + 1
    assert flow.minimumSize().width() < widest + margins.left() + margins.right()
