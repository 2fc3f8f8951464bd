"""The Profile workspace's headline: the summary of the report shown, above the layer table.

Why a view of its own: the headline is the part of the workspace whose length changes most with the report -- a
board's totals, the runtime memory the model stores and its latency_ms line add sentences -- and at 16 pt in a
1280x720 window all of them took the cycle chart's room below, cutting its axis title. So the headline shows a few
lines and scrolls for the rest, and its text stays selectable, by mouse and (a Tab stop) by keyboard, to be quoted
in a review. What it says is :mod:`workbench.gui.model.profile_summary`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from workbench.gui.model.profile_summary import kept_measurement_html, summary_html
from workbench.gui.widgets.vertical_scroll_area import VerticalScrollArea
from workbench.profiler.report import ProfileReport, ProfileSummary

# lines of the headline in sight: a board's totals, the stored runtime memory and the latency_ms line scroll beyond,
# so that at 16 pt in a 1280x720 window the chart keeps the room of its axis title
HEADLINE_LINES = 5
SELECTABLE_TEXT = Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard


class ProfileHeadlineView(VerticalScrollArea):
    """The headline's text in :attr:`summary_label` (:meth:`show_report`), :data:`HEADLINE_LINES` lines in sight."""

    def __init__(self, parent: QWidget | None = None) -> None:
        # the label in a widget with a layout, so that a new text's height reaches the scroll area
        contents = QWidget()
        label = QLabel(contents)
        label.setWordWrap(True)
        label.setTextInteractionFlags(SELECTABLE_TEXT)
        label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches the text to select it by keyboard
        layout = QVBoxLayout(contents)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        super().__init__(contents, "Profile summary", parent, max_lines=HEADLINE_LINES)
        self.summary_label = label

    def show_report(self, report: ProfileReport, kept: Sequence[ProfileSummary]) -> None:
        """Say what ``report`` estimates (and measured), then where the board measurements ``kept`` for its model
        and not shown can be seen."""
        self.summary_label.setText(summary_html(report) + kept_measurement_html(kept))

    def show_problem(self, sentence: str) -> None:
        """Say why there is no report to show (one sentence naming the model)."""
        self.summary_label.setText(sentence)
