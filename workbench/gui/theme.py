"""Colours shared by every view: the dark/light palettes and one colour per class.

Why one module: the score traces, the current-score bars and the detection log must paint a class in
the same colour, and the pyqtgraph plots need their background switched together with the Qt palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# Okabe-Ito colour-blind-safe palette, in an order that puts the two keywords first.
CLASS_COLORS = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#0072B2", "#D55E00", "#999999")
SPECTROGRAM_COLORMAP = "inferno"  # perceptually uniform, readable on dark and light backgrounds
# The time plots are stacked with linked time axes: equal left-axis and side-panel widths make their
# x axes line up on screen.
LEFT_AXIS_PX = 64
SIDE_PANEL_PX = 150


def class_color(index: int) -> QColor:
    """The colour of class ``index`` in every view."""
    return QColor(CLASS_COLORS[index % len(CLASS_COLORS)])


@dataclass(frozen=True)
class PlotColors:
    background: str
    foreground: str
    threshold: str
    grid: str  # static reference lines (score levels)


DARK = PlotColors(background="#1e1f22", foreground="#d0d0d0", threshold="#ff5555", grid="#3a3d42")
LIGHT = PlotColors(background="#ffffff", foreground="#303030", threshold="#d00000", grid="#e4e4e4")


def plot_colors(dark: bool) -> PlotColors:
    return DARK if dark else LIGHT


def _dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor("#2b2d30"), QColor("#1e1f22"), QColor("#dfe1e5")
    highlight = QColor("#3574f0")
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.ToolTipBase, base),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.BrightText, QColor("#ff6b68")),
        (QPalette.ColorRole.Highlight, highlight),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.Link, QColor("#589df6")),
        (QPalette.ColorRole.PlaceholderText, QColor("#8c8f94")),
    ):
        palette.setColor(role, color)
    disabled = QColor("#6f737a")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_palette(app: QApplication, dark: bool) -> None:
    """Switch the whole application between the dark and the light (Fusion default) palette."""
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())


def style_plot(plot_item: object, dark: bool) -> None:
    """Axis pens and grid of a pyqtgraph ``PlotItem`` for the palette (background is the widget's)."""
    colors = plot_colors(dark)
    for name in ("left", "bottom", "right", "top"):
        axis = plot_item.getAxis(name)  # type: ignore[attr-defined]
        axis.setPen(colors.foreground)
        axis.setTextPen(colors.foreground)
    # No grid: pyqtgraph draws grid lines as part of the axis, so a grid over a scrolling plot makes
    # every axis repaint (ticks and text) on every frame -- most of the GUI's CPU. Views that want
    # reference levels draw a few static lines instead.
    plot_item.showGrid(x=False, y=False)  # type: ignore[attr-defined]
    plot_item.getAxis("left").setWidth(LEFT_AXIS_PX)  # type: ignore[attr-defined]
