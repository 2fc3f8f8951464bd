"""The ``kws`` child wrapper with real ``kws`` children: its lines, its error line, Cancel by signal or stop
file, an interrupt from elsewhere under both cancel policies, a child that cannot start, and no process left.

The long-running child is ``kws dataset download`` from a local server that answers and then sends
nothing: it runs until it is stopped, and its Ctrl-C handler exits with 130 like every long ``kws`` command.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from workbench.child_command import kws_command
from workbench.core.audio.audio_file import save_wav
from workbench.gui.kws_child_process import (CANCELLED, ERROR_PREFIX, EXIT_CANCELLED, FAILED, SUCCEEDED,
                                             CancelPolicy, KwsChildProcess, StopSignal)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signals and process ids are checked the POSIX way")

CHILD_TIMEOUT_MS = 60_000  # a Python start with NumPy and LiteRT, on a busy machine
SAMPLE_RATE = 16_000
CLIP_S = 1
DETECT = ("detect", "--format", "jsonl", "--scores")
ANNOUNCED_BYTES = 1 << 30  # the stalled download's length: never reached
ACCEPT_POLL_S = 0.2  # how often the stalled server's thread looks whether the test is over (a closed socket
# does not wake a thread blocked in accept on Linux, and a test that failed before its request hung in teardown)
INTERRUPTED = "kws: interrupted"  # the start of what a kws command prints when Ctrl-C stopped it


class StalledServer:
    """An HTTP server that answers one GET with headers and a few bytes, then sends nothing until closed."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.requested = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}/speech_commands.tar.gz"

    def _serve(self) -> None:
        self._listener.settimeout(ACCEPT_POLL_S)
        while True:
            try:
                connection, _ = self._listener.accept()
                break
            except socket.timeout:
                if self._closed.is_set():
                    return  # closed before any request
            except OSError:
                return
        connection.settimeout(None)
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % ANNOUNCED_BYTES + b"\0" * 1024)
            self.requested.set()
            self._closed.wait()

    def __enter__(self) -> "StalledServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed.set()
        self._listener.close()
        self._thread.join()


class Recorder:
    """Every line and the outcomes a wrapper emitted."""

    def __init__(self, child: KwsChildProcess) -> None:
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.outcomes: list[tuple[str, str]] = []
        child.stdout_line.connect(self.stdout.append)
        child.stderr_line.connect(self.stderr.append)
        child.ended.connect(lambda outcome, error: self.outcomes.append((outcome, error)))

    def interrupted(self) -> bool:
        return any(line.startswith(INTERRUPTED) for line in self.stderr)


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with StalledServer() as stalled:
        yield stalled


def make_child(policy: CancelPolicy = CancelPolicy(), read_stdout: bool = True) -> tuple[KwsChildProcess, Recorder]:
    child = KwsChildProcess("the test command", policy, read_stdout=read_stdout)
    return child, Recorder(child)


def silence(path: Path) -> Path:
    return save_wav(path, np.zeros(SAMPLE_RATE * CLIP_S, dtype=np.int16), SAMPLE_RATE)


def direct_run_lines(*args: str) -> list[str]:
    """The same command's stdout, run without the wrapper: what the wrapper must hand on line by line."""
    return subprocess.run(kws_command(*args), capture_output=True, text=True, check=True).stdout.splitlines()


def start_long_run(qtbot, child: KwsChildProcess, server: StalledServer, tmp_path: Path,  # type: ignore[no-untyped-def]
                   out_folder: Path | None = None) -> int:
    """Start a download that runs until it is stopped; return its pid once it is inside kws, downloading."""
    child.start_command(("dataset", "download", "speech_commands_v2", "--dest", str(tmp_path / "dest"),
                         "--url", server.url()), out_folder)
    assert child.running
    qtbot.waitUntil(server.requested.is_set, timeout=CHILD_TIMEOUT_MS)
    return child.pid


def assert_gone(pid: int) -> None:
    assert pid > 0
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_failing_command_fails_with_its_error_line(qtbot, tmp_path: Path) -> None:
    child, recorder = make_child()
    missing = tmp_path / "missing.tflite"
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        child.start_command(("info", str(missing)))
    assert recorder.outcomes == [(FAILED, f"model file not found: {missing}")]
    assert f"{ERROR_PREFIX}model file not found: {missing}" in recorder.stderr
    assert not child.running and child.pid == 0


def test_a_finished_command_succeeds_and_every_output_line_arrives(qtbot, tmp_path: Path) -> None:
    clip = silence(tmp_path / "short.wav")
    expected = direct_run_lines(*DETECT, str(clip))
    child, recorder = make_child()
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        child.start_command((*DETECT, str(clip)))
    assert recorder.outcomes == [(SUCCEEDED, "")]
    assert recorder.stdout == expected and all(json.loads(line)["type"] for line in recorder.stdout)


def test_stdout_can_be_discarded(qtbot, tmp_path: Path) -> None:
    child, recorder = make_child(read_stdout=False)
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        child.start_command((*DETECT, str(silence(tmp_path / "short.wav"))))
    assert recorder.outcomes == [(SUCCEEDED, "")] and recorder.stdout == []


def test_cancel_interrupts_a_long_command_and_leaves_no_process(qtbot, server: StalledServer, tmp_path: Path) -> None:
    child, recorder = make_child(CancelPolicy(stop_signal=StopSignal.INTERRUPT))
    pid = start_long_run(qtbot, child, server, tmp_path)
    with pytest.raises(RuntimeError):
        child.start_command(("info",))
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        child.cancel()
        child.cancel()  # a second click sends nothing more
    assert recorder.outcomes == [(CANCELLED, "")]
    assert recorder.interrupted()  # stopped by its Ctrl-C handler, not killed
    assert not child.running
    assert_gone(pid)


def _recording_kills(monkeypatch) -> list[tuple[int, int]]:
    """The signals Cancel sends, recorded (and sent)."""
    import workbench.gui.kws_child_process as child_module

    sent: list[tuple[int, int]] = []
    real_kill = os.kill
    monkeypatch.setattr(child_module.os, "kill", lambda pid, sig: (sent.append((pid, sig)), real_kill(pid, sig)))
    return sent


def test_cancel_with_a_stop_file_creates_it_sends_sigterm_and_removes_it_after(qtbot, server: StalledServer,
                                                                              tmp_path: Path, monkeypatch) -> None:
    sent = _recording_kills(monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    child, recorder = make_child(CancelPolicy(stop_signal=StopSignal.TERMINATE, stop_file="STOP"))
    pid = start_long_run(qtbot, child, server, tmp_path, out_folder=out)
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        child.cancel()
        assert (out / "STOP").is_file()
    assert recorder.outcomes == [(CANCELLED, "")]
    assert sent == [(pid, signal.SIGTERM)]  # SIGTERM, not Ctrl-C (the download stops the same way on both)
    assert not (out / "STOP").exists() and child.out_folder == out
    assert_gone(pid)


def test_cancel_never_makes_the_output_folder_for_its_stop_file(qtbot, server: StalledServer, tmp_path: Path,
                                                                 monkeypatch) -> None:
    sent = _recording_kills(monkeypatch)
    out = tmp_path / "out"  # deleted or moved while the child ran (or not made yet): the signal alone stops it
    child, recorder = make_child(CancelPolicy(stop_signal=StopSignal.TERMINATE, stop_file="STOP"))
    pid = start_long_run(qtbot, child, server, tmp_path, out_folder=out)
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        child.cancel()
        assert not out.exists()
    assert recorder.outcomes == [(CANCELLED, "")]
    assert sent == [(pid, signal.SIGTERM)]
    assert not out.exists()
    assert_gone(pid)


def test_an_output_folder_made_again_at_its_path_is_gone_and_gets_no_stop_file(qtbot, server: StalledServer,
                                                                               tmp_path: Path, monkeypatch) -> None:
    # Ray Tune makes a deleted sweep folder's OUT/ray again within seconds: Cancel saw a folder there, called the
    # output folder there, and wrote its STOP file into the folder made again (which then stayed at the old path)
    sent = _recording_kills(monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    child, recorder = make_child(CancelPolicy(stop_signal=StopSignal.TERMINATE, stop_file="STOP"))
    pid = start_long_run(qtbot, child, server, tmp_path, out_folder=out)
    assert not child.folder_gone  # the child has said nothing of its folder yet
    child.note_folder_made()  # (a subclass does it at the child's first progress line)
    assert not child.folder_gone
    out.rename(tmp_path / "moved")
    assert child.folder_gone
    out.mkdir()  # another folder at the same path
    assert child.folder_gone and str(out) in child.stopping_without_folder()
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        child.cancel()
        assert list(out.iterdir()) == []
    assert recorder.outcomes == [(CANCELLED, "")] and sent == [(pid, signal.SIGTERM)]
    assert list(out.iterdir()) == [] and list((tmp_path / "moved").iterdir()) == []
    assert_gone(pid)


def test_a_stale_stop_file_is_removed_before_the_start(qtbot, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "STOP").touch()
    child, recorder = make_child(CancelPolicy(stop_file="STOP"))
    child.start_command(("info", str(tmp_path / "missing.tflite")), out_folder=out)
    assert not (out / "STOP").exists()
    qtbot.waitUntil(lambda: recorder.outcomes != [], timeout=CHILD_TIMEOUT_MS)


@pytest.mark.parametrize("cancel_is_final, expected", [
    (False, (CANCELLED, "")),
    (True, (FAILED, f"the test command stopped unexpectedly (exit code {EXIT_CANCELLED})")),
])
def test_an_interrupt_from_elsewhere_follows_the_policy(qtbot, server: StalledServer, tmp_path: Path,
                                                        cancel_is_final: bool, expected: tuple[str, str]) -> None:
    child, recorder = make_child(CancelPolicy(cancel_is_final=cancel_is_final))
    pid = start_long_run(qtbot, child, server, tmp_path)
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        os.kill(pid, signal.SIGINT)  # Ctrl-C in the terminal the window was started from
    assert recorder.outcomes == [expected] and recorder.interrupted()  # it exited 130 from its Ctrl-C handler
    assert_gone(pid)


def test_wait_stopped_kills_a_child_that_does_not_stop_in_time(qtbot, server: StalledServer, tmp_path: Path) -> None:
    child, recorder = make_child()
    pid = start_long_run(qtbot, child, server, tmp_path)
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        child.wait_stopped(timeout_ms=1)  # it was never asked to stop: it is killed
    assert len(recorder.outcomes) == 1 and recorder.outcomes[0][0] == FAILED
    assert not recorder.interrupted()
    assert_gone(pid)


def test_a_child_that_cannot_start_fails_with_a_message(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    child, recorder = make_child()
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):
        child.start_command(("info",))
    assert len(recorder.outcomes) == 1
    outcome, error = recorder.outcomes[0]
    assert outcome == FAILED and error.startswith("cannot start the test command: ")
    assert not child.running


def test_a_policy_that_insists_sends_its_signal_again_before_the_kill(qtbot, server: StalledServer, tmp_path: Path,
                                                                     monkeypatch) -> None:
    # kws sweep takes a second SIGTERM as "stop at once, results kept": a sweep slow to stop used to get nothing
    # more until the kill, which lost its finished trials' results. The first signal is kept from the child here (a
    # child slow to stop); the second, sent on its own, stops it long before the kill.
    import workbench.gui.kws_child_process as child_module

    sent: list[tuple[int, int]] = []
    real_kill = os.kill

    def second_only(pid: int, sig: int) -> None:
        sent.append((pid, sig))
        if len(sent) > 1:
            real_kill(pid, sig)

    monkeypatch.setattr(child_module.os, "kill", second_only)
    insist_ms, kill_ms = 300, 10 * CHILD_TIMEOUT_MS
    child, recorder = make_child(CancelPolicy(stop_signal=StopSignal.TERMINATE, kill_after_ms=kill_ms,
                                              cancel_is_final=False, insist_after_ms=insist_ms))
    pid = start_long_run(qtbot, child, server, tmp_path)
    child.cancel()
    assert sent == [(pid, signal.SIGTERM)]  # the first: nothing more at once
    with qtbot.waitSignal(child.ended, timeout=CHILD_TIMEOUT_MS):  # far before the kill
        pass
    assert sent == [(pid, signal.SIGTERM), (pid, signal.SIGTERM)]
    assert recorder.outcomes == [(CANCELLED, "")]  # stopped by its own handler (exit 130), not killed
    assert_gone(pid)


def test_the_sweeps_cancel_insists_before_it_kills() -> None:
    from workbench.gui.training.sweeps.sweep_process import CANCEL_POLICY

    assert CANCEL_POLICY.stop_signal is StopSignal.TERMINATE  # kws sweep's second SIGTERM: stop at once, results kept
    assert 0 < CANCEL_POLICY.insist_after_ms < CANCEL_POLICY.kill_after_ms
