"""On a laptop screen the Training workspace's buttons are in view without scrolling: the inputs above them scroll.

The audit: in the first window on a 1366x768 screen (1350x720) Train, Preview augmentation…, Cancel, Resume and
Use this model were some 120 px below the edge of the scrolling input column, and more so at a large font; a
user saw the form but no way to start the run.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from workbench.gui.widgets.small_screen import first_window_size
from workbench.gui.window.main_window import DEFAULT_SIZE

LAPTOP_SCREEN = QRect(0, 0, 1366, 768)  # the commonest laptop screen
SMALL_SCREEN = QRect(0, 0, 1280, 720)


def shown_share(widget: QWidget) -> float:
    """How much of ``widget`` the window shows: the share of it inside the window and every scroll area around it."""
    window = widget.window()
    area = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    shown = window.rect()
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            viewport = parent.viewport()
            shown = shown.intersected(QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size()))
        parent = parent.parentWidget()
    inside = area.intersected(shown)
    return inside.width() * inside.height() / (area.width() * area.height())


def _buttons(window) -> list[QWidget]:  # type: ignore[no-untyped-def]
    training = window.training.training
    return [training.train_button, training.preview_button, training.cancel_button, training.resume_button,
            training.use_button]


def _show_training_at(window, qtbot, screen: QRect) -> None:  # type: ignore[no-untyped-def]
    """The Training workspace in the window's first size on ``screen``."""
    size = first_window_size(DEFAULT_SIZE, screen)
    window.resize(size)
    window.show_workspace("training")
    qtbot.waitUntil(lambda: window.size() == size, timeout=2000)
    qtbot.wait(50)  # let the layouts settle


def test_the_buttons_are_in_view_in_the_first_window_of_a_laptop(window, qtbot) -> None:
    _show_training_at(window, qtbot, LAPTOP_SCREEN)
    assert {b.text(): shown_share(b) for b in _buttons(window)} == {b.text(): 1.0 for b in _buttons(window)}


def test_the_buttons_are_in_view_at_a_large_font_on_a_small_screen(large_font, window, qtbot) -> None:
    _show_training_at(window, qtbot, SMALL_SCREEN)
    assert {b.text(): shown_share(b) for b in _buttons(window)} == {b.text(): 1.0 for b in _buttons(window)}
