"""A ``kws`` child process inside a Ray worker: its JSON-lines progress, and a clean stop.

Why this care: a trial's ``kws train`` must end cleanly whenever the trial ends -- finished, stopped
early by ASHA, cancelled, or its Ray worker gone -- or the machine fills with orphaned trainings.

* The child gets its own process group (a terminal's Ctrl+C reaches only ``kws sweep``, which then
  stops the trials in order, instead of every training at once).
* Ray starts its workers with SIGINT blocked; a blocked signal survives ``exec``, so the child would
  never see the stop request. The child unblocks SIGINT/SIGTERM before it starts.
* On Linux the child is told to receive SIGTERM when the worker dies (``PR_SET_PDEATHSIG``): the
  same clean stop as SIGINT, so even a killed worker leaves no training running. The kernel sends it
  when the *thread* that started the child ends, so it is asked for only from the main thread (where
  Ray runs a trial's methods), never from a short-lived thread.
* A stop is ONE SIGINT (a second one means "stop now" to ``kws train``), then a wait, then a kill
  after ``grace_s``. On Windows the child is a new process group stopped with CTRL_BREAK.

Stdout lines are read by a thread into a queue, so the trial can notice a cancel request while the
child is silent, and the pipe never fills up while nobody reads it.
"""

from __future__ import annotations

import ctypes
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Sequence

STOP_GRACE_S = 30.0  # after the stop request, before the child is killed
PR_SET_PDEATHSIG = 1
END_OF_OUTPUT = None  # queued when stdout closes


def _linux_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


class ChildProcess:
    """``argv`` running with stdout as JSON lines (see :meth:`next_event`) and stderr into a file."""

    def __init__(self, argv: Sequence[str], stderr_path: Path, env: dict[str, str] | None = None) -> None:
        self.argv = list(argv)
        self._stop_sent = False
        self._lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr = open(stderr_path, "ab")
        prctl = _linux_prctl() if threading.current_thread() is threading.main_thread() else None

        def prepare_child() -> None:  # runs in the child between fork and exec (POSIX only)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
            if prctl is not None:
                prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)

        options: dict[str, Any] = {}
        if os.name == "nt":
            options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
        else:
            options["start_new_session"] = True
            options["preexec_fn"] = prepare_child
        try:
            self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=self._stderr, env=env, **options)
        except OSError:
            self._stderr.close()
            raise
        self._reader = threading.Thread(target=self._read, name="kws-child-stdout", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue  # not a progress line (nothing else should reach stdout)
            if isinstance(event, dict):
                self._lines.put(event)
        self._lines.put(END_OF_OUTPUT)

    def next_event(self, timeout: float) -> dict[str, Any] | None | bool:
        """The next progress event; ``None`` when the output ended; ``False`` when nothing came in time."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            return False

    def running(self) -> bool:
        return self.process.poll() is None

    def request_stop(self) -> None:
        """Ask the child to stop cleanly (once: a second request would mean "stop now")."""
        if self._stop_sent or not self.running():
            return
        self._stop_sent = True
        try:
            if os.name == "nt":
                self.process.send_signal(signal.CTRL_BREAK_EVENT)  # type: ignore[attr-defined]
            else:
                self.process.send_signal(signal.SIGINT)
        except OSError:
            pass

    @property
    def stop_requested(self) -> bool:
        return self._stop_sent

    def wait(self, timeout: float | None = None) -> int:
        code = self.process.wait(timeout)
        self._reader.join(timeout=5.0)
        self._stderr.close()
        return code

    def stop(self, grace_s: float = STOP_GRACE_S) -> int:
        """Stop cleanly and wait; killed when it has not ended after ``grace_s``. Returns the exit code."""
        self.request_stop()
        try:
            return self.wait(grace_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.wait()

    def stderr_tail(self, path: Path, lines: int = 3) -> str:
        """The last lines the child wrote to stderr (for a failure message)."""
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        kept = [line.strip() for line in text.splitlines() if line.strip()]
        return " | ".join(kept[-lines:])
