"""The Board workspace's progress bar: what the job's current step shows of its progress.

Why a class: a board job's steps report a percentage (flashing, a download), or nothing (a reset, the board's
own run), and the job ends done, cancelled or failed; each state is a range, a value and a label together, which
the workspace had set by hand in five places.
"""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QWidget

from workbench.gui.board.board_task import BUSY

FULL = 100


class JobProgressBar(QProgressBar):
    """:meth:`busy` while a step says nothing of its progress, :meth:`step` as it reports, :meth:`done` or
    :meth:`clear_job` at the end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, FULL)
        self.setValue(0)

    @property
    def is_busy(self) -> bool:
        """Whether it shows a step without a percentage (a moving bar)."""
        return self.maximum() == 0

    def busy(self, what: str) -> None:
        self.setRange(0, 0)
        self.setFormat(what)

    def step(self, what: str, percent: int) -> None:
        """``percent`` of the step ``what`` (``BUSY``: it cannot say)."""
        if percent == BUSY:
            self.busy(what)
            return
        self.setRange(0, FULL)
        self.setValue(percent)
        self.setFormat(f"{what} %p%")

    def done(self, name: str) -> None:
        self.setRange(0, FULL)
        self.setValue(FULL)
        self.setFormat(f"{name}: done")

    def clear_job(self) -> None:
        """No job's progress (cancelled, failed, or a job that never reported)."""
        self.setRange(0, FULL)
        self.setValue(0)
        self.setFormat("")
