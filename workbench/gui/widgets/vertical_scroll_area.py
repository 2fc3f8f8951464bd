"""A scroll area for part of a panel: it scrolls up and down only, and is no taller than its contents want.

Why: a panel whose controls are taller than its dock (the Tuning panel at 1280x720) scrolled as a whole, so the
buttons at its end ("Reset to model values", "Save into model…") showed as a sliver at the bottom of the dock, to
be scrolled to. Scrolling only the controls keeps the buttons below the area in view. A plain QScrollArea would not
do: it asks for at most 24 lines of height (so it scrolled in a dock with room to spare) and for no width of its
contents (so its contents were cut off at the right instead of the panel growing, or its dock scrolling, sideways).
Contents whose rows wrap where they are narrow (a form at a large font) ask for the height they take at the width they
have: their size hint, the height of unwrapped rows, left them scrolling in a dock with room to spare. Nor the larger
of the two: a word-wrapped label's size hint is the height of its text wrapped at a width of Qt's choosing, narrower
than the label has (the Tuning panel's board-pace warning asked for five lines where it took three, 14 px of blank
spread over the controls in a tall dock).

A part just shown (a warning under the control changed) is scrolled into view with :meth:`VerticalScrollArea.reveal`
once the contents are laid out around it: at once, its place and the scroll range would be those from before.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QSizePolicy, QWidget

REVEAL_MARGIN_PX = 50  # QScrollArea.ensureWidgetVisible's default room around the part shown


class VerticalScrollArea(QScrollArea):
    """``contents`` scrolled vertically: the area asks for the contents' full height at their width (and is given
    less only when its panel has less), and for their minimum width plus the scroll bar's, so they never scroll
    sideways.

    Like the docks' scroll areas, it is no Tab stop of its own: Tab goes to the controls, and the area scrolls to
    the one focused, also when the focus comes from outside the area (Shift+Tab from the buttons below it: a
    scroll area only scrolls for Tab pressed inside it)."""

    def __init__(self, contents: QWidget, name: str, parent: QWidget | None = None,
                 max_lines: int | None = None) -> None:
        """``max_lines``: ask for no more than that many lines of text in the area's font (None: the contents' full
        height); a headline over a panel's plot keeps the plot its room, and the rest of its text scrolls."""
        super().__init__(parent)
        self._max_lines = max_lines
        self.setAccessibleName(name)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setWidgetResizable(True)
        self.setWidget(contents)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._show_focused)

    def _show_focused(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.widget().isAncestorOf(new):
            self.ensureWidgetVisible(new)

    def reveal(self, part: QWidget) -> None:
        """Scroll ``part`` of the contents wholly into view (its top, when it is taller than the area) after the
        layout requests now pending: ``part`` was just shown or changed. The keyboard focus stays where it is."""
        QTimer.singleShot(0, part, lambda: self._reveal_now(part))  # no later than ``part`` (in the area) lives

    def _reveal_now(self, part: QWidget) -> None:
        if not part.isVisible() or not self.widget().isAncestorOf(part):
            return  # hidden again (or moved elsewhere) in the meantime
        room = self.viewport().height() - part.height()
        if room < 0:
            self.verticalScrollBar().setValue(part.mapTo(self.widget(), part.rect().topLeft()).y())
        else:  # as much of what surrounds it as fits, up to Qt's default margin
            self.ensureWidgetVisible(part, 0, min(REVEAL_MARGIN_PX, room // 2))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """The contents' layout changed (rows added, a part shown or hidden, another font), or their width (their
        rows wrap otherwise): so does the size this area asks for, which Qt does not pass on from a scroll area's
        contents to its own layout."""
        if watched is self.widget() and (event.type() == QEvent.Type.LayoutRequest or (
                isinstance(event, QResizeEvent) and event.size().width() != event.oldSize().width())):
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        contents = self.widget()
        hint = contents.sizeHint()
        if contents.hasHeightForWidth():  # as tall as the rows wrap to at the contents' width (module docstring)
            hint.setHeight(contents.heightForWidth(contents.width()))
        if self._max_lines is not None:  # in the font of the moment: a larger font asks for more pixels
            hint.setHeight(min(hint.height(), self._max_lines * self.fontMetrics().lineSpacing()))
        return self._around(hint)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """The contents' minimum width (they never scroll sideways); the height a scroll area needs at least."""
        return QSize(self._around(self.widget().minimumSizeHint()).width(), super().minimumSizeHint().height())

    def _around(self, contents: QSize) -> QSize:
        """``contents`` with the frame and room for the vertical scroll bar (kept, so they never reflow when it
        appears)."""
        frame = 2 * self.frameWidth()
        return QSize(contents.width() + frame + self.verticalScrollBar().sizeHint().width(), contents.height() + frame)
