"""The sweep view's form, before any sweep runs (no Ray needed): an empty or wrong sweep file is one sentence."""

from __future__ import annotations

from pathlib import Path

from tests.gui.workspace_host_double import WorkspaceHostDouble


def test_an_empty_or_missing_sweep_file_is_a_message(qtbot, tmp_path: Path) -> None:
    from workbench.gui.training.sweeps.sweep_view import SweepView

    view = SweepView(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(view)
    view.sweep_edit.setText("  ")
    assert not view.start() and view.host.errors == ["Choose a sweep file first."]
    view.sweep_edit.setText(str(tmp_path / "absent.toml"))
    assert not view.start()
    assert view.host.errors[-1] == f"Choose a sweep file: {tmp_path / 'absent.toml'} is not a file."
    assert not view.process.running and view.run_button.isEnabled()


def test_the_form_comes_back_in_the_next_session_and_browsing_starts_beside_it(qtbot, tmp_path: Path,
                                                                             monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from workbench.gui.training.sweeps.sweep_view import SweepView

    first = SweepView(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(first)
    first.sweep_edit.setText(str(tmp_path / "sweeps" / "small.toml"))
    first.out_edit.setText(str(tmp_path / "runs" / "out"))
    first.address_edit.setText("ray://head:10001")
    first.concurrent_spin.setValue(3)
    first.shutdown()  # the window's close

    again = SweepView(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(again)
    assert again.sweep_edit.text() == str(tmp_path / "sweeps" / "small.toml")
    assert again.out_edit.text() == str(tmp_path / "runs" / "out")
    assert again.address_edit.text() == "ray://head:10001" and again.concurrent_spin.value() == 3
    starts: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda _parent, _caption, start, *_args: starts.append(start) or ("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda _parent, _caption, start, *_args: starts.append(start) or ""))
    again._choose_sweep()
    again._choose_out()
    assert starts == [str(tmp_path / "sweeps"), str(tmp_path / "runs")]


def test_a_form_closed_untouched_keeps_what_another_window_chose(qtbot, tmp_path: Path) -> None:
    """Two windows share the settings file: the one closed last, never touched, wrote its empty form over the
    other's choices. Only fields changed in a window are written."""
    from workbench.gui.training.sweeps.sweep_view import SweepView
    from tests.gui.workspace_host_double import SETTINGS_FILE

    first, second = SweepView(WorkspaceHostDouble(tmp_path)), SweepView(WorkspaceHostDouble(tmp_path))
    for view in (first, second):
        qtbot.addWidget(view)
    first.out_edit.setText(str(tmp_path / "runs" / "out"))
    second.concurrent_spin.setValue(3)
    first.shutdown()
    second.shutdown()
    again = SweepView(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(again)
    assert again.out_edit.text() == str(tmp_path / "runs" / "out") and again.concurrent_spin.value() == 3
    assert (tmp_path / SETTINGS_FILE).is_file()
