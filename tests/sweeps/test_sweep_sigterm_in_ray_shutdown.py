"""A SIGTERM to ``kws sweep`` while Ray itself shuts down ends the sweep as a cancel does; a second one then ends it
at once, should the shutdown hang.

Why it comes then: the Sweeps view's Cancel sends SIGTERM again a minute after the first
(:data:`workbench.gui.training.sweeps.sweep_process.INSIST_AFTER_MS`), which may be while Ray stops its processes.
Ray's C++ core had set SIGTERM to the system's default there (removing its crash handler), so the process ended at
once, its exit status "killed" instead of the cancel's 130 (the results were there). The sweep is the real ``kws
sweep`` in a second process on a real local Ray instance, its trials left out (their cancel is another test's): the
first SIGTERM comes where Tune would run them; the process then pauses twice where Ray stops its processes.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paused_child import READY, start_child  # noqa: E402

from workbench.child_command import EXIT_CANCELLED  # noqa: E402
from workbench.sweeps.on_ray.ray_session import STOPPED_DURING_SHUTDOWN  # noqa: E402

from sweep_data import sweep_text, write_sweep  # noqa: E402

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = [pytest.mark.ray, pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]

TIMEOUT_S = 300  # a safety net for a hung sweep, not a timing of the test
# kws sweep argv[1] --out argv[2]: Ray imported as kws sweep does, its shutdown paused twice (pause() prints to
# stdout, which kws sweep sends to stderr: its stdout is the events')
SWEEP = """
import os, signal
from workbench.sweeps.on_ray.ray_session import require_ray
require_ray()
from ray._private.node import Node
from workbench.cli.main import main
from workbench.sweeps.sweep_run import SweepRun

def trials_stopped_by_a_sigterm(*_args):
    os.kill(os.getpid(), signal.SIGTERM)  # Cancel: every trial stops, and Tune returns

stop_processes = Node.kill_all_processes

def paused_as_ray_stops_its_processes(*args, **kwargs):  # (Ray's core worker has shut down)
    pause()
    pause()
    return stop_processes(*args, **kwargs)

SweepRun._tune = trials_stopped_by_a_sigterm
Node.kill_all_processes = paused_as_ray_stops_its_processes
sys.exit(main(["sweep", sys.argv[1], "--out", sys.argv[2], "--num-cpus", "2", "--format", "jsonl"]))
"""


def _paused(sweep: subprocess.Popen[str]) -> None:
    """Read the sweep's stderr up to its next pause."""
    assert sweep.stderr is not None
    lines = []
    for line in sweep.stderr:
        if line.strip() == READY:
            return
        lines.append(line)
    raise AssertionError(f"kws sweep ended (exit status {sweep.wait()}) before it paused:\n{''.join(lines[-30:])}")


def _cancelled_results(out: Path, events: str) -> None:
    """The results of a sweep cancelled before its trials: written, and announced by its last event."""
    results = json.loads((out / "results.json").read_text())
    assert results["status"] == "cancelled" and len(results["trials"]) == 2, results
    last = json.loads(events.splitlines()[-1])
    assert (last["event"], last["status"]) == ("done", "cancelled"), last


def test_a_sigterm_while_ray_shuts_down_ends_the_sweep_as_a_cancel(speech_slice: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    sweep = start_child(SWEEP, write_sweep(tmp_path, sweep_text(speech_slice)), out)
    try:
        _paused(sweep)
        sweep.send_signal(signal.SIGTERM)  # the window insisting, a minute after its first
        events, errors = sweep.communicate("\n\n", timeout=TIMEOUT_S)
    finally:
        sweep.kill()
    assert sweep.returncode == EXIT_CANCELLED, errors[-3000:]
    assert "kws: interrupted" not in errors and STOPPED_DURING_SHUTDOWN not in errors, errors[-3000:]
    _cancelled_results(out, events)


def test_a_second_sigterm_ends_a_hung_ray_shutdown_at_once(speech_slice: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    sweep = start_child(SWEEP, write_sweep(tmp_path, sweep_text(speech_slice)), out)
    assert sweep.stdin is not None and sweep.stdout is not None and sweep.stderr is not None
    try:
        _paused(sweep)
        sweep.send_signal(signal.SIGTERM)
        sweep.stdin.write("\n")
        sweep.stdin.flush()
        _paused(sweep)  # (the first SIGTERM taken by now) and never let go on: Ray's shutdown hangs
        sweep.send_signal(signal.SIGTERM)
        code = sweep.wait(timeout=TIMEOUT_S)
        events, errors = sweep.stdout.read(), sweep.stderr.read()
    finally:
        sweep.kill()
        sweep.communicate()
    assert code == EXIT_CANCELLED and STOPPED_DURING_SHUTDOWN in errors, errors[-3000:]
    _cancelled_results(out, events)
