"""A trial's child process: progress lines in order, ONE stop signal even from a worker that blocks SIGINT.

The child here is a real Python process that behaves like ``kws train`` toward its parent (JSON lines
on stdout; the first SIGINT stops it cleanly with exit 130, a second one would mean "stop now").
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import pytest

from workbench.sweeps.on_ray.child_process import ChildProcess

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")

CHILD = r"""
import json, signal, sys, time
count = {"signals": 0}
def handle(signum, frame):
    count["signals"] += 1
signal.signal(signal.SIGINT, handle)
print(json.dumps({"phase": "train", "event": "epoch", "epoch": 1}), flush=True)
print("not json", flush=True)
while count["signals"] == 0:
    time.sleep(0.01)
time.sleep(0.3)  # a second signal arriving now would be counted
print(json.dumps({"phase": "cancelled", "event": "end", "signals": count["signals"]}), flush=True)
sys.exit(130)
"""

STUBBORN = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint('{}', flush=True)\ntime.sleep(60)\n"


def _start_with_sigint_blocked(argv: list[str], stderr: Path) -> ChildProcess:
    """Start the child from a thread that blocks SIGINT, as Ray's worker processes do."""
    started: list[ChildProcess] = []

    def start() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        started.append(ChildProcess(argv, stderr))

    thread = threading.Thread(target=start)
    thread.start()
    thread.join()
    return started[0]


def test_lines_arrive_in_order_and_one_sigint_stops_the_child_cleanly(tmp_path: Path) -> None:
    child = _start_with_sigint_blocked([sys.executable, "-c", CHILD], tmp_path / "stderr.txt")
    assert child.next_event(10.0) == {"phase": "train", "event": "epoch", "epoch": 1}
    child.request_stop()
    child.request_stop()  # a second request is not a second signal
    assert child.stop_requested
    assert child.stop(grace_s=20.0) == 130
    end = child.next_event(5.0)
    assert end == {"phase": "cancelled", "event": "end", "signals": 1}
    assert child.next_event(5.0) is None  # end of output
    assert not child.running()


def test_a_child_that_ignores_the_stop_is_killed_after_the_grace_time(tmp_path: Path) -> None:
    child = ChildProcess([sys.executable, "-c", STUBBORN], tmp_path / "stderr.txt")
    assert child.next_event(10.0) == {}
    assert child.stop(grace_s=0.5) == -signal.SIGKILL
    assert not child.running()


def test_nothing_in_time_is_reported_as_false_and_stderr_is_kept(tmp_path: Path) -> None:
    code = "import sys, time\nprint('boom', file=sys.stderr, flush=True)\ntime.sleep(2)\nsys.exit(3)\n"
    child = ChildProcess([sys.executable, "-c", code], tmp_path / "stderr.txt")
    assert child.next_event(0.05) is False
    assert child.wait(20.0) == 3
    assert child.stderr_tail(tmp_path / "stderr.txt") == "boom"


MIDDLE = r"""
import sys, time
from pathlib import Path
from workbench.sweeps.on_ray.child_process import ChildProcess
child = ChildProcess([sys.executable, "-c", sys.argv[1]], Path(sys.argv[2]))
print(child.pid, flush=True)
time.sleep(60)
"""
GRANDCHILD = "import signal, sys, time\nsignal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\ntime.sleep(60)\n"


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "State:\tZ" in state


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_ends_when_its_worker_process_is_killed(tmp_path: Path) -> None:
    import subprocess
    import time

    middle = subprocess.Popen([sys.executable, "-c", MIDDLE, GRANDCHILD, str(tmp_path / "stderr.txt")],
                              stdout=subprocess.PIPE, text=True)
    assert middle.stdout is not None
    grandchild = int(middle.stdout.readline())
    assert not _gone(grandchild)
    middle.kill()
    middle.wait()
    deadline = time.monotonic() + 20.0
    while not _gone(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(grandchild), "the training child outlived its Ray worker"
