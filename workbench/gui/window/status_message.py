"""A status bar whose temporary message stays readable when it is longer than the room it has.

Why: QStatusBar draws a message in the space left of its permanent fields and cuts it off at their
edge, so at a large scale factor the end of a sentence ("…; playing the bundled sample instead.") was
lost. This bar elides the message in the middle (its beginning says what happened, its end often what
was done about it) and shows the whole message as the bar's tooltip; ``currentMessage()`` is unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QStatusBar, QStyle, QStyleOption, QWidget

LEFT_PX = 6  # QStatusBar's own margins around the message
RIGHT_PX = 12
FIELD_GAP_PX = 2  # between the message and the first permanent field


class MessageStatusBar(QStatusBar):
    """A QStatusBar that elides a temporary message that does not fit, with the full text as tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields: list[QWidget] = []
        self.messageChanged.connect(self._on_message_changed)

    def addPermanentWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802 (Qt API)
        self._fields.append(widget)
        super().addPermanentWidget(widget, stretch)

    def message_rect(self) -> QRect:
        """Where the message is drawn: from the left margin to the first visible permanent field."""
        right = self.width() - RIGHT_PX
        visible = [w.x() for w in self._fields if w.isVisible()]
        if visible:
            right = min(right, min(visible) - FIELD_GAP_PX)
        return QRect(LEFT_PX, 0, max(0, right - LEFT_PX), self.height())

    def shown_message(self) -> str:
        """The message as drawn: elided in the middle if it does not fit."""
        rect = self.message_rect()
        return QFontMetrics(self.font()).elidedText(self.currentMessage(), Qt.TextElideMode.ElideMiddle,
                                                    rect.width())

    def _on_message_changed(self, message: str) -> None:
        self.setToolTip(message)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        """As QStatusBar paints (panel, the fields' frames), but the message elided to its room."""
        if not self.currentMessage():
            super().paintEvent(event)
            return
        p = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, p, self)
        for field in self._fields:
            if field.isVisible():
                frame = QStyleOption()
                frame.rect = field.geometry().adjusted(-2, -1, 2, 1)
                frame.palette = self.palette()
                frame.state = QStyle.StateFlag.State_None
                self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameStatusBarItem, frame, p, field)
        p.setPen(self.palette().windowText().color())
        p.drawText(self.message_rect(), Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
                   | Qt.TextFlag.TextSingleLine, self.shown_message())
        p.end()
