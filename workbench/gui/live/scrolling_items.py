"""Two lean pyqtgraph items for data that scrolls in from the right at 50 frames a second.

Why not ``ImageItem`` and ``PlotDataItem``: both are general and pay for it on every frame. An
``ImageItem`` fed uint8 rows with a 256-colour table rebuilds an indexed QImage (and its colour table)
on every ``setImage`` and QPainter then converts indexed pixels on every paint, five times slower than
drawing 32-bit pixels; a ``PlotDataItem`` recomputes bounds, clipping and downsampling for every
``setData``. Together they were most of the GUI's CPU while streaming. These items keep their pixels
and points in preallocated arrays, in *column* coordinates (one column per spectrogram row or waveform
block, a fixed bounding rectangle), take only the new columns per frame, and are placed in stream time
by their transform. Nothing here knows about sessions: the views feed them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QImage, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsItem

from workbench.gui.live.plot_style import show_x_range
from workbench.gui.live.time_axis import TimeAxisItem

OPAQUE = 0xFF000000
RED_SHIFT, GREEN_SHIFT = 16, 8
PAIR = 2  # a segment has two points (min and max of a block)
LINE_FIELDS = 4  # QLineF: x1, y1, x2, y2 as doubles
X1, Y1, X2 = 0, 1, 2


def rgb32_table(lut: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """A (n, 3+) uint8 colour lookup table as opaque 0xAARRGGBB words (QImage.Format_RGB32)."""
    rgb = np.asarray(lut, np.uint32)[:, :3]
    return (OPAQUE | (rgb[:, 0] << RED_SHIFT) | (rgb[:, 1] << GREEN_SHIFT) | rgb[:, 2]).astype(np.uint32)


def make_room(buffer: np.ndarray, n: int) -> np.ndarray:
    """Scroll ``buffer`` back by ``n`` rows (axis 0, oldest dropped) and return the last ``n`` rows,
    where the caller writes the newest. ``0 < n <= len(buffer)``."""
    buffer[:-n] = buffer[n:]
    return buffer[-n:]


def quiet_moves(item: pg.GraphicsObject) -> None:
    """Let ``item`` move without a Python callback per move.

    pyqtgraph's GraphicsObject asks Qt for geometry-change notifications so its ViewBox can re-run
    auto-range; the live plots have fixed ranges, and while a stream starts the scrolling items are
    moved 50 times a second, each move costing two ``itemChange`` calls into Python.
    """
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, False)


def place(item: pg.GraphicsObject, x0: float, column_width: float, y0: float = 0.0, row_height: float = 1.0) -> None:
    """Put column 0 of ``item`` at ``x0`` (plot units) with columns ``column_width`` wide."""
    item.setTransform(QTransform(column_width, 0.0, 0.0, row_height, x0, y0))


class TimePlacement:
    """Where a scrolling item sits in its plot, and the plot's time range, frame after frame.

    While following, the plot keeps one fixed x range, ``[0, width]``, and the item is drawn at stream
    time minus ``max(end - width, 0)``: the same picture as a moving stream-time range, but a frame only
    moves the item, never the view (a view range change is most of pyqtgraph's per-frame work). For
    the first ``width`` seconds the two coordinates coincide. When not following (frozen, scrolling
    back) the item is placed in stream time and the range is set once, so plots can be linked.
    """

    def __init__(self, plot: pg.PlotItem, item: pg.GraphicsObject, width_s: float) -> None:
        self.plot = plot
        self.item = item
        self.width_s = width_s
        self._window_range = False  # the plot shows [0, width] in following coordinates
        self._placed: tuple[float, float] | None = None  # (x0, column width) last set

    def place(self, end_s: float, column_s: float, following: bool) -> None:
        """Right-align the item's columns (``column_s`` wide) with stream time ``end_s``."""
        right = min(end_s, self.width_s) if following else end_s  # where the newest column ends
        x0 = right - self.item.columns * column_s  # type: ignore[attr-defined]
        if self._placed != (x0, column_s):  # once following is steady, x0 stays put
            place(self.item, x0, column_s)
            self._placed = (x0, column_s)
        if following == self._window_range:
            return
        show_x_range(self.plot, 0.0 if following else max(end_s - self.width_s, 0.0), self.width_s)
        self._window_range = following


class ShiftPlacement:
    """:class:`TimePlacement` for items drawn in stream time (the score traces, the board's scores).

    While following, the plot keeps the fixed range ``[0, width]`` and the items are shifted left by
    ``max(end - width, 0)``; the time axis is told the shift so its labels still read stream time.
    A range change would instead make pyqtgraph re-place every item of the plot (threshold and level
    lines recompute their bounds) and relabel the axis from scratch, ten times a second.
    """

    def __init__(self, plot: pg.PlotItem, items: Sequence[pg.GraphicsObject], width_s: float,
                 axis: TimeAxisItem | None = None) -> None:
        self.plot = plot
        self.items = list(items)
        self.width_s = width_s
        self.axis = axis
        self.shift = 0.0
        self._window_range = False

    def place(self, end_s: float, following: bool) -> float:
        """Put stream time ``end_s`` at the right edge while following; returns the shift applied."""
        shift = max(end_s - self.width_s, 0.0) if following else 0.0
        if shift != self.shift:
            self.shift = shift
            for item in self.items:
                item.setTransform(QTransform.fromTranslate(-shift, 0.0))
            if self.axis is not None:
                self.axis.set_shift(shift)
        if following != self._window_range:
            if following:
                show_x_range(self.plot, 0.0, self.width_s)
            self._window_range = following  # not following: the plot is linked and scrolled by the user
        return shift


class ScrollingImage(pg.GraphicsObject):
    """A colour-mapped image whose columns scroll left as new ones arrive (a spectrogram).

    ``columns`` x ``rows`` pixels, column = time, row 0 at the bottom (y up, as in a plot). Values are
    indices 0..255 into the colour table, mapped once when they arrive, never again per frame.
    """

    def __init__(self, lut: npt.NDArray[np.uint8]) -> None:
        super().__init__()
        quiet_moves(self)
        self._table = rgb32_table(lut)
        self._pixels = np.zeros((1, 1), np.uint32)  # (rows, columns), C order, what the QImage shows
        self._qimage = QImage()
        self.resize(1, 1)

    @property
    def columns(self) -> int:
        return int(self._pixels.shape[1])

    @property
    def rows(self) -> int:
        return int(self._pixels.shape[0])

    def resize(self, columns: int, rows: int) -> None:
        """Make room for ``columns`` x ``rows``; the picture is cleared to colour 0."""
        self.prepareGeometryChange()
        self._pixels = np.full((max(1, rows), max(1, columns)), self._table[0], np.uint32)
        self._wrap()
        self.update()

    def _wrap(self) -> None:
        rows, columns = self._pixels.shape
        # the QImage reads the array in place: updating the array updates the picture
        self._qimage = QImage(self._pixels.data, columns, rows, columns * 4, QImage.Format.Format_RGB32)

    def set_columns(self, values: npt.NDArray[np.uint8]) -> None:
        """Show ``values`` (columns, rows) right-aligned; older columns on the left are colour 0."""
        values = np.asarray(values, np.uint8)[-self.columns :]
        self._pixels[:] = self._table[0]
        if values.shape[0]:
            self._pixels[:, -values.shape[0] :] = self._table[values[:, : self.rows].T]
        self.update()

    def push(self, values: npt.NDArray[np.uint8]) -> None:
        """Scroll left by ``len(values)`` columns and draw ``values`` (columns, rows) at the right."""
        values = np.asarray(values, np.uint8)
        n = min(values.shape[0], self.columns)
        if n == 0:
            return
        make_room(self._pixels.T, n)[:] = self._table[values[-n:, : self.rows]]  # columns are axis 1
        self.update()

    def pixels(self) -> npt.NDArray[np.uint32]:
        """The 0xAARRGGBB pixels as drawn, (rows, columns), row 0 at the bottom."""
        return self._pixels.copy()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return QRectF(0.0, 0.0, float(self.columns), float(self.rows))

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.drawImage(self.boundingRect(), self._qimage)


class EnvelopeLines(pg.GraphicsObject):
    """One vertical segment per column from its minimum to its maximum (a waveform envelope).

    The segments live in one preallocated (columns, 4) float64 array laid out exactly as Qt's QLineF
    (x1, y1, x2, y2) at fixed x (the column centres); a frame shifts the y values in place and paint
    hands the whole array to ``QPainter.drawLines`` by pointer: no path is built, nothing is copied.
    """

    def __init__(self, pen: object, y_range: tuple[float, float] = (-1.0, 1.0)) -> None:
        super().__init__()
        quiet_moves(self)
        self._pen = pg.mkPen(pen)
        self._y_range = y_range
        self.resize(1)

    @property
    def columns(self) -> int:
        return self._lines.shape[0]

    def resize(self, columns: int) -> None:
        """Room for ``columns`` segments, all flat at zero."""
        self.prepareGeometryChange()
        columns = max(1, columns)
        self._lines = np.zeros((columns, LINE_FIELDS), np.float64)
        self._lines[:, X1] = self._lines[:, X2] = np.arange(columns, dtype=np.float64) + 0.5
        self._y = self._lines[:, Y1::PAIR]  # (columns, 2) view: the min and max of each column
        # a QLineF view of the first row; drawLines(first, n) reads the n rows that follow it
        self._first = shiboken6.wrapInstance(self._lines.ctypes.data, QLineF)
        self.update()

    def set_columns(self, lo_hi: npt.NDArray[np.floating]) -> None:
        """Show ``lo_hi`` (columns, 2) right-aligned; older columns are flat."""
        values = np.asarray(lo_hi, np.float64)[-self.columns :]
        self._y[:] = 0.0
        if values.shape[0]:
            self._y[-values.shape[0] :] = values
        self.update()

    def push(self, lo_hi: npt.NDArray[np.floating]) -> None:
        """Scroll left by ``len(lo_hi)`` columns and draw the new (min, max) pairs at the right."""
        values = np.asarray(lo_hi, np.float64)
        n = min(values.shape[0], self.columns)
        if n == 0:
            return
        make_room(self._y, n)[:] = values[-n:]
        self.update()

    def values(self) -> npt.NDArray[np.float64]:
        """The (columns, 2) min/max pairs as drawn, oldest first."""
        return self._y.copy()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        lo, hi = self._y_range
        return QRectF(0.0, lo, float(self.columns), hi - lo)

    def paint(self, painter: QPainter, *args: object) -> None:
        painter.setPen(self._pen)
        painter.drawLines(self._first, self.columns)
