"""The note under the Board workspace's Commander box follows what the last job found, not the window's start."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board, board_factory, commander, profiler_image  # noqa: E402,F401

from workbench.gui.board import BoardWorkspace  # noqa: E402
from tests.gui.board.board_workspace_steps import RUN_TIMEOUT_MS, use_board, wait_idle  # noqa: E402

NOT_FOUND = "Simplicity Commander was not found"


def test_a_profile_through_commander_installed_after_the_start_takes_down_not_found(
        window, qtbot, monkeypatch, tmp_path, commander, board, profiler_image) -> None:
    """Commander installed (put on PATH) while the window is open: before, the run used it and succeeded, and the
    note under the box went on saying it was not found, as it was when the workspace was built."""
    path_with_commander = os.environ["PATH"]
    empty = tmp_path / "no-commander-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no Simplicity Studio of this machine's user either
    ws = BoardWorkspace(window, watch_ports=False)
    qtbot.addWidget(ws)
    try:
        assert NOT_FOUND in ws.connection.commander_state.text()
        monkeypatch.setenv("PATH", path_with_commander)  # the user installs Commander
        use_board(ws, board, profiler=profiler_image)
        with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS):
            qtbot.mouseClick(ws.profile_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, ws)
        assert window.last_error is None and any(call[:1] == ["flash"] for call in commander.calls())
        assert NOT_FOUND not in ws.connection.commander_state.text()
        assert ws.connection.commander_state.text() == f"using {commander.bin_dir / 'commander'}"
    finally:
        ws.shutdown()
