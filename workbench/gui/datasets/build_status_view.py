"""The dataset build's status under the builder's buttons: the current line, and the build's warnings kept below it.

Why keep the warnings: ``kws dataset synth`` prints them when it starts and when it ends ("no negative words:
kws train … would fail without them"), and the next line used to replace them, so a build whose dataset cannot
train ended with only "Built 1 clips … Train with the keywords yes.". Here a ``warning:`` line stays under the
current line, in a warning colour, until the next build starts; other lines (progress notes, the command,
the outcome) replace one another as before.

Both labels wrap (:func:`~workbench.gui.widgets.flexible_label.flexible_width`): a long folder path never
widens the dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from workbench.gui import theme
from workbench.gui.widgets.flexible_label import flexible_width
from workbench.gui.widgets.message_label import MessageLabel

WARNING_PREFIX = "warning:"  # how the child starts a warning line (after in_window_terms)
WARNING_SHOWN_AS = "Warning: "
WARNING_AMBER = "#e0a030"  # the hue of warnings; theme.readable_on shades it for the palette in use


class BuildStatusView(QWidget):
    """One status line (:meth:`show_text`, :meth:`show_error`) above the kept warnings (:meth:`add_message`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = flexible_width(MessageLabel())
        self.warnings_label = flexible_width(QLabel())
        self.warnings_label.setVisible(False)
        self._warnings: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)
        layout.addWidget(self.warnings_label)
        self._restyle()

    def text(self) -> str:
        """The current line (the outcome, once the build has ended)."""
        return self.line.text()

    @property
    def warnings(self) -> list[str]:
        """The warnings of the build, without their ``warning:`` prefix, in the order they came."""
        return list(self._warnings)

    def show_text(self, text: str) -> None:
        self.line.show_text(text)

    def show_error(self, text: str) -> None:
        self.line.show_error(text)

    def add_message(self, text: str) -> None:
        """A line of the build: a warning is kept (once) under the current line; any other line replaces it."""
        if not text.lower().startswith(WARNING_PREFIX):
            self.line.show_text(text)
            return
        warning = text[len(WARNING_PREFIX):].strip()
        if warning and warning not in self._warnings:
            self._warnings.append(warning)
            self.warnings_label.setText("\n".join(WARNING_SHOWN_AS + w for w in self._warnings))
            self.warnings_label.setVisible(True)

    def clear_warnings(self) -> None:
        """A new build starts: the last one's warnings no longer apply."""
        self._warnings.clear()
        self.warnings_label.clear()
        self.warnings_label.setVisible(False)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """View > Dark palette: the warning colour is shaded anew for the new window colour."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()

    def _restyle(self) -> None:
        background = self.palette().color(QPalette.ColorRole.Window)
        color = theme.readable_on(WARNING_AMBER, background).name()
        style = f"color: {color};"
        if self.warnings_label.styleSheet() != style:  # a style sheet change is itself a palette change
            self.warnings_label.setStyleSheet(style)
