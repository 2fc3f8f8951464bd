"""The Calibration workspace on a stand-in host, with no model loaded: for tests that open saved reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace


@pytest.fixture
def workspace(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    host = WorkspaceHostDouble(tmp_path)
    view = CalibrationWorkspace(host)
    qtbot.addWidget(view)
    yield view
    view.shutdown()
    host.controller.close()
