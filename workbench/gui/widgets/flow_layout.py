"""A row of buttons that continues on a further row when its column is too narrow to hold them side by side.

Why: the inputs columns (Training's data and settings, Calibration's inputs, the Board's run box) are as wide
as a few hundred pixels, while a button's text grows with the application font. At 16 pt "Download Speech
Commands…" and "Synthesize…" no longer fit side by side in the Training data column, and a QHBoxLayout
then gives each less than its text needs and cuts its label (or, with minimum sizes, makes the whole window
wider than the screen). A flow layout keeps every item at its size hint and starts a new row instead: its
minimum width is its widest item's, and its height follows the width it is given (height for width).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QLayout, QLayoutItem, QStyle, QWidget


class FlowLayout(QLayout):
    """Items left to right at their size hints, wrapped onto as many rows as the width needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []

    # -- QLayout's item list -----------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt API)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt API)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # -- sizes -------------------------------------------------------------------------------------
    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt API)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Everything on one row."""
        hints = [item.sizeHint() for item in self._shown()]
        width = sum(hint.width() for hint in hints) + self._gap(QStyle.PixelMetric.PM_LayoutHorizontalSpacing) * max(
            len(hints) - 1, 0)
        height = max((hint.height() for hint in hints), default=0)
        return self._with_margins(QSize(width, height))

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt API)
        """One item a row: as wide as the widest item's size hint (no item is ever squeezed below it)."""
        hints = [item.sizeHint().expandedTo(item.minimumSize()) for item in self._shown()]
        size = QSize(max((hint.width() for hint in hints), default=0), max((hint.height() for hint in hints),
                                                                            default=0))
        return self._with_margins(size)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt API)
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    # -- placing -----------------------------------------------------------------------------------
    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]  # a hidden button takes no room

    def _gap(self, metric: QStyle.PixelMetric) -> int:
        if self.spacing() >= 0:
            return self.spacing()
        widget = self.parentWidget()
        style = widget.style() if widget is not None else QApplication.style()
        return style.pixelMetric(metric, None, widget)

    def _with_margins(self, size: QSize) -> QSize:
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items in ``rect`` (only measure unless ``move``); the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        across = self._gap(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)
        down = self._gap(QStyle.PixelMetric.PM_LayoutVerticalSpacing)
        x, y, row_height = area.x(), area.y(), 0
        for item in self._shown():
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:  # no room left on this row: start another
                x, y, row_height = area.x(), y + row_height + down, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + across
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()
