"""Labels that wrap inside the room their layout gives them instead of claiming the width of their longest word.

Why: a word-wrapped QLabel still asks its layout for the width of its longest unbreakable word -- in the dataset
builder a folder path or a clip name of 40-odd characters, some 500 px at a 16 pt font -- and the dialog grew past
the screen (1594 px with a clip selected). Without a minimum width of its own the label wraps at spaces within
the width the other widgets leave; a single word longer than that (a very long path) is cut at its end, which
beats a dialog wider than the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy


def flexible_width(label: QLabel) -> QLabel:
    """``label`` word-wrapped, as plain text (messages may hold "<", never markup), with no minimum width."""
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, label.sizePolicy().verticalPolicy())
    return label
