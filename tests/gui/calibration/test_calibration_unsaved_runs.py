"""A finished calibration whose report was not saved, under a second run or another report: nothing of it is
deleted without asking (a second run asks before it starts), and what the workspace says and offers follows (real `kws calibrate` children)."""

from __future__ import annotations

import json
import shutil

import numpy as np
from PySide6.QtCore import Qt

from tests.calibration.conftest import speech_commands  # noqa: F401  (fixtures)
from tests.gui.calibration.test_calibration_workspace import (  # noqa: F401  (fixtures)
    RUN_TIMEOUT_MS, run_to_end, stream, workspace,
)
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.gui.calibration import calibration_dialogs as dialogs

LONG_STREAM_REPEATS = 8  # 12 minutes of the 1.5 min stream: seconds of replay to act in


def test_a_second_run_asks_about_the_first_runs_unsaved_results_and_a_cancel_says_them(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path, monkeypatch) -> None:  # noqa: F811
    view, host = workspace, workspace.host
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    first, recommendation = view._run_folder, view.status.text()
    assert recommendation.startswith("Recommended for ≤ 100 FA/h")
    report = tmp_path / "report"
    shutil.copytree(first / "run", report)  # a report of the user's (not a save: the run stays unsaved)
    long_stream = tmp_path / "long.wav"
    save_wav(long_stream, np.tile(load_audio(stream).samples, LONG_STREAM_REPEATS))
    events = json.loads(stream.with_suffix(".json").read_text())["events"]  # not its record of a shorter stream
    (tmp_path / "long.json").write_text(json.dumps({"events": events}))
    view.inputs.set_stream(long_stream)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.inputs.stream_edit.setFocus()
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_rerun_results", lambda _parent: asked.append("rerun") or dialogs.DISCARD)
    with qtbot.waitSignal(view.child.progress, timeout=RUN_TIMEOUT_MS):
        qtbot.keyClick(view.inputs.stream_edit, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Run, from a field
    assert view.running and view.focusWidget() is view.cancel_button
    assert asked == ["rerun"] and first.is_dir()  # asked before the run; deleted only when it finishes

    assert not view.open_report_button.isEnabled()  # its results would replace the report
    assert not view.open_report(report) and host.errors == [
        "a calibration is running: cancel it, or let it finish, before opening a report"]

    asked.clear()
    monkeypatch.setattr(dialogs, "ask_stop_running", lambda _parent: asked.append("stop") or True)
    monkeypatch.setattr(dialogs, "ask_unsaved_results", lambda _parent: asked.append("unsaved") or dialogs.CANCEL)
    assert view.confirm_close() is False and asked == ["stop", "unsaved"]  # Yes to stopping, Cancel to losing
    assert view.running and first.is_dir()

    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.running, timeout=RUN_TIMEOUT_MS)
    assert view.status.text() == ("cancelled; the results shown are still the earlier calibration's "
                                  f"({stream.with_suffix('.json').name}):\n{recommendation}")
    assert view.focusWidget() is view.run_button and view.open_report_button.isEnabled()
    assert first.is_dir() and view.unsaved_results and len(host.errors) == 1


def test_opening_a_report_over_unsaved_results_asks_and_keeps_the_runs_own_folder(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path, monkeypatch) -> None:  # noqa: F811
    view, host = workspace, workspace.host
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    run_folder = view._run_folder
    report = tmp_path / "report"
    shutil.copytree(run_folder / "run", report)
    answers = iter([dialogs.CANCEL, dialogs.DISCARD])
    asked: list[object] = []
    monkeypatch.setattr(dialogs, "ask_replacing_results", lambda parent: asked.append(parent) or next(answers))

    assert view.open_report(run_folder / "run" / "calibration.json")  # the run shown, opened again: kept
    assert asked == [] and (view.output.folder / "scores.npz").is_file() and view.unsaved_results

    shown = view.output
    assert not view.open_report(report)  # Cancel: nothing changes
    assert asked == [view] and view.output is shown and run_folder.is_dir()
    assert view.open_report(report)  # Discard: the run's temporary folder goes, the report is shown
    assert len(asked) == 2 and view.output.folder == report and not run_folder.exists()
    assert not view.unsaved_results and host.errors == []


def test_a_run_that_finishes_while_the_stop_question_is_up_is_asked_about(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, monkeypatch) -> None:  # noqa: F811
    """The window's close asked "Stop it and close?"; the run finished behind the question, and a Yes then deleted
    its results unasked (whether they were unsaved was decided before the question)."""
    view = workspace
    view.inputs.set_stream(stream)
    with qtbot.waitSignal(view.child.progress, timeout=RUN_TIMEOUT_MS):
        view.run()
    asked: list[str] = []

    def stop_after_it_finished(_parent) -> bool:  # type: ignore[no-untyped-def]
        asked.append("stop")
        qtbot.waitUntil(lambda: not view.running, timeout=RUN_TIMEOUT_MS)  # the user reads slowly
        return True

    monkeypatch.setattr(dialogs, "ask_stop_running", stop_after_it_finished)
    monkeypatch.setattr(dialogs, "ask_unsaved_results", lambda _parent: asked.append("unsaved") or dialogs.CANCEL)
    assert view.confirm_close() is False and asked == ["stop", "unsaved"]
    assert view.unsaved_results and view._run_folder.is_dir()


def test_a_second_run_over_unsaved_results_is_not_started_on_cancel_and_saves_them_first_on_save(  # type: ignore[no-untyped-def]
        qtbot, workspace, stream, tmp_path, monkeypatch) -> None:  # noqa: F811
    from PySide6.QtWidgets import QFileDialog

    view = workspace
    view.inputs.set_stream(stream)
    run_to_end(qtbot, view)
    first, shown = view._run_folder, view.output
    answers = iter([dialogs.CANCEL, dialogs.SAVE])
    asked: list[object] = []
    monkeypatch.setattr(dialogs, "ask_rerun_results", lambda parent: asked.append(parent) or next(answers))
    report = tmp_path / "report"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_args: str(report)))
    assert not view.run() and not view.running  # Cancel: nothing starts, nothing is lost
    assert asked == [view] and view.output is shown and first.is_dir() and view.unsaved_results
    with qtbot.waitSignal(view.child.progress, timeout=RUN_TIMEOUT_MS):
        assert view.run()  # Save report…: saved into the chosen folder, then the run starts
    assert len(asked) == 2 and (report / "calibration.json").is_file() and not view.unsaved_results
    qtbot.waitUntil(lambda: not view.running, timeout=RUN_TIMEOUT_MS)
    assert view.unsaved_results and view._run_folder != first  # the new run's results, not saved yet
    assert (report / "calibration.json").is_file()
