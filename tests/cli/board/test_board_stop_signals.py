"""``kws board console`` and ``classify`` stopped by Ctrl+C or SIGTERM: real child processes on real ptys (the
classifier on the board simulator), a real log file."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import tty
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board_factory, classifier_image, commander, server  # noqa: E402,F401

from workbench.child_command import EXIT_CANCELLED, kws_command  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="ptys and SIGTERM are POSIX")

BOARD_LINES = ("hello board", "line two")
EXIT_WAIT_S = 60  # a safety net for a hung child, not a timing assertion


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_console_stops_cleanly_writes_the_log_and_exits_130(tmp_path: Path, stop: signal.Signals) -> None:
    master, slave = pty.openpty()
    tty.setraw(slave)
    log = tmp_path / "console.log"
    proc = subprocess.Popen(kws_command("board", "console", "--port", os.ttyname(slave), "--log", str(log)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        while "listening on" not in (line := proc.stderr.readline()):
            assert line, "kws board console ended before it listened"
        os.write(master, ("\r\n".join(BOARD_LINES) + "\r\n").encode())
        shown = [proc.stdout.readline().rstrip("\n") for _ in BOARD_LINES]
        assert shown == list(BOARD_LINES)
        proc.send_signal(stop)
        _, err = proc.communicate(timeout=EXIT_WAIT_S)
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
        os.close(slave)
    assert proc.returncode == EXIT_CANCELLED, err
    assert "Traceback" not in err and "board: stopped" in err
    assert log.read_text() == "".join(f"{text}\n" for text in BOARD_LINES)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_classify_stops_cleanly_and_exits_130(board_factory, commander, classifier_image,  # noqa: F811
                                              reference_model_path: Path, stop: signal.Signals) -> None:
    from workbench.board.commander import Commander
    from workbench.board.flashing.programming import program_board

    sim = board_factory(time_scale=0.01, passes=1)
    program_board(Commander.find(), image=classifier_image, tflite=reference_model_path.read_bytes())
    proc = subprocess.Popen(kws_command("board", "classify", str(reference_model_path), "--port", str(sim.port),
                                        "--no-flash"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        while "press the board's reset button" not in (line := proc.stderr.readline()):
            assert line, "kws board classify ended before it waited for the board"
        sim.press_reset()
        while "detected" not in (line := proc.stdout.readline()):
            assert line, "kws board classify ended before the first detection"
        proc.send_signal(stop)
        _, err = proc.communicate(timeout=EXIT_WAIT_S)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == EXIT_CANCELLED, err
    assert "Traceback" not in err and "board: stopped" in err
