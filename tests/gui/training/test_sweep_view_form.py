"""The sweep view's form, before any sweep runs (no Ray needed): an empty or wrong sweep file is one sentence."""

from __future__ import annotations

from pathlib import Path

from tests.gui.workspace_host_double import WorkspaceHostDouble


def test_an_empty_or_missing_sweep_file_is_a_message(qtbot, tmp_path: Path) -> None:
    from workbench.gui.training.sweep_view import SweepView

    view = SweepView(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(view)
    view.sweep_edit.setText("  ")
    assert not view.start() and view.host.errors == ["Choose a sweep file first."]
    view.sweep_edit.setText(str(tmp_path / "absent.toml"))
    assert not view.start()
    assert view.host.errors[-1] == f"Choose a sweep file: {tmp_path / 'absent.toml'} is not a file."
    assert not view.process.running and view.run_button.isEnabled()
