"""The Training workspace: one training run, or a sweep of many, each on its own tab.

Why together: both end in a model to use (``host.open_model``) and both run children that must stop
cleanly when the window closes, so the window sees one workspace that asks each tab before closing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTabWidget, QWidget

from workbench.gui.training.sweeps.sweep_view import SweepView
from workbench.gui.training.training_workspace import TrainingWorkspace


class TrainingArea(QTabWidget):
    """"Train" (:class:`TrainingWorkspace`) and "Sweeps" (:class:`SweepView`)."""

    def __init__(self, host: Any, dark: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.training = TrainingWorkspace(host)
        self.sweeps = SweepView(host, dark=dark)
        self.addTab(self.training, "Train")
        self.addTab(self.sweeps, "Sweeps")
        self.setTabToolTip(0, "Train one model on your datasets and evaluate it (kws train)")
        self.setTabToolTip(1, "Search settings and architectures over many trainings on Ray (kws sweep)")
        self.setAccessibleName("Train or sweep")  # its tab bar is the Tab stop, read out by this name

    def set_dark(self, dark: bool) -> None:
        """Restyle both tabs' charts for the palette (the window calls it when View > Dark palette changes)."""
        self.training.set_dark(dark)
        self.sweeps.set_dark(dark)

    def confirm_close(self) -> bool:
        return self.training.confirm_close() and self.sweeps.confirm_close()

    def shutdown(self) -> None:
        self.training.shutdown()
        self.sweeps.shutdown()
