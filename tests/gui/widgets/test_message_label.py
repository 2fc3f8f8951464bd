"""An error shown before the palette is switched is still readable after it (4.5:1 at least)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from workbench.gui import theme
from workbench.gui.widgets.message_label import MessageLabel


def _text_and_background(label: MessageLabel) -> tuple[QColor, QColor]:
    label.ensurePolished()
    palette = label.palette()
    return palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)


def test_an_error_recolours_itself_when_the_palette_changes(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    original = app.palette()
    label = MessageLabel()
    qtbot.addWidget(label)
    label.show()
    try:
        theme.apply_palette(app, dark=True)
        dark_window = app.palette().color(QPalette.ColorRole.Window)
        qtbot.waitUntil(lambda: label.palette().color(QPalette.ColorRole.Window) == dark_window)
        label.show_error("the dataset folder does not exist")
        text, background = _text_and_background(label)
        assert theme.contrast_ratio(text, background) >= theme.MIN_TEXT_CONTRAST
        dark_red = text.name()
        theme.apply_palette(app, dark=False)
        qtbot.waitUntil(lambda: _text_and_background(label)[0].name() != dark_red)
        text, background = _text_and_background(label)
        assert theme.contrast_ratio(text, background) >= theme.MIN_TEXT_CONTRAST and text.red() > text.blue()
        label.show_text("building…")  # plain text again: the palette's own colour
        text, _ = _text_and_background(label)
        assert text == app.palette().color(QPalette.ColorRole.WindowText)
    finally:
        app.setPalette(original)
