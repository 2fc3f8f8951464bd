"""The raw waveform envelope and a level meter with clipping indication.

A view over ``LiveSession.envelope`` (one [min, max] int16 pair per 10 ms block). The waveform is drawn
as one vertical segment per block (``connect="pairs"``) from preallocated arrays, so a frame is a
shift and one ``setData``. The meter shows the peak of the newest audio in dBFS with a slowly falling
peak hold, and a CLIP lamp that stays lit for a moment after any block touched full scale — the
clue that ``volume_gain`` is too high or the microphone is too close.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from workbench.gui import theme
from workbench.gui.plot_style import fixed_plot
from workbench.gui.spectrogram_view import VISIBLE_SECONDS

FULL_SCALE = 32768.0
CLIP_LEVEL = 32767  # a block whose min or max reaches int16 full scale counts as clipped
BLOCK_MS = 10.0  # LiveSession's envelope block
MS_PER_S = 1000.0
METER_FLOOR_DB = -60.0
METER_YELLOW_DB = -12.0
METER_RED_DB = -3.0
PEAK_FALL_DB_PER_S = 20.0
CLIP_HOLD_S = 1.5
CLIP_LAMP_PX = 18
METER_BOTTOM_PX = 8  # room for the "-60" label
METER_BAR_FRACTION = 0.55  # bar width; the dB scale is drawn to its right
WAVE_COLOR = "#7fb8e6"


def to_dbfs(peak: float) -> float:
    """Peak sample magnitude → dBFS, floored at the meter's bottom."""
    if peak <= 0:
        return METER_FLOOR_DB
    return max(METER_FLOOR_DB, 20.0 * math.log10(peak / FULL_SCALE))


class LevelMeter(QWidget):
    """A vertical peak meter (dBFS) with peak hold and a clip lamp."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level_db = METER_FLOOR_DB
        self.hold_db = METER_FLOOR_DB
        self.clip_until = 0.0
        self.clip_count = 0
        self._last = time.monotonic()
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.setFixedWidth(theme.SIDE_PANEL_PX)
        self.setToolTip("Input peak level in dBFS. CLIP lights when a sample reached full scale: "
                        "lower volume_gain or move away from the microphone.")

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(theme.SIDE_PANEL_PX, 120)

    @property
    def clipping(self) -> bool:
        return time.monotonic() < self.clip_until

    def show_peak(self, peak: float, clipped: bool) -> None:
        now = time.monotonic()
        self.level_db = to_dbfs(peak)
        fallen = self.hold_db - PEAK_FALL_DB_PER_S * (now - self._last)
        self.hold_db = max(self.level_db, fallen, METER_FLOOR_DB)
        self._last = now
        if clipped:
            self.clip_until = now + CLIP_HOLD_S
            self.clip_count += 1
        self.update()

    def _y(self, db: float, top: float, height: float) -> float:
        return top + height * (db / METER_FLOOR_DB)

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.window())
        lamp = QRectF(2, 2, self.width() - 4, CLIP_LAMP_PX)
        p.fillRect(lamp, QColor("#e53935") if self.clipping else pal.base().color())
        p.setPen(pal.windowText().color() if not self.clipping else QColor("white"))
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        p.drawText(lamp, Qt.AlignmentFlag.AlignCenter, "CLIP")
        top = lamp.bottom() + 4
        height = self.height() - top - METER_BOTTOM_PX
        bar = QRectF(4, top, self.width() * METER_BAR_FRACTION, height)
        p.fillRect(bar, pal.base())
        level_y = self._y(self.level_db, top, height)
        for lo, hi, color in ((METER_FLOOR_DB, METER_YELLOW_DB, "#43a047"),
                              (METER_YELLOW_DB, METER_RED_DB, "#fdd835"),
                              (METER_RED_DB, 0.0, "#e53935")):
            if self.level_db > lo:
                seg_top = max(self._y(hi, top, height), level_y)
                p.fillRect(QRectF(bar.left(), seg_top, bar.width(), self._y(lo, top, height) - seg_top),
                           QColor(color))
        p.setPen(QColor("#ffffff") if pal.window().color().lightness() < 128 else QColor("#000000"))
        hold_y = self._y(self.hold_db, top, height)
        p.drawLine(int(bar.left()), int(hold_y), int(bar.right()), int(hold_y))
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.75))
        p.setFont(small)
        p.setPen(pal.windowText().color())
        for db in (0, -12, -24, -36, -48, -60):
            y = self._y(db, top, height)
            p.drawText(QRectF(bar.right() + 2, y - 7, self.width() - bar.right() - 2, 14),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(db))
        p.end()


class WaveformView(QWidget):
    """Min/max envelope of the input over stream time, beside a :class:`LevelMeter`."""

    def __init__(self, parent: QWidget | None = None, dark: bool = True) -> None:
        super().__init__(parent)
        self.plot_widget, self.plot = fixed_plot()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setLabel("left", "waveform")
        self.plot.hideAxis("bottom")  # shares the time axis of the spectrogram below it
        self.plot.setYRange(-1.0, 1.0, padding=0.02)
        self.plot.getAxis("left").setTicks([[(-1.0, "-1"), (0.0, "0"), (1.0, "1")], []])
        self.curve = self.plot.plot(pen=pg.mkPen(WAVE_COLOR, width=1))
        self.curve.setClipToView(True)
        self.meter = LevelMeter()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.meter)
        self.frozen = False
        self.follow = True  # keep the newest VISIBLE_SECONDS in view
        self._session: object | None = None
        self._cursor = 0
        self._y = np.zeros(2, np.float32)
        self._x = np.zeros(2, np.float64)
        self._offsets = np.zeros(1, np.float64)
        self._count = 0
        self.set_dark(dark)

    def bind(self, session: object | None) -> None:
        self._session = session
        self._cursor = 0
        self._count = 0
        if session is None:
            return
        capacity = session.envelope.capacity  # type: ignore[attr-defined]
        self._y = np.zeros(2 * capacity, np.float32)
        self._x = np.zeros(2 * capacity, np.float64)
        # each block is drawn at its end time; two points (min, max) per block
        self._offsets = np.repeat(np.arange(1, capacity + 1, dtype=np.float64), 2) * (BLOCK_MS / MS_PER_S)
        self.curve.setData([], [])

    def refresh(self) -> int:
        if self._session is None or self.frozen:
            return 0
        rows, total = self._session.envelope.since(self._cursor)  # type: ignore[attr-defined]
        self._cursor = total
        n = min(rows.shape[0], self._y.size // 2)
        if n == 0:
            return 0
        rows = rows[-n:]
        y = self._y
        y[: -2 * n] = y[2 * n :]
        y[-2 * n :] = rows.reshape(-1) / FULL_SCALE
        capacity = y.size // 2
        self._count = min(self._count + n, capacity)
        first_block = total - capacity
        np.add(self._offsets, first_block * (BLOCK_MS / MS_PER_S), out=self._x)
        shown = 2 * self._count
        self.curve.setData(self._x[-shown:], y[-shown:], connect="pairs", skipFiniteCheck=True)
        if self.follow:
            end = total * BLOCK_MS / MS_PER_S
            start = max(end - VISIBLE_SECONDS, 0.0)
            self.plot.setXRange(start, start + VISIBLE_SECONDS, padding=0)
        peak = float(np.abs(rows.astype(np.int32)).max())
        clipped = bool((rows >= CLIP_LEVEL).any() or (rows <= -CLIP_LEVEL).any())
        self.meter.show_peak(peak, clipped)
        return n

    def set_frozen(self, frozen: bool) -> None:
        self.frozen = frozen
        self.plot.setMouseEnabled(x=frozen, y=False)

    def set_dark(self, dark: bool) -> None:
        self.plot_widget.setBackground(theme.plot_colors(dark).background)
        theme.style_plot(self.plot, dark)
