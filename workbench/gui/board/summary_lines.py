"""The Board workspace's summary above its measured table: lines broken to the width, a few in sight, the rest a scroll
away.

Why by hand: the hint before a profile on one line made the window wider than 1280 px at a large font, and so did a
board's report (its time and runtime memory beside their estimates, 1310 px at 16 pt: the window took 1844); at a
fixed break the hint stopped after a few words at any width. The labels ask for no width of their own (minimum 1 px),
so the window's width decides the lines and not the other way round. One label per line: a multi-line or wrapping
label can get a wrong height from the layout (it took the height the Board page's top needs at a large font).

Why a few lines in sight and the rest scrolled: a report whose model cannot keep up with its ``latency_ms`` and stores
another runtime memory than the estimate says two more sentences (one of them long), some ten lines at 16 pt in a
1280 px window. Shown whole they made the window 816 px high and left the table no rows; joined on the last line they
were cut off at its right. At most :data:`LINES_IN_SIGHT` lines take height; every word can be read by scrolling.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

# a board's report takes five lines at 16 pt in a 1280 px window without its latency and stored-memory sentences
LINES_IN_SIGHT = 5


def fitted_lines(text: str, label: QLabel, width: int | None = None) -> list[str]:
    """``text`` broken between words into lines that fit ``width`` px in ``label``'s font (its own width when None);
    a longer word gets a line of its own."""
    metrics = label.fontMetrics()
    width = label.contentsRect().width() if width is None else width
    lines: list[str] = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


class SummaryLines(QScrollArea):
    """Shows a text (:meth:`show_text`; "\\n" starts a line of its own) a label per line, each of its lines in as
    few as the width holds; as high as :data:`LINES_IN_SIGHT` lines at most, scrolled for the rest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the buttons to the table, as before
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidgetResizable(True)
        contents = QWidget(self)
        self._layout = QVBoxLayout(contents)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setWidget(contents)
        self.labels: list[QLabel] = []
        self._text = ""
        self._add_label()  # its font and metrics break the lines before any text is shown

    def _add_label(self) -> QLabel:
        label = QLabel(self.widget())
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setMinimumWidth(1)  # no width of its own: the window's width decides the lines
        self._layout.addWidget(label)
        self.labels.append(label)
        return label

    def text(self) -> str:
        """The text as set (the hint as one sentence, however many lines it takes on screen)."""
        return self._text

    def show_text(self, text: str) -> None:
        self._text = text
        lines = [line for paragraph in text.split("\n") for line in fitted_lines(paragraph, self.labels[0],
                                                                                   self._line_width())]
        while len(self.labels) < len(lines):
            self._add_label()
        for i, label in enumerate(self.labels):
            label.setText(lines[i] if i < len(lines) else "")
            label.setVisible(i < len(lines))
        self.setFixedHeight(self._lines_height(min(len(lines), LINES_IN_SIGHT)))

    def _line_width(self) -> int:
        """The width the lines are broken to: the scroll bar's room is always left, so that the lines do not break
        again (and the bar come and go) as it shows and hides."""
        return self.width() - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width()

    def _lines_height(self, count: int) -> int:
        line = self.labels[0].sizeHint().height()
        return 2 * self.frameWidth() + count * line + max(count - 1, 0) * self._layout.spacing()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """No width of its own (the labels have none): the window's width decides the lines."""
        return QSize(1, self.height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(1, self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """Another width: the lines break again."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.show_text(self._text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        """Another font: the lines break again, and take another height."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.show_text(self._text)
