"""Reading a child that runs in a session of its own (``start_new_session=True``) to the end, for the tests that
stop a command and check that nothing outlives it: the output ends only when every process holding the pipes
(the command, its workers, multiprocessing's resource tracker) has gone."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess

import pytest


def finish_session(child: subprocess.Popen[str], wait_s: float, hang: str) -> tuple[str, str]:
    """The child's remaining stdout and stderr once every process of its session closed them; the test fails
    with ``hang`` when that takes over ``wait_s`` (a safety net, not a timing assertion). Whatever is left of
    the session is killed either way, so a failing test leaves no process behind."""
    try:
        return child.communicate(timeout=wait_s)
    except subprocess.TimeoutExpired:
        pytest.fail(hang)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
