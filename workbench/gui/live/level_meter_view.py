"""The raw waveform envelope and a level meter with clipping indication.

A view over ``LiveSession.envelope`` (one [min, max] int16 pair per 10 ms block). The waveform is drawn
as one vertical segment per block by an :class:`~workbench.gui.live.scrolling_items.EnvelopeLines` holding
the visible ten seconds; a frame shifts in the new blocks (a minute is kept for scrolling back). The
meter shows the peak of the newest audio in dBFS with a slowly falling peak hold, and a CLIP lamp that
stays lit for a moment after any block touched full scale, or the source's gain pushed a sample beyond it (the
session's ``gain_overflows``: the microphone's ``volume_gain`` wraps such a sample around to the other sign, as the
board does, so it reaches no full scale to see) — the clue that ``volume_gain`` is too high or the microphone is
too close. The lamp says it in words and weight too, not only in red ("no clip" in a thin outline, "CLIP" bold on
red), and a screen reader hears the level and the clipping from the meter's accessible description, which changes
only when what it says changes (not on every frame).

A frame with no new audio (a paused or stopped stream, an ended file, no stream) lets the level and its hold fall as
the hold falls, down to the floor: a meter that kept the last block heard read -12 dBFS (and a screen reader said
so) for as long as a file paused mid-word stayed paused.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from workbench.gui import theme
from workbench.gui.live.font_restyled_view import FontRestyledView
from workbench.gui.live.pixmap_layer import layer_pixmap
from workbench.gui.live.plot_style import fixed_plot, leave_room_for_end_labels
from workbench.gui.live.scrolling_items import EnvelopeLines, TimePlacement, make_room
from workbench.gui.live.spectrogram_view import VISIBLE_SECONDS

FULL_SCALE = 32768.0
CLIP_LEVEL = 32767  # a block whose min or max reaches int16 full scale counts as clipped
BLOCK_MS = 10.0  # LiveSession's envelope block
MS_PER_S = 1000.0
METER_FLOOR_DB = -60.0
METER_YELLOW_DB = -12.0
METER_RED_DB = -3.0
PEAK_FALL_DB_PER_S = 20.0
CLIP_HOLD_S = 1.5
LAMP_PADDING_PX = 4  # the CLIP lamp is a line of its bold text and this much more
LAMP_LIT_TEXT, LAMP_UNLIT_TEXT = "CLIP", "no clip"
SPOKEN_STEP_DB = 6  # the accessible description says the peak hold to this step, so it changes a few times a second
SCALE_FONT_FACTOR = 0.75  # the dB numbers are smaller than the application font
METER_SCALE_DB = (0, -12, -24, -36, -48, -60)
METER_HEIGHT_HINT_PX = 120
METER_BAR_FRACTION = 0.55  # bar width; the dB scale is drawn to its right
WAVE_COLOR = "#7fb8e6"
CLIP_RED = "#e53935"  # the top of the bar and the lit CLIP lamp


def to_dbfs(peak: float) -> float:
    """Peak sample magnitude → dBFS, floored at the meter's bottom."""
    if peak <= 0:
        return METER_FLOOR_DB
    return max(METER_FLOOR_DB, 20.0 * math.log10(peak / FULL_SCALE))


class LevelMeter(QWidget):
    """A vertical peak meter (dBFS) with peak hold and a clip lamp.

    The meter is pre-rendered twice (again on resize or palette change): unlit (scale, labels, empty
    bar, dark lamp) and fully lit; a frame copies the unlit one and the lit part of the bar over it,
    and only repaints when the bar, the hold line or the lamp moved by a pixel.
    """

    def __init__(self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.clock = clock  # seconds, for the falls and the lamp's hold (tests step it instead of waiting)
        self.level_db = METER_FLOOR_DB
        self.hold_db = METER_FLOOR_DB
        self.clip_until = 0.0
        self.clip_count = 0
        self._last = clock()
        self._shown: tuple[int, int, bool] | None = None  # (level y, hold y, lamp) last painted
        self._background: QPixmap | None = None  # unlit meter (scale, empty bar, dark lamp)
        self._lit = QPixmap()  # the same, fully lit
        self._hold_color = QColor()
        self._geometry: tuple[QSize, QRectF, QRectF] | None = None  # (size, lamp, bar): computed once per size
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Input level")
        self._spoken: tuple[int, bool] | None = None  # (peak hold in SPOKEN_STEP_DB steps, clipping) last described
        self._describe()
        self.setFixedWidth(theme.side_panel_px(self.font()))
        # every pixel is painted (the cached background first): Qt need not repaint the parents
        # beneath the meter, which would otherwise redraw the whole window ~50 times a second
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setToolTip("Input peak level in dBFS. CLIP lights when a sample reached full scale, or the volume gain "
                        "pushed one beyond it (the board wraps it around): lower volume_gain or move away from the "
                        "microphone.")

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(theme.side_panel_px(self.font()), METER_HEIGHT_HINT_PX)

    @property
    def clipping(self) -> bool:
        return self.clock() < self.clip_until

    def show_peak(self, peak: float, clipped: bool) -> None:
        fall = self._fall_since_last()
        self.level_db = to_dbfs(peak)
        self.hold_db = max(self.level_db, self.hold_db - fall, METER_FLOOR_DB)
        if clipped:
            self.clip_until = self._last + CLIP_HOLD_S
            self.clip_count += 1
        self._show_change()

    def show_no_audio(self) -> None:
        """Nothing was heard since the last call: the level and the hold fall at :data:`PEAK_FALL_DB_PER_S`, down to
        the floor (between a sound card's blocks that is a fraction of a dB; while paused or stopped, silence)."""
        fall = self._fall_since_last()
        self.level_db = max(self.level_db - fall, METER_FLOOR_DB)
        self.hold_db = max(self.hold_db - fall, METER_FLOOR_DB)
        self._show_change()

    def _fall_since_last(self) -> float:
        """How many dB the hold (and, without audio, the level) has fallen since the last call; restarts the count."""
        now = self.clock()
        fall = PEAK_FALL_DB_PER_S * (now - self._last)
        self._last = now
        return fall

    def _show_change(self) -> None:
        if self._state() != self._shown:
            self.update()
        self._describe()

    def _describe(self) -> None:
        """The accessible description: the peak hold, rounded, and whether the input clipped; set only when that
        changes (a screen reader is told of every change)."""
        spoken = (int(round(self.hold_db / SPOKEN_STEP_DB)) * SPOKEN_STEP_DB, self.clipping)
        if spoken == self._spoken:
            return
        self._spoken = spoken
        level, clipping = spoken
        said = "silent" if level <= METER_FLOOR_DB else f"peak about {level} dBFS"
        self.setAccessibleDescription(
            f"Input {said}; clipping: a sample reached full scale or the volume gain pushed one beyond it, lower "
            f"volume_gain or move away from the microphone." if clipping else f"Input {said}; no clipping.")

    # -- geometry -------------------------------------------------------------------------------
    def _rects(self) -> tuple[QRectF, QRectF]:
        """The lamp and the bar, for the current size (asked ~100 times a second, so cached per size)."""
        size = self.size()
        if self._geometry is None or self._geometry[0] != size:
            lamp = QRectF(2, 2, size.width() - 4, theme.line_px(self.font()) + LAMP_PADDING_PX)
            top = lamp.bottom() + 4
            bottom_room = theme.line_px(self._scale_font()) / 2  # the "-60" label reaches below the bar
            bar = QRectF(4, top, size.width() * METER_BAR_FRACTION, size.height() - top - bottom_room)
            self._geometry = (size, lamp, bar)
        return self._geometry[1], self._geometry[2]

    def _lamp(self) -> QRectF:
        return self._rects()[0]

    def _bar(self) -> QRectF:
        return self._rects()[1]

    def _y(self, db: float) -> float:
        bar = self._bar()
        return bar.top() + bar.height() * (db / METER_FLOOR_DB)

    def _state(self) -> tuple[int, int, bool]:
        return (int(self._y(self.level_db)), int(self._y(self.hold_db)), self.clipping)

    # -- painting -------------------------------------------------------------------------------
    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        self._background = None
        super().resizeEvent(event)  # type: ignore[arg-type]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._background = None
        if event.type() == QEvent.Type.FontChange:
            self._geometry = None
            self.setFixedWidth(theme.side_panel_px(self.font()))
        super().changeEvent(event)

    def _scale_font(self) -> QFont:
        return theme.scaled_font(self.font(), SCALE_FONT_FACTOR)

    def _paint_layers(self) -> None:
        """Pre-render the two states of the meter: everything off (scale, empty bar, dark lamp) and
        everything lit (full coloured bar, red lamp); a frame copies the lit parts over the unlit."""
        pal = self.palette()
        bar, lamp = self._bar(), self._lamp()
        self._background, p = layer_pixmap(self, pal.window().color())
        p.fillRect(bar, pal.base())
        small = self._scale_font()
        p.setFont(small)
        p.setPen(pal.windowText().color())
        line = QFontMetrics(small).height()
        for db in METER_SCALE_DB:
            y = self._y(db)
            p.drawText(QRectF(bar.right() + 2, y - line / 2, self.width() - bar.right() - 2, line),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(db))
        self._paint_lamp(p, lamp, lit=False)
        p.end()
        self._lit, p = layer_pixmap(self, pal.window().color())
        for lo, hi, color in ((METER_FLOOR_DB, METER_YELLOW_DB, "#43a047"),
                              (METER_YELLOW_DB, METER_RED_DB, "#fdd835"),
                              (METER_RED_DB, 0.0, CLIP_RED)):
            p.fillRect(QRectF(bar.left(), self._y(hi), bar.width(), self._y(lo) - self._y(hi)), QColor(color))
        self._paint_lamp(p, lamp, lit=True)
        p.end()
        self._hold_color = QColor("#ffffff") if theme.is_dark_color(pal.window().color()) else QColor("#000000")

    def _paint_lamp(self, p: QPainter, lamp: QRectF, lit: bool) -> None:
        """Lit: "CLIP" in bold on red. Unlit: "no clip" in a thin outline; the state reads without its colour."""
        pal = self.palette()
        font = QFont(self.font())
        font.setBold(lit)
        p.setFont(font)
        if lit:
            p.fillRect(lamp, QColor(CLIP_RED))
            p.setPen(theme.text_on(CLIP_RED))
        else:
            p.setPen(theme.indicator_outline(pal))
            p.drawRect(lamp.adjusted(0.5, 0.5, -0.5, -0.5))
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        p.drawText(lamp, Qt.AlignmentFlag.AlignCenter, LAMP_LIT_TEXT if lit else LAMP_UNLIT_TEXT)

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        if self._background is None or self._background.deviceIndependentSize().toSize() != self.size():
            self._paint_layers()
        self._shown = self._state()
        p = QPainter(self)
        p.drawPixmap(0, 0, self._background)
        if self.clipping:
            p.drawPixmap(self._lamp(), self._lit, self._device_rect(self._lamp()))
        if self.level_db > METER_FLOOR_DB:
            bar = self._bar()
            lit = QRectF(bar.left(), self._y(self.level_db), bar.width(), bar.bottom() - self._y(self.level_db))
            p.drawPixmap(lit, self._lit, self._device_rect(lit))
        p.setPen(self._hold_color)
        hold_y = int(self._y(self.hold_db))
        p.drawLine(int(self._bar().left()), hold_y, int(self._bar().right()), hold_y)
        p.end()

    def _device_rect(self, rect: QRectF) -> QRectF:
        """``rect`` in the pixels of the cached pixmaps (they are devicePixelRatio times larger)."""
        ratio = self._lit.devicePixelRatio()
        return QRectF(rect.x() * ratio, rect.y() * ratio, rect.width() * ratio, rect.height() * ratio)


class WaveformView(FontRestyledView):
    """Min/max envelope of the input over stream time, beside a :class:`LevelMeter`."""

    def __init__(self, parent: QWidget | None = None, dark: bool = True) -> None:
        super().__init__(parent)
        self.plot_widget, self.plot = fixed_plot()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setLabel("left", "waveform")
        self.plot.hideAxis("bottom")  # shares the time axis of the spectrogram below it
        self.plot.setYRange(-1.0, 1.0, padding=0.02)
        self.plot.getAxis("left").setTicks([[(-1.0, "-1"), (0.0, "0"), (1.0, "1")], []])
        theme.describe_view(self.plot_widget, "Waveform",
                            "The input audio of the last ten seconds, full scale from -1 to 1, newest at the right.")
        self.curve = EnvelopeLines(pg.mkPen(WAVE_COLOR, width=1))
        self.plot.addItem(self.curve)
        self._placement = TimePlacement(self.plot, self.curve, VISIBLE_SECONDS)
        self.meter = LevelMeter()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.meter)
        self.frozen = False
        self.follow = True  # keep the newest VISIBLE_SECONDS in view
        self._dark = dark
        self._session: object | None = None
        self._cursor = 0
        self._total = 0
        self._gain_overflows = 0  # the session's count the lamp has shown
        self._blocks = np.zeros((1, 2), np.float32)  # the last minute of (min, max), full scale = 1
        self.set_dark(dark)

    def bind(self, session: object | None) -> None:
        self._session = session
        self._cursor = 0
        self._total = 0
        self._gain_overflows = 0
        if session is None:
            return
        self._gain_overflows = session.gain_overflows  # type: ignore[attr-defined]
        self._blocks = np.zeros((session.envelope.capacity, 2), np.float32)  # type: ignore[attr-defined]
        self._redraw()

    def refresh(self) -> int:
        if self.frozen:
            return 0
        if self._session is None:  # no stream: nothing is heard
            self.meter.show_no_audio()
            return 0
        rows, total = self._session.envelope.since(self._cursor)  # type: ignore[attr-defined]
        self._cursor = total
        n = min(rows.shape[0], self._blocks.shape[0])
        if n == 0:
            self.meter.show_no_audio()
            return 0
        rows = rows[-n:]
        newest = make_room(self._blocks, n)
        np.multiply(rows, 1.0 / FULL_SCALE, out=newest, casting="unsafe")
        self._total = total
        self.curve.push(newest)
        self._place()
        peak = float(max(-int(rows.min()), int(rows.max())))
        overflows = self._session.gain_overflows  # type: ignore[attr-defined]
        clipped = bool(rows.max() >= CLIP_LEVEL or rows.min() <= -CLIP_LEVEL or overflows > self._gain_overflows)
        self._gain_overflows = overflows
        self.meter.show_peak(peak, clipped)
        return n

    def envelope(self) -> np.ndarray:
        """The (min, max) pairs of the last minute, full scale = 1, oldest first."""
        return self._blocks.copy()

    def _visible_blocks(self) -> int:
        return min(self._blocks.shape[0], int(round(VISIBLE_SECONDS * MS_PER_S / BLOCK_MS)))

    def _redraw(self) -> None:
        following = self.follow and not self.frozen
        columns = self._visible_blocks() if following else self._blocks.shape[0]
        if self.curve.columns != columns:
            self.curve.resize(columns)
        self.curve.set_columns(self._blocks)
        self._place()

    def _place(self) -> None:
        """Each block is drawn at its end time."""
        block_s = BLOCK_MS / MS_PER_S
        self._placement.place(self._total * block_s, block_s, self.follow and not self.frozen)

    def set_frozen(self, frozen: bool) -> None:
        self.frozen = frozen
        self.plot.setMouseEnabled(x=frozen, y=False)
        self._redraw()

    def set_dark(self, dark: bool) -> None:
        """Colours for the palette; fonts and text room for the application font (again on a font change)."""
        self._dark = dark
        self.plot_widget.setBackground(theme.plot_colors(dark).background)
        theme.style_plot(self.plot, dark)
        leave_room_for_end_labels(self.plot)
