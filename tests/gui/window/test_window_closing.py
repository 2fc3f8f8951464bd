"""Closing the window over running work, with real ``kws`` children: a sweep and a dataset build are asked
about first; a No keeps everything running, a Yes stops the child and the window goes (after a sweep has
stopped, without freezing meanwhile).

The long-running child is ``kws dataset download`` from a local server that stalls (as in
``tests/gui/test_kws_child_process.py``): it runs until it is stopped, like a sweep or a build, without Ray
or speech engines.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.gui.test_kws_child_process import CHILD_TIMEOUT_MS, StalledServer, assert_gone

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process ids are checked the POSIX way")


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with StalledServer() as stalled:
        yield stalled


def download_args(server: StalledServer, tmp_path: Path) -> list[str]:
    return ["dataset", "download", "speech_commands_v2", "--dest", str(tmp_path / "dest"), "--url", server.url()]


def test_closing_during_a_sweep_asks_and_closes_once_the_sweep_has_stopped(qtbot, window, server: StalledServer,
                                                                           tmp_path: Path) -> None:
    sweeps = window.training.sweeps
    sweeps.process.start_command(download_args(server, tmp_path), out_folder=tmp_path / "sweep")
    qtbot.waitUntil(server.requested.is_set, timeout=CHILD_TIMEOUT_MS)
    pid = sweeps.process.pid
    questions: list[str] = []
    sweeps.ask = lambda _parent, question: questions.append(question) or False
    window.close()
    assert questions == ["A sweep is running. Stop it and close?"]
    assert window.isVisible() and sweeps.process.running  # No: nothing stopped
    os.kill(pid, 0)

    sweeps.ask = lambda _parent, question: questions.append(question) or True
    window.close()
    # the close returns at once: the window stays (responsive) and says it is stopping; it closes by itself
    assert window.isVisible() and "Stopping the sweep" in window.statusBar().currentMessage()
    assert "stopping every trial" in sweeps.status_label.text()
    window.close()  # a second click while it stops asks nothing more
    assert len(questions) == 2
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=CHILD_TIMEOUT_MS)
    assert not sweeps.process.running
    assert_gone(pid)


def test_closing_during_a_dataset_build_asks_stops_the_build_and_closes_the_builder(qtbot, window,
                                                                                   server: StalledServer,
                                                                                   tmp_path: Path) -> None:
    builder = window.training.training.open_dataset_builder()
    builder.child.start(*download_args(server, tmp_path))
    qtbot.waitUntil(server.requested.is_set, timeout=CHILD_TIMEOUT_MS)
    pid = builder.child.pid
    questions: list[str] = []
    builder.ask = lambda _parent, question: questions.append(question) or False
    window.close()
    assert len(questions) == 1 and questions[0].startswith("A dataset build is running. Stop it")
    assert window.isVisible() and builder.isVisible() and builder.child.running
    builder.reject()  # Escape in the builder asks too, instead of hiding a running build
    assert len(questions) == 2 and builder.isVisible() and builder.child.running

    builder.ask = lambda _parent, question: questions.append(question) or True
    window.close()
    assert len(questions) == 3
    assert not window.isVisible() and not builder.isVisible() and not builder.child.running
    assert_gone(pid)


def test_the_stop_question_defaults_to_no_so_enter_never_stops_work(  # type: ignore[no-untyped-def]
        qtbot, window) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from workbench.gui.window.window_closing import ask_yes_no

    seen: list[str] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, press_enter)
    assert ask_yes_no(window, "Work in progress", "Stop it and close?") is False
    assert seen == ["Stop it and close?"]
