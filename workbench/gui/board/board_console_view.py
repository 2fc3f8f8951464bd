"""The board's raw serial log: appended in batches, capped, saved atomically.

Why batches: a classifier in verbose mode prints ten lines a second and a profiler a burst of seventy;
appending each as its own signal would repaint the editor every time. Lines are queued and appended
every :data:`FLUSH_MS`; the editor keeps the last :data:`MAX_LINES`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from workbench.core.atomic_write import atomic_write_text
from workbench.gui.widgets.save_dialog import ask_and_save

FLUSH_MS = 50
MAX_LINES = 20_000


class BoardConsoleView(QWidget):
    """Serial lines as received; ``Save…`` writes them to a file; ``error(message)`` if that fails."""

    error = Signal(str)
    saved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("The board's serial output appears here (Open console, or during a run).")
        self.clear_button = QPushButton("Clear", self)  # left of Save…, so Tab reaches it first
        self.clear_button.setToolTip("Empty the console (the board keeps running)")
        self.clear_button.clicked.connect(self.clear)
        self.save_button = QPushButton("Save…", self)
        self.save_button.setToolTip("Save the console's text to a file")
        self.save_button.clicked.connect(self._ask_save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self._pending: list[str] = []
        self._timer = QTimer(self, interval=FLUSH_MS)
        self._timer.timeout.connect(self.flush)

    def append_line(self, line: str) -> None:
        self._pending.append(line)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        if self._pending:
            self.text.appendPlainText("\n".join(self._pending))
            self._pending.clear()
        self._timer.stop()

    def lines(self) -> list[str]:
        self.flush()
        text = self.text.toPlainText()
        return text.split("\n") if text else []

    def clear(self) -> None:
        self._pending.clear()
        self.text.clear()

    def save_to(self, path: str | Path) -> Path:
        lines = self.lines()
        written = atomic_write_text(path, "\n".join(lines) + ("\n" if lines else ""))
        self.saved.emit(str(written))
        return written

    def _ask_save(self) -> None:
        ask_and_save(self, "Save the board's serial log", "board-console.log",
                     "Log files (*.log *.txt);;All files (*)", self.save_to, self.error.emit)
