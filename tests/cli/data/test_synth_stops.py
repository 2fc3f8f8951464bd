"""Every way a `kws dataset synth` with worker processes can stop, with real processes and real signals: the
GUI's Cancel (SIGINT to kws only), a terminal's Ctrl+C (SIGINT to the whole process group) while the workers
are still starting, a worker killed by the OOM killer (kill -9), and kws itself killed (kill -9). Each must
end with one line (no traceback, no "leaked semaphore" warning), leave nothing in TMPDIR, keep the clips
made so far, and leave a folder that --resume finishes (and that `kws dataset info` calls unfinished until
then). Linux only: the workers are found through /proc."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
from spawned_workers import spawned_workers

from workbench.child_command import EXIT_CANCELLED, kws_command
from workbench.synthesis.dataset_builder import MANIFEST

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds worker processes in /proc")

DEADLINE_S = 120.0  # a guard against a hang (the bug this file is about), not a timing assertion
POLL_S = 0.002
EXIT_ERROR = 2
SIGINT_BIT = 1 << (signal.SIGINT - 1)  # in /proc/PID/status signal masks
ENGINES = ["--engines", "espeak,flite", "--espeak-variants", "curated", "--similar", "0", "--negatives", "go",
           "--noise-seconds", "1", "--progress", "jsonl"]
FLITE_ONLY = ["--engines", "flite", "--similar", "0", "--negatives", "go", "--takes", "12", "--noise-seconds", "1",
              "--progress", "jsonl"]


def needs_engines() -> None:
    missing = [p for p in ("espeak-ng", "flite") if shutil.which(p) is None]
    if missing:
        pytest.skip(f"speech engines not installed: {', '.join(missing)}")


class Synth:
    """``kws dataset synth`` in its own process group (as a terminal runs it) with a private TMPDIR."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.out = tmp_path / "synth"
        self.temp = tmp_path / "tmpdir"
        self.temp.mkdir()
        self.args = ["dataset", "synth", "--words", "yes,no", "--out", str(self.out), *args]
        self.child = subprocess.Popen(kws_command(*self.args, "--workers", "2"), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True, start_new_session=True,
                                      env={**os.environ, "TMPDIR": str(self.temp)})
        self.err = ""

    def workers(self) -> list[int]:
        """The spawned worker processes (children of kws that run multiprocessing's spawn_main)."""
        return spawned_workers(self.child.pid)

    def worker_catches_sigint(self) -> bool:
        """A worker has started Python and is importing: its interpreter has installed its SIGINT handler
        (earlier, SIGINT would end it silently; the audit saw tracebacks from this phase)."""
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            caught = int(next(l.split()[1] for l in status.splitlines() if l.startswith("SigCgt:")), 16)
            if caught & SIGINT_BIT:
                return True
        return False

    def progress_lines(self) -> Iterator[dict]:
        assert self.child.stderr is not None
        for line in self.child.stderr:
            self.err += line
            if line.startswith("{"):
                yield json.loads(line)

    def wait_for(self, condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + DEADLINE_S
        while not condition():
            assert self.child.poll() is None, f"kws ended before the signal: {self.err}"
            assert time.monotonic() < deadline, "the moment to signal never came"
            time.sleep(POLL_S)

    def finish(self) -> int:
        """Wait until kws *and every process holding its stderr* (workers, resource tracker) have ended."""
        _, rest = self.child.communicate(timeout=DEADLINE_S)
        self.err += rest
        return self.child.returncode

    def manifest(self) -> dict:
        return json.loads((self.out / MANIFEST).read_text())

    def resume(self) -> subprocess.CompletedProcess:
        return subprocess.run(kws_command(*self.args, "--resume", "--workers", "1"), capture_output=True, text=True,
                              timeout=DEADLINE_S, env={**os.environ, "TMPDIR": str(self.temp)})


def assert_quiet(err: str) -> None:
    assert "Traceback" not in err and "leaked" not in err and "Error" not in err.replace("kws: error:", ""), err


def test_a_worker_killed_mid_build_is_one_error_and_resume_finishes(tmp_path: Path) -> None:
    """Before: multiprocessing.Pool replaced the dead worker, lost its batch and the build waited forever."""
    needs_engines()
    synth = Synth(tmp_path, *ENGINES, "--takes", "2")
    for line in synth.progress_lines():
        if line.get("done", 0) > 0:  # batches are running; more are left than there are workers
            os.kill(synth.workers()[0], signal.SIGKILL)
            break
    assert synth.finish() == EXIT_ERROR, synth.err
    lines = [line for line in synth.err.splitlines() if not line.startswith("{")]
    assert lines[-1].startswith("kws: error: A synthesis worker process died (out of memory?)"), synth.err
    assert "--resume" in lines[-1]
    assert_quiet(synth.err)
    assert list(synth.temp.iterdir()) == []  # the killed worker's files too
    assert synth.manifest()["state"] == "failed"
    made = sum(synth.manifest()["counts"].values())
    done = synth.resume()
    assert done.returncode == 0, done.stderr
    assert synth.manifest()["state"] == "finished" and sum(synth.manifest()["counts"].values()) > made


def test_the_guis_cancel_while_flite_writes_leaves_nothing_in_tmpdir(tmp_path: Path) -> None:
    """Before: the cancel terminated the workers mid-synthesis and flite's kws-flite-XXXX.wav stayed."""
    needs_engines()
    synth = Synth(tmp_path, *FLITE_ONLY)
    synth.wait_for(lambda: any(p.name.startswith("kws-flite-") for p in synth.temp.rglob("*")))
    synth.child.send_signal(signal.SIGINT)  # kws only, as the GUI's Cancel
    assert synth.finish() == EXIT_CANCELLED, synth.err
    assert "finish with the same command and --resume" in synth.err
    assert_quiet(synth.err)
    assert list(synth.temp.iterdir()) == []
    assert synth.manifest()["state"] == "cancelled"


def test_ctrl_c_while_the_workers_start_prints_only_the_cancel_line(tmp_path: Path) -> None:
    """Before: each worker printed a KeyboardInterrupt traceback from its imports (the signal reached it before
    the pool initializer that ignores it)."""
    needs_engines()
    synth = Synth(tmp_path, *ENGINES, "--takes", "2")
    synth.wait_for(synth.worker_catches_sigint)
    os.killpg(synth.child.pid, signal.SIGINT)  # the whole process group, as a terminal's Ctrl+C
    assert synth.finish() == EXIT_CANCELLED, synth.err
    assert_quiet(synth.err)
    messages = [json.loads(l).get("message", "") for l in synth.err.splitlines() if l.startswith("{")]
    assert messages[-1].startswith("cancelled after"), synth.err
    assert list(synth.temp.iterdir()) == []


def test_killing_kws_ends_its_workers_quietly_and_the_build_reads_as_unfinished(tmp_path: Path) -> None:
    """Before: each worker printed BrokenPipeError tracebacks, the resource tracker a leaked-semaphore warning,
    and the folder (no synth.json) read as an ordinary, smaller dataset."""
    needs_engines()
    synth = Synth(tmp_path, *FLITE_ONLY)
    synth.wait_for(lambda: any(synth.out.glob("*/*.wav")) and any(synth.temp.rglob("kws-flite-*")))
    synth.child.kill()
    synth.finish()  # returns once the workers (which hold kws's stderr) have ended too
    assert_quiet(synth.err)
    assert list(synth.temp.iterdir()) == []
    assert synth.manifest()["state"] == "building"
    info = subprocess.run(kws_command("dataset", "info", str(synth.out)), capture_output=True, text=True,
                          timeout=DEADLINE_S)
    assert info.returncode == 0 and "holds an unfinished synthetic build" in info.stderr, info.stderr
    assert "--resume" in info.stderr
    done = synth.resume()
    assert done.returncode == 0, done.stderr
    info = subprocess.run(kws_command("dataset", "info", str(synth.out), "--json"), capture_output=True, text=True,
                          timeout=DEADLINE_S)
    assert "unfinished" not in info.stderr and json.loads(info.stdout)["unfinished_builds"] == []
