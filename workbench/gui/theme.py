"""Colours and sizes shared by every view: the dark/light palettes, one colour per class, contrast rules.

Why one module: the score traces, the current-score bars and the detection log must paint a class in
the same colour, and the pyqtgraph plots need their background switched together with the Qt palette.
Sizes that hold text (axis widths, side panels) are derived from the application font, not fixed in
pixels, so a large font or a HiDPI scale never clips or hides a label. Text colours are checked against
WCAG's 4.5:1 contrast (:func:`contrast_ratio`); a class colour used as text is darkened or lightened
(same hue) until it reads on its background (:func:`readable_on`). The outline of a check box or radio button,
which Fusion draws in a shade of the window colour, is drawn 3:1 against it (:class:`IndicatorStyle`), and so is the
keyboard focus frame of a table's or list's current cell (:func:`item_focus_outline`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

# Okabe-Ito colour-blind-safe palette, in an order that puts the two keywords first.
CLASS_COLORS = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#0072B2", "#D55E00", "#999999")
SPECTROGRAM_COLORMAP = "inferno"  # perceptually uniform, readable on dark and light backgrounds
MIN_TEXT_CONTRAST = 4.5  # WCAG 2 AA for normal text
MIN_BOUNDARY_CONTRAST = 3.0  # WCAG 2.1 AA (1.4.11) for what marks a control out: a check box's outline
BOUNDARY_TEXT_SHARE = 0.5  # an indicator's outline is the window colour moved this far towards the text colour
FOCUS_FRAME_PX = 2  # the keyboard focus frame of a table's current cell
ERROR_RED = "#d04040"  # the hue of error messages; error_text_color() makes it readable on a background
BLACK, WHITE = QColor("#000000"), QColor("#ffffff")
# WCAG relative luminance: sRGB channel linearisation and the channel weights
SRGB_KNEE, SRGB_LINEAR_DIVISOR, SRGB_OFFSET, SRGB_SCALE, SRGB_GAMMA = 0.04045, 12.92, 0.055, 1.055, 2.4
LUMINANCE_WEIGHTS = (0.2126, 0.7152, 0.0722)
CONTRAST_FLARE = 0.05  # WCAG's ambient term in (L1 + 0.05) / (L2 + 0.05)
LIGHTNESS_STEP = 0.01  # readable_on moves the HSL lightness in steps of this size
# The time plots are stacked with linked time axes: equal left-axis and side-panel widths make their
# x axes line up on screen. Both are derived from the font so that the labels fit at any font size.
LEFT_AXIS_SAMPLE = "8.8 kHz"  # as wide as the widest tick label of the live plots (spectrogram frequencies)
# pyqtgraph draws a left axis' title rotated at its left edge, one text line plus its document margins,
# and the tick labels right-aligned a tick text offset from the axis line; this is the room between them
AXIS_TITLE_MARGINS_PX = 8
AXIS_TICK_OFFSET_PX = 5
AXIS_GAP_PX = 4
SIDE_PANEL_LINES = 10  # side panels (level meter, colour scale, score bars) are ten text lines wide
POINTS, PIXELS = "pt", "px"
MIN_SCALE_POINTS = 6.0  # the smallest text a scale's numbers are drawn in
DARK_LIGHTNESS_BELOW = 128  # a window colour darker than mid-grey: the dark palette is in use


def class_color(index: int) -> QColor:
    """The colour of class ``index`` in every view."""
    return QColor(CLASS_COLORS[index % len(CLASS_COLORS)])


# -- contrast -----------------------------------------------------------------------------------------
def relative_luminance(color: QColor | str) -> float:
    """WCAG 2 relative luminance of an opaque colour: 0 for black, 1 for white."""
    c = QColor(color)

    def linear(channel: float) -> float:
        if channel <= SRGB_KNEE:
            return channel / SRGB_LINEAR_DIVISOR
        return ((channel + SRGB_OFFSET) / SRGB_SCALE) ** SRGB_GAMMA

    red, green, blue = (linear(v) for v in (c.redF(), c.greenF(), c.blueF()))
    return LUMINANCE_WEIGHTS[0] * red + LUMINANCE_WEIGHTS[1] * green + LUMINANCE_WEIGHTS[2] * blue


def contrast_ratio(first: QColor | str, second: QColor | str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 (none) to 21 (black on white); order does not matter."""
    a, b = relative_luminance(first), relative_luminance(second)
    return (max(a, b) + CONTRAST_FLARE) / (min(a, b) + CONTRAST_FLARE)


def text_on(fill: QColor | str) -> QColor:
    """Black or white, whichever reads better on ``fill`` (labels painted over a coloured bar)."""
    return BLACK if contrast_ratio(BLACK, fill) >= contrast_ratio(WHITE, fill) else WHITE


def readable_on(color: QColor | str, background: QColor | str, minimum: float = MIN_TEXT_CONTRAST) -> QColor:
    """``color`` with its hue and saturation kept but its lightness moved away from ``background`` until
    the contrast reaches ``minimum``: text in a class colour that still matches the plots, yet reads."""
    c = QColor(color)
    if contrast_ratio(c, background) >= minimum:
        return c
    darker = relative_luminance(background) > relative_luminance(c)
    hue, saturation, lightness = c.hslHueF(), c.hslSaturationF(), c.lightnessF()
    steps = math.ceil(1.0 / LIGHTNESS_STEP)
    for _ in range(steps):
        lightness = min(1.0, max(0.0, lightness + (-LIGHTNESS_STEP if darker else LIGHTNESS_STEP)))
        c = QColor.fromHslF(max(hue, 0.0), saturation, lightness)
        if contrast_ratio(c, background) >= minimum:
            return c
    return text_on(background)  # no shade of this hue reads there (a mid grey background): black or white


def class_text_color(index: int, background: QColor | str) -> QColor:
    """Class ``index``'s colour for text on ``background`` (e.g. the label column of the detection log)."""
    return readable_on(class_color(index), background)


def error_text_color(background: QColor | str | None = None) -> QColor:
    """The error red, readable on ``background`` (default: the application palette's window colour).

    Why a function: no one red reads on both the dark and the light window colour; a view that shows
    an error message calls it again when the palette changes (``QEvent.Type.PaletteChange``)."""
    if background is None:
        background = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return readable_on(ERROR_RED, background)


# -- plot colours -------------------------------------------------------------------------------------
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


# -- palettes -----------------------------------------------------------------------------------------
DARK_DISABLED_TEXT = "#989ba1"  # 5.0:1 on the dark window colour; still clearly dimmer than the text
DARK_PLACEHOLDER_TEXT = "#9da0a6"
DARK_HIGHLIGHT = "#2f66d6"  # selection: white text on it reads (the brighter #3574f0 gave 4.2:1)
LIGHT_DISABLED_TEXT = "#6b6b6b"  # Fusion's #bebebe gave 1.7:1 on its window colour
LIGHT_PLACEHOLDER_TEXT = "#6b6b6b"
LIGHT_HIGHLIGHT = "#2a72a8"  # Fusion's #308cc6 gave 3.6:1 under white text


def _dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor("#2b2d30"), QColor("#1e1f22"), QColor("#dfe1e5")
    highlight = QColor(DARK_HIGHLIGHT)
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
        (QPalette.ColorRole.PlaceholderText, QColor(DARK_PLACEHOLDER_TEXT)),
    ):
        palette.setColor(role, color)
    _set_disabled_text(palette, QColor(DARK_DISABLED_TEXT))
    return palette


def _light_palette(standard: QPalette) -> QPalette:
    """Fusion's light palette with its too faint disabled, placeholder and selection colours darkened."""
    palette = QPalette(standard)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(LIGHT_PLACEHOLDER_TEXT))
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor(LIGHT_HIGHLIGHT))
    _set_disabled_text(palette, QColor(LIGHT_DISABLED_TEXT))
    return palette


def _set_disabled_text(palette: QPalette, color: QColor) -> None:
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.PlaceholderText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, color)


def palette_for(app: QApplication, dark: bool) -> QPalette:
    """The application palette for ``dark`` (``app`` gives Fusion's light palette to start from)."""
    return _dark_palette() if dark else _light_palette(app.style().standardPalette())


def text_pairs(palette: QPalette) -> dict[str, tuple[QColor, QColor]]:
    """The (text, background) pairs of ``palette`` that carry text, by name, for contrast checks."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    window = palette.color(group.Active, role.Window)
    return {
        "text on base": (palette.color(group.Active, role.Text), palette.color(group.Active, role.Base)),
        "window text": (palette.color(group.Active, role.WindowText), window),
        "button text": (palette.color(group.Active, role.ButtonText), palette.color(group.Active, role.Button)),
        "selected text": (palette.color(group.Active, role.HighlightedText),
                          palette.color(group.Active, role.Highlight)),
        "placeholder": (palette.color(group.Active, role.PlaceholderText), palette.color(group.Active, role.Base)),
        "disabled text": (palette.color(group.Disabled, role.WindowText), window),
        "disabled button text": (palette.color(group.Disabled, role.ButtonText), window),
        "error text": (error_text_color(window), window),
    }


def is_dark_color(color: QColor) -> bool:
    """A colour darker than mid-grey (a dark palette's window, a background that wants light marks)."""
    return color.lightness() < DARK_LIGHTNESS_BELOW


def palette_is_dark() -> bool:
    """True when the application's palette is the dark one (for views built outside the main window)."""
    return is_dark_color(QGuiApplication.palette().color(QPalette.ColorRole.Window))


def apply_palette(app: QApplication, dark: bool) -> None:
    """Switch the whole application between the dark and the light (Fusion based) palette."""
    app.setStyle(IndicatorStyle("Fusion"))  # the application owns (and later deletes) the style
    app.setPalette(palette_for(app, dark))


# -- check box and radio button outlines ----------------------------------------------------------------
def indicator_outline(palette: QPalette) -> QColor:
    """The outline of a check box's or radio button's indicator on ``palette``: half way from the window colour
    to the text colour, moved further from the window colour if that is still below 3:1 on it."""
    window, text = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.WindowText)
    mixed = QColor.fromRgbF(*(w + BOUNDARY_TEXT_SHARE * (t - w)
                              for w, t in zip(window.getRgbF()[:3], text.getRgbF()[:3])))
    return readable_on(mixed, window, MIN_BOUNDARY_CONTRAST)


def boundary_pairs(palette: QPalette) -> dict[str, tuple[QColor, QColor]]:
    """The (outline, background) pairs of ``palette``'s check box indicators, for the 3:1 check: the window
    colour around a check box, the base colour around the check boxes of a table."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    outline = indicator_outline(palette)
    return {"indicator on window": (outline, palette.color(group.Active, role.Window)),
            "indicator on base": (outline, palette.color(group.Active, role.Base))}


def item_focus_outline(palette: QPalette, selected: bool = False) -> QColor:
    """The frame of an item view's current cell while the view has the keyboard focus: on a selected row the selected
    text's colour; elsewhere the selection colour, moved until it is 3:1 on the base and on the alternate rows."""
    role = QPalette.ColorRole
    if selected:
        return palette.color(role.HighlightedText)
    outline = palette.color(role.Highlight)
    for background in (role.Base, role.AlternateBase):
        outline = readable_on(outline, palette.color(background), MIN_BOUNDARY_CONTRAST)
    return outline


def focus_pairs(palette: QPalette) -> dict[str, tuple[QColor, QColor]]:
    """The (focus frame, background) pairs of ``palette``'s item views, for the 3:1 check."""
    role = QPalette.ColorRole
    return {"cell focus on base": (item_focus_outline(palette), palette.color(role.Base)),
            "cell focus on alternate rows": (item_focus_outline(palette), palette.color(role.AlternateBase)),
            "cell focus on a selected row": (item_focus_outline(palette, True), palette.color(role.Highlight))}


class IndicatorStyle(QProxyStyle):
    """Fusion, with check box and radio button indicators outlined in :func:`indicator_outline`, and the focused
    cell of a table or list framed in :func:`item_focus_outline`.

    Why: Fusion outlines an indicator in a darker shade of the window colour and fills it with the base colour.
    On the dark palette that drew #222326 around #1e1f22 on #2b2d30 (1.2:1), on the light one #bcbcbc on #efefef
    (1.7:1): an unchecked box was a faint square or none. The outline is drawn again over Fusion's, on its
    very pixels, except while the indicator has the keyboard focus (Fusion's highlight outline shows that).
    Fusion frames a focused cell in a translucent shade of the selection colour: #32415d on #1e1f22 (1.6:1), where
    the cell was the only mark of the keyboard in a table with no row selected.
    """

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,  # noqa: N802 (Qt API)
                      painter: QPainter, widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect and isinstance(widget, QAbstractItemView):
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            painter.save()
            painter.setPen(QPen(item_focus_outline(option.palette, selected), FOCUS_FRAME_PX))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            inset = FOCUS_FRAME_PX / 2  # the pen's middle: the whole frame inside the cell
            painter.drawRect(QRectF(option.rect).adjusted(inset, inset, -inset, -inset))
            painter.restore()
            return
        super().drawPrimitive(element, option, painter, widget)
        kinds = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton)
        focused = QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_KeyboardFocusChange
        if element not in kinds or (option.state & focused) == focused:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(indicator_outline(option.palette)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = option.rect
        if element == QStyle.PrimitiveElement.PE_IndicatorCheckBox:  # Fusion's square: on the pixel centres
            painter.translate(0.5, 0.5)
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        else:  # Fusion's circle, centred a pixel right of and below the rect's centre
            radius = (rect.width() + (rect.width() + 1) % 2) / 2.0 - 1
            painter.drawEllipse(QPointF(rect.center()) + QPointF(1, 1), radius, radius)
        painter.restore()


# -- font-derived sizes -------------------------------------------------------------------------------
def app_font() -> QFont:
    """The application font (what every view's text is drawn in unless it sets its own)."""
    return QGuiApplication.font()


def scaled_font(font: QFont, factor: float) -> QFont:
    """``font`` scaled by ``factor`` (the small numbers of a scale), never below MIN_SCALE_POINTS."""
    small = QFont(font)
    small.setPointSizeF(max(MIN_SCALE_POINTS, small.pointSizeF() * factor))
    return small


def line_px(font: QFont | None = None) -> int:
    """The height of a line of ``font`` (default: the application font) in pixels."""
    return QFontMetrics(font or app_font()).height()


def left_axis_px(font: QFont | None = None) -> int:
    """Width of a plot's left axis: its rotated title, the widest tick label and the gaps between."""
    metrics = QFontMetrics(font or app_font())
    return (metrics.horizontalAdvance(LEFT_AXIS_SAMPLE) + metrics.height() + AXIS_TITLE_MARGINS_PX
            + AXIS_TICK_OFFSET_PX + AXIS_GAP_PX)


def side_panel_px(font: QFont | None = None) -> int:
    """Width of the panels beside the live plots (level meter, colour scale, current-score bars)."""
    return SIDE_PANEL_LINES * line_px(font)


def css_font_size(font: QFont | None = None) -> str:
    """``font``'s size as CSS (``"16pt"``) for pyqtgraph's HTML labels, which default to 9 pt."""
    f = font or app_font()
    return f"{f.pointSizeF():g}{POINTS}" if f.pointSizeF() > 0 else f"{f.pixelSize()}{PIXELS}"


# -- pyqtgraph plots ----------------------------------------------------------------------------------
def style_plot(plot_item: object, dark: bool) -> None:
    """Axis pens, fonts and the left axis' width of a pyqtgraph ``PlotItem`` for the palette and the
    application font (the background is the widget's). Call it again when either changes."""
    colors = plot_colors(dark)
    font = app_font()
    for name in ("left", "bottom", "right", "top"):
        axis = plot_item.getAxis(name)  # type: ignore[attr-defined]
        axis.setTickFont(font)
        axis.label.setFont(font)  # the title; re-laid out by the pen calls below
        if not axis.style["autoExpandTextSpace"]:  # an axis that reserves a fixed line for its ticks
            axis.setStyle(tickTextHeight=line_px(font))
        axis.setPen(colors.foreground)
        axis.setTextPen(colors.foreground)
    # No grid: pyqtgraph draws grid lines as part of the axis, so a grid over a scrolling plot makes
    # every axis repaint (ticks and text) on every frame -- most of the GUI's CPU. Views that want
    # reference levels draw a few static lines instead.
    plot_item.showGrid(x=False, y=False)  # type: ignore[attr-defined]
    plot_item.getAxis("left").setWidth(left_axis_px(font))  # type: ignore[attr-defined]


def style_legend(legend: object, dark: bool) -> None:
    """A pyqtgraph ``LegendItem``'s text in the palette's foreground and the application font's size.

    Why not ``setLabelTextColor`` alone: pyqtgraph stores the colour for new entries but does not redraw
    the existing ones, so after a palette switch they kept the old colour (light grey on white)."""
    legend.setLabelTextColor(plot_colors(dark).foreground)  # type: ignore[attr-defined]
    legend.setLabelTextSize(css_font_size())  # type: ignore[attr-defined]
    for _sample, label in legend.items:  # type: ignore[attr-defined]
        label.setText(label.text)
    legend.updateSize()  # type: ignore[attr-defined]


def style_chart(widget: object, dark: bool, fixed_left_axis: bool = True) -> None:
    """A static chart's (training curves, sweeps, DET curve, profile, clip preview) background, axes, title and
    legend in the palette's colours and the application font; call it again from the view's ``set_dark``.

    Why more than :func:`style_plot`: a chart also has a title and a legend, which pyqtgraph draws in its own
    9 pt font and grey. ``fixed_left_axis=False`` lets the value axis grow with its tick labels (the live
    plots' fixed width lines their stacked axes up, which a lone chart with long numbers does not need).
    """
    colors = plot_colors(dark)
    plot = widget.getPlotItem()  # type: ignore[attr-defined]
    widget.setBackground(colors.background)  # type: ignore[attr-defined]
    style_plot(plot, dark)
    if not fixed_left_axis:
        plot.getAxis("left").setWidth(None)
    title = plot.titleLabel
    if title.isVisible() and title.text:
        title.setText(title.text, color=colors.foreground, size=css_font_size())
    if plot.legend is not None:
        style_legend(plot.legend, dark)


# -- accessibility ------------------------------------------------------------------------------------
def describe_view(widget: QWidget, name: str, description: str) -> None:
    """An accessible name and description for a painted view (a plot, a chart), and no keyboard focus.

    Why no focus: the plots do nothing with the keyboard, so a Tab stop on them only makes the user press
    Tab more often; a screen reader still finds them by their name."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    viewport = getattr(widget, "viewport", None)  # a graphics view paints into a widget of its own, a Tab stop too
    if callable(viewport):
        viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
