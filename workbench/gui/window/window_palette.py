"""Switching the whole window between the dark and the light palette at run time.

Why duck-typed: the Qt palette reaches every widget by itself, but the pyqtgraph plots paint with their
own colours, and so do a few painted widgets (the workspace bar's style sheet, the score bars). Any
workspace, panel or bar that needs to hear of the switch has ``set_dark(dark: bool)``; the window finds
them as :func:`workbench.gui.window.window_closing.closables` finds ``confirm_close``, so a workspace
takes part without the window knowing what it holds.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QApplication

from workbench.gui import theme


def dark_aware(widgets: Iterable[object]) -> list[object]:
    """The widgets (or views) that have a ``set_dark(dark)`` method, each once, in order."""
    found: list[object] = []
    for widget in widgets:
        if callable(getattr(widget, "set_dark", None)) and not any(widget is w for w in found):
            found.append(widget)
    return found


def switch_palette(dark: bool, widgets: Iterable[object]) -> list[object]:
    """Set the application palette, then tell each of ``widgets`` that has ``set_dark``; returns those told."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        theme.apply_palette(app, dark)
    told = dark_aware(widgets)
    for widget in told:
        widget.set_dark(dark)  # type: ignore[attr-defined]
    return told
