"""Fixtures of the Training workspace's tests."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.gui.training.sweeps.sweep_view import SweepView
from workbench.gui.training.training_workspace import TrainingWorkspace

SPECS_TIMEOUT_MS = 60_000  # a safety net for a hung `kws specs` child, not a timing of the test


@pytest.fixture
def training_workspace(qtbot, tmp_path: Path) -> Iterator[TrainingWorkspace]:  # type: ignore[no-untyped-def]
    """A shown Training workspace on a host double, once its spec list (a real `kws specs` child) arrived."""
    ws = TrainingWorkspace(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(ws)
    ws.show()
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=SPECS_TIMEOUT_MS)
    yield ws
    ws.shutdown()


@pytest.fixture
def sweep_view(qtbot, tmp_path: Path) -> Iterator[SweepView]:  # type: ignore[no-untyped-def]
    """A shown Sweeps view on a host double; shut down (its sweep child stopped) after the test."""
    widget = SweepView(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.shutdown()
