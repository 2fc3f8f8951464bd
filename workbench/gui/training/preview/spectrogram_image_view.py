"""A preview sample's spectrogram PNG, shown as large as the view allows with every int8 value a sharp square.

Why nearest-neighbour at a whole multiple: the PNG *is* the model's input, one grey square per value (4x4 pixels,
grey = value + 128). Smooth scaling would blend neighbouring values into greys the model never sees, and a
fractional factor would make some squares a pixel wider than others; a whole factor with
``Qt.FastTransformation`` keeps each square one grey and all of them one size. Painted, not set on a QLabel: a
label's size hint follows its pixmap, and a pixmap that follows the label's size would grow the dialog without end.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

MIN_FACTOR = 2  # never smaller than twice the PNG (8x8 screen pixels per value): "large" in any window
HINT_FACTOR = 3  # the size asked for when there is room
DESCRIPTION = ("The sample's spectrogram as the model gets it: time left to right, the lowest channel at the "
               "bottom, each value a grey square (black: what silence renders to).")


def scale_factor(image: QSize, room: QSize) -> int:
    """The largest whole factor at which ``image`` fits ``room`` (at least 1: a tiny view shows it cut)."""
    if image.isEmpty():
        return 1
    return max(1, min(room.width() // image.width(), room.height() // image.height()))


class SpectrogramImageView(QWidget):
    """Shows one PNG (:meth:`set_image`) centred at the bottom, scaled by a whole factor; a sentence instead when
    there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixmap = QPixmap()
        self.note = ""
        self._scaled = QPixmap()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Sample spectrogram")
        self.setAccessibleDescription(DESCRIPTION)
        self.setToolTip(DESCRIPTION)

    def set_image(self, path: Path | None, note: str = "") -> bool:
        """Show the PNG at ``path``; ``note`` (or why it cannot be shown) instead when there is none."""
        self.pixmap = QPixmap(str(path)) if path is not None and path.is_file() else QPixmap()
        if path is not None and self.pixmap.isNull():
            note = f"{path.name} is missing or not an image." if not note else note
        self.note = note if self.pixmap.isNull() else ""
        self._scaled = QPixmap()
        self.updateGeometry()
        self.update()
        return not self.pixmap.isNull()

    def scaled_pixmap(self) -> QPixmap:
        """The pixmap as painted at the view's size: a whole multiple of the PNG, nearest-neighbour."""
        if self.pixmap.isNull():
            return QPixmap()
        factor = scale_factor(self.pixmap.size(), self.contentsRect().size())
        size = self.pixmap.size() * factor
        if self._scaled.size() != size:
            self._scaled = self.pixmap.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                              Qt.TransformationMode.FastTransformation)
        return self._scaled

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.pixmap.size() * HINT_FACTOR if not self.pixmap.isNull() else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.pixmap.size() * MIN_FACTOR if not self.pixmap.isNull() else QSize(0, 0)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        area = self.contentsRect()
        if self.pixmap.isNull():
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.note)
            return
        scaled = self.scaled_pixmap()
        target = QRect(0, 0, scaled.width(), scaled.height())
        target.moveCenter(area.center())
        target.moveBottom(area.bottom())  # just above the caption and Play beneath the view
        painter.drawPixmap(target.topLeft(), scaled)
