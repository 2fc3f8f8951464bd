"""The stream dialog as the Calibration workspace's Build… opens it, for tests that look at what it starts with."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.gui.calibration import stream_dialog
from workbench.gui.calibration.stream_dialog import StreamDialog


def dialog_of_build(  # type: ignore[no-untyped-def]
        workspace, model: Path, monkeypatch: pytest.MonkeyPatch) -> StreamDialog:
    """The dialog Build… opens while ``model`` is the model to calibrate (cancelled: it never stays open)."""
    workspace.inputs.use_loaded.setChecked(False)
    workspace.inputs.model_edit.setText(str(model))
    opened: list[StreamDialog] = []
    monkeypatch.setattr(stream_dialog.StreamDialog, "exec", lambda dialog: opened.append(dialog) or 0)
    workspace.build_stream()
    [dialog] = opened
    return dialog
