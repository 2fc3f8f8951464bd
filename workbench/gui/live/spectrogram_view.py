"""The live int8 spectrogram: what the model sees, scrolling in stream time.

A view over ``LiveSession.spectrogram`` (the frontend's int8 rows, one per ``window_step_ms``). It keeps
one preallocated minute of rows (int8 + 128, so 0..255 index the colour map) for scrolling back, and a
:class:`~workbench.gui.live.scrolling_items.ScrollingImage` holding the visible ten seconds as 32-bit
pixels: a frame colour-maps only the rows that are new and shifts the rest, so drawing costs one
unscaled-format blit, never an autoscale or a per-frame colour conversion of the whole picture.

While *frozen* the view stops pulling rows, the image shows the whole minute and the time axis can be
dragged and zoomed over it; un-freezing catches up from the session's history.
"""

from __future__ import annotations


import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QHBoxLayout, QWidget

from workbench.core.frontend_settings import band_centre_frequencies
from workbench.gui import theme
from workbench.gui.live.font_restyled_view import FontRestyledView
from workbench.gui.live.plot_style import fixed_plot, leave_room_for_end_labels
from workbench.gui.live.scrolling_items import ScrollingImage, TimePlacement, make_room

INT8_OFFSET = 128  # int8 → uint8 display value
SIGN_BIT = 0x80  # flipping it on the int8 bit pattern adds INT8_OFFSET
VISIBLE_SECONDS = 10.0  # time span shown while following the stream
HZ_TICK_EVERY = 8  # one labelled band every 8 channels
MS_PER_S = 1000.0
INT8_MIN, INT8_MAX = -128, 127
SCALE_LABELS = (127, 64, 0, -64, -128)
SCALE_MARGIN_PX = 8
SCALE_BAR_PX = 16
SCALE_TEXT_GAP_PX = 4
SCALE_CAPTION = "model input (int8)"


def _hz_label(hz: float) -> str:
    return f"{hz / 1000:.1f} kHz" if hz >= 1000 else f"{hz:.0f} Hz"


class ColorScale(QWidget):
    """The colour map as a vertical bar labelled with int8 values (what a colour means)."""

    def __init__(self, lut: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(theme.side_panel_px(self.font()))
        self.setAccessibleName("Colour scale")
        self.setToolTip("Colour = int8 model input value (-128 quiet ... 127 loud), as the model sees it")
        self._colors = [QColor(int(r), int(g), int(b)) for r, g, b in lut[:, :3]]

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.window())
        margin = SCALE_MARGIN_PX
        top, height = margin, self.height() - 2 * margin
        bar = QRectF(margin, top, SCALE_BAR_PX, height)
        levels = len(self._colors)
        for i, color in enumerate(self._colors):
            y0 = top + height * (levels - 1 - i) / levels
            p.fillRect(QRectF(bar.left(), y0, bar.width(), height / levels + 1), color)
        p.setPen(pal.windowText().color())
        line = QFontMetrics(self.font()).height()
        gap = SCALE_TEXT_GAP_PX
        for value in SCALE_LABELS:
            y = top + height * (INT8_MAX - value) / (INT8_MAX - INT8_MIN)
            p.drawText(QRectF(bar.right() + gap, y - line / 2, self.width() - bar.right() - gap, line),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(value))
        p.translate(self.width() - margin, top + height / 2)
        p.rotate(-90)
        p.drawText(QRectF(-height / 2, -line, height, line), Qt.AlignmentFlag.AlignCenter, SCALE_CAPTION)
        p.end()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.FontChange:
            self.setFixedWidth(theme.side_panel_px(self.font()))
        super().changeEvent(event)


class SpectrogramView(FontRestyledView):
    """Scrolling image of the int8 frontend output; x = stream time (s), y = channel (Hz labels)."""

    def __init__(self, parent: QWidget | None = None, dark: bool = True) -> None:
        super().__init__(parent)
        self.plot_widget, self.plot = fixed_plot()
        self.plot.setLabel("bottom", "stream time (s)")
        self.plot.setLabel("left", "mel band")
        self.plot.setMouseEnabled(x=False, y=False)
        theme.describe_view(self.plot_widget, "Spectrogram",
                            "The model's int8 input over the last ten seconds: time to the right, frequency up, "
                            "louder is brighter.")
        lut = pg.colormap.get(theme.SPECTROGRAM_COLORMAP).getLookupTable(nPts=256, alpha=False)
        self.image = ScrollingImage(lut)
        self.plot.addItem(self.image)
        self._placement = TimePlacement(self.plot, self.image, VISIBLE_SECONDS)
        self.color_scale = ColorScale(lut)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.color_scale)
        self.follow = True  # keep the newest VISIBLE_SECONDS in view
        self.frozen = False
        self._session: object | None = None
        self._cursor = 0
        self._rows = np.zeros((1, 1), np.uint8)
        self._step_s = 0.02
        self._window_s = 0.03
        self._channels = 1
        self._total = 0
        self._dark = dark
        self.set_dark(dark)

    # -- binding ------------------------------------------------------------------------------
    def bind(self, session: object | None) -> None:
        """Show ``session``'s spectrogram from its start (``None``: keep the last picture)."""
        self._session = session
        self._cursor = 0
        if session is None:
            return
        fe = session.engine.frontend_settings  # type: ignore[attr-defined]
        history = session.spectrogram  # type: ignore[attr-defined]
        self._step_s = fe.window_step_ms / MS_PER_S
        self._window_s = fe.window_size_ms / MS_PER_S
        self._channels = fe.filterbank_n_channels
        self._rows = np.zeros((history.capacity, self._channels), np.uint8)
        self.image.resize(self._visible_columns(), self._channels)
        self._set_frequency_ticks(fe.filterbank_lower_band_limit, fe.filterbank_upper_band_limit)
        self.plot.setYRange(0, self._channels, padding=0)
        self._total = 0
        self._redraw()

    def _set_frequency_ticks(self, lower_hz: float, upper_hz: float) -> None:
        centres = band_centre_frequencies(lower_hz, upper_hz, self._channels)
        major = [(i + 0.5, _hz_label(centres[i])) for i in range(0, self._channels, HZ_TICK_EVERY)]
        self.plot.getAxis("left").setTicks([major, []])
        self.plot.setLabel("left", "frequency")

    # -- frames -------------------------------------------------------------------------------
    def refresh(self) -> int:
        """Pull the rows that are new since the last frame; returns how many arrived."""
        if self._session is None or self.frozen:
            return 0
        rows, total = self._session.spectrogram.since(self._cursor)  # type: ignore[attr-defined]
        self._cursor = total
        n = rows.shape[0]
        if n == 0:
            return 0
        buf = self._rows
        n = min(n, buf.shape[0])
        make_room(buf, n)[:] = rows[-n:].view(np.uint8) ^ SIGN_BIT  # int8 + 128 without a wider copy
        self._total = total
        self.image.push(buf[-n:])
        self._place()
        return n

    @property
    def end_time_s(self) -> float:
        """Stream time at the end of the newest row's window."""
        if self._total == 0:
            return 0.0
        return (self._total - 1) * self._step_s + self._window_s

    def _visible_columns(self) -> int:
        return min(self._rows.shape[0], int(round(VISIBLE_SECONDS / self._step_s)))

    def _redraw(self) -> None:
        """Rebuild the picture: the visible window while following, the whole minute when frozen."""
        following = self.follow and not self.frozen
        columns = self._visible_columns() if following else self._rows.shape[0]
        if self.image.columns != columns:
            self.image.resize(columns, self._channels)
        self.image.set_columns(self._rows)
        self._place()

    def _place(self) -> None:
        """Right-align the image with the newest row."""
        self._placement.place(self.end_time_s, self._step_s, self.follow and not self.frozen)

    def visible_image(self) -> np.ndarray:
        """The int8 rows currently held (oldest first), as the model saw them."""
        return (self._rows.astype(np.int16) - INT8_OFFSET).astype(np.int8)

    # -- user controls ------------------------------------------------------------------------
    def set_frozen(self, frozen: bool) -> None:
        """Freeze the picture; while frozen the time axis can be dragged/zoomed over the last minute."""
        self.frozen = frozen
        self.plot.setMouseEnabled(x=frozen, y=False)
        if not frozen:
            # before the range returns to the following window: set while the frozen limits still hold, it
            # would be clamped to them (frozen at 3 s, [0, 10] became [-7, 3] and stayed there)
            self.plot.setLimits(xMin=None, xMax=None)
        self._redraw()  # the whole minute while frozen, the visible window while following
        if frozen:  # dragged over the minute held, no further
            self.plot.setLimits(xMin=self.end_time_s - self._rows.shape[0] * self._step_s, xMax=self.end_time_s)

    def set_dark(self, dark: bool) -> None:
        """Colours for the palette; fonts and axis width for the application font (again on a font change)."""
        self._dark = dark
        self.plot_widget.setBackground(theme.plot_colors(dark).background)
        theme.style_plot(self.plot, dark)
        self.plot.showGrid(x=False, y=False)
        leave_room_for_end_labels(self.plot)  # the lowest band's label sits near the bottom edge
