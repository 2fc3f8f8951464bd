"""Fitting the window on a small screen (1280x720, a laptop with a scaled desktop).

Why: a QMainWindow is never shorter than the minimum height of the page in front, and a workspace's
column of inputs (data, settings, buttons) is taller than what a 720-pixel screen leaves once the menu
bar, the toolbar, the status bar and the window's title bar are counted. Such a column goes into a
:class:`ScrollColumn`, which keeps the column's natural height and width but lets the window be short:
the column then scrolls (and follows the keyboard focus). A column whose last row is its buttons keeps them under the
scrolling part, in view (:func:`scroll_column_with_footer`): at 1366x768 the Training workspace's Train button was
below the column's edge. The first window size, before the user has
chosen one, is likewise never larger than the screen the window opens on.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

MIN_VISIBLE_HEIGHT_PX = 120  # the shortest a scrolled column gets: a few of its rows stay readable
FRAME_ALLOWANCE_PX = (16, 48)  # borders and title bar: resize() sizes the inside, the screen holds the outside
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" for a widget's size


class ScrollColumn(QScrollArea):
    """A column of widgets that scrolls vertically (never sideways) when the window is shorter than it."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the column's own controls
        self.setWidget(content)
        if content.maximumWidth() < QWIDGETSIZE_MAX:
            self.setMaximumWidth(content.maximumWidth() + self._bar_width())

    def _bar_width(self) -> int:
        """Room for the vertical scroll bar, kept even while it is hidden, so the column never gets narrower."""
        return self.verticalScrollBar().sizeHint().width()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """As narrow as the column allows, but only a few rows high: the rest scrolls."""
        inner = self.widget().minimumSizeHint().expandedTo(self.widget().minimumSize())
        return QSize(inner.width() + self._bar_width(), min(inner.height(), MIN_VISIBLE_HEIGHT_PX))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """The column's own preferred size (QScrollArea would cap it at a few dozen text lines)."""
        inner = self.widget().sizeHint().expandedTo(self.widget().minimumSizeHint())
        return QSize(inner.width() + self._bar_width(), inner.height())


def scroll_column_with_footer(content: QWidget, footer: Iterable[QWidget]) -> QWidget:
    """``content`` in a :class:`ScrollColumn` with the ``footer`` rows (its buttons) under it, always in view, as wide
    as the column may be and as far in from its sides as ``content``'s own layout puts its rows."""
    scrolled = ScrollColumn(content)
    column = QWidget()
    column.setMaximumWidth(scrolled.maximumWidth())
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(scrolled, 1)
    rows = QVBoxLayout()
    inner = content.layout()
    if inner is not None:
        margins = inner.contentsMargins()
        rows.setContentsMargins(margins.left(), 0, margins.right(), margins.bottom())
    for row in footer:
        rows.addWidget(row)
    layout.addLayout(rows)
    return column


def first_window_size(default: tuple[int, int], available: QRect) -> QSize:
    """``default`` (width, height), made smaller where the screen's ``available`` area (without its panels)
    could not hold it with the window's frame around it."""
    width = min(default[0], available.width() - FRAME_ALLOWANCE_PX[0])
    height = min(default[1], available.height() - FRAME_ALLOWANCE_PX[1])
    return QSize(width, height)
