"""A notice above the workspaces that stays until the user dismisses it (or the window clears it).

Why: a temporary status message is replaced within a second by the start-up's own messages ("No microphone…"),
a modal box at start-up blocks the window for a fact the user only needs to know, and a status-bar field has
room for a few words only, not a sentence naming a file. This bar holds the whole sentence (word-wrapped and
selectable, so a path can be copied) with a dismiss button, in every workspace, and takes no room while empty.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

DISMISS_TEXT = "✕"
DISMISS_TIP = "Dismiss this notice"


class NoticeBar(QFrame):
    """One sentence (:meth:`show_text`) with a dismiss button; hidden while it has none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss_button = QToolButton()
        self.dismiss_button.setText(DISMISS_TEXT)
        self.dismiss_button.setToolTip(DISMISS_TIP)
        self.dismiss_button.setAccessibleName(DISMISS_TIP)
        self.dismiss_button.setAutoRaise(True)
        self.dismiss_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setVisible(False)

    @property
    def text(self) -> str:
        """The sentence shown ("" when the bar is hidden)."""
        return self.label.text()

    def show_text(self, text: str) -> None:
        """Show ``text`` until it is dismissed or :meth:`clear` is called ("" hides the bar)."""
        self.label.setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        """Hide the notice (the dismiss button; a new model makes a start-up notice about the last one stale)."""
        self.show_text("")
