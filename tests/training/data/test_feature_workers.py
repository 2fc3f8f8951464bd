"""FeatureMaker's worker processes when something goes wrong: real spawned workers, real signals, real pipes.

Each case runs FeatureMaker in a child Python (:data:`CHILD`, as ``kws train`` runs it: SIGINT is the run's to
handle) in a session of its own, so a test that fails can still end every process it left. The child's
stdout and stderr are read to the end, as the GUI's child runner does: that returns only when every process
holding them -- the child, its workers, multiprocessing's resource tracker -- has gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from session_output import finish_session

from workbench.core.errors import WorkbenchError
from workbench.core.frontend_settings import FrontendSettings
from workbench.training.data.features import WORKER_DIED, FeatureMaker, FeatureSettings
from workbench.training.data.sample_plan import Sample
from workbench.training.spec import AugmentationSettings

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="signals to a child and /proc are Linux here")

WAIT_S = 60  # a safety net for a hung child or a worker holding the pipes, not a timing assertion
CLIPS = 12
REPEAT = 10  # each clip this many times: a few chunks per computation
SIGINT_BIT = 1 << (signal.SIGINT - 1)  # in /proc/<pid>/status SigBlk
WORKER_MARK = "spawn_main"  # in a spawned worker's command line
IMPORTING_MARK = "numpy"  # a worker that has mapped numpy's libraries is importing the feature module
POLL_S = 0.001  # how often /proc is looked at while waiting for a worker

# FeatureMaker with two workers, in a child: "forever" computes epoch after epoch until an error, "once" one
# epoch; both say the workers' PIDs after the first chunk, and an error as "error: ..." (exit 2).
CHILD = r"""
import multiprocessing, signal, sys
from pathlib import Path

from workbench.core.errors import WorkbenchError
from workbench.core.frontend_settings import FrontendSettings
from workbench.training.data.features import FeatureMaker, FeatureSettings
from workbench.training.data.sample_plan import Sample
from workbench.training.spec import AugmentationSettings

mode, repeat, noise, *clips = sys.argv[1:]
interrupted = []
signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))  # as kws train's CancelToken: the run decides
samples = [Sample(Path(c), 1) for c in clips] * int(repeat)
settings = FeatureSettings(FrontendSettings(), AugmentationSettings(), (Path(noise),), seed=5)
said = []


def progress(done, total):
    if not said:
        said.append(True)
        print("workers", *[p.pid for p in multiprocessing.active_children()], flush=True)


try:
    with FeatureMaker(settings, workers=2) as maker:
        epoch = 0
        while True:
            batch = maker.compute(samples, epoch, progress)
            if mode == "once":
                break
            epoch += 1
except WorkbenchError as exc:
    print("error:", exc, flush=True)
    sys.exit(2)
print("done", len(batch.labels), "interrupted" if interrupted else "quiet", flush=True)
"""


@pytest.fixture
def clips(shared_dir: Path) -> list[Path]:
    return sorted((shared_dir / "datasets" / "speech_commands" / "yes").glob("*.wav"))[:CLIPS]


@pytest.fixture
def noise(shared_dir: Path) -> Path:
    return shared_dir / "datasets" / "speech_commands" / "_background_noise_" / "white_noise.wav"


def _start(mode: str, noise: Path, clips: list[Path]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, mode, str(REPEAT), str(noise), *map(str, clips)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _workers_said(child: subprocess.Popen[str]) -> list[int]:
    """The worker PIDs the child prints once its first chunk is back."""
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.startswith("workers "), f"the child said {line!r}, not its workers"
    pids = [int(p) for p in line.split()[1:]]
    assert len(pids) == 2
    return pids


def _finish(child: subprocess.Popen[str]) -> tuple[str, str]:
    """Everything the child and its workers still write, once every one of them has closed the pipes."""
    return finish_session(child, WAIT_S, "the child's output stayed open: it hangs, or a worker outlived it and "
                          "holds the pipes")


def _status(pid: int) -> dict[str, str]:
    """/proc/<pid>/status as a dict ({} once the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for PID 1 to reap it counts as gone)."""
    state = _status(pid).get("State", "")
    return bool(state) and not state.startswith("Z")


def _first_worker(parent: int) -> int:
    """The first spawned worker of ``parent`` to show up, as soon as it runs Python."""
    for _ in range(int(WAIT_S / POLL_S)):  # a safety net only: workers start within a second
        for pid in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                if WORKER_MARK in Path(f"/proc/{pid}/cmdline").read_text():
                    return int(pid)
        time.sleep(POLL_S)
    pytest.fail("no worker process started")


def test_a_killed_worker_gives_one_error_instead_of_a_hang(noise: Path, clips: list[Path]) -> None:
    """The OOM killer's kill -9 of one worker: multiprocessing.Pool replaced it and waited for its lost chunk
    forever; now the computation ends with one sentence, and the other worker goes too."""
    child = _start("forever", noise, clips)
    workers = _workers_said(child)
    os.kill(workers[0], signal.SIGKILL)
    out, err = _finish(child)
    assert child.returncode == 2, err
    assert out.splitlines()[-1] == f"error: {WORKER_DIED}"
    assert "Traceback" not in err
    assert not any(_alive(pid) for pid in workers)


def test_workers_do_not_outlive_a_killed_parent(noise: Path, clips: list[Path]) -> None:
    """kill -9 of the computing process gives it no chance to stop its pool: the workers notice on their own,
    at once and quietly (no BrokenPipeError traceback on the caller's stderr), and close the pipes."""
    child = _start("forever", noise, clips)
    workers = _workers_said(child)
    child.kill()
    _out, err = _finish(child)
    assert child.returncode == -signal.SIGKILL
    assert "Traceback" not in err, err
    assert not any(_alive(pid) for pid in workers)


def test_ctrl_c_while_the_workers_import_is_left_to_the_parent(noise: Path, clips: list[Path]) -> None:
    """A terminal's Ctrl+C reaches the whole group, workers still importing included: they are born with it
    blocked, so none prints a KeyboardInterrupt traceback or dies; the parent decides (here: it goes on)."""
    child = _start("once", noise, clips)
    worker = _first_worker(child.pid)
    assert int(_status(worker).get("SigBlk", "0"), 16) & SIGINT_BIT  # blocked from its first instruction on
    for _ in range(int(WAIT_S / POLL_S)):  # until it imports (it cannot get past its initializer before that)
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            if IMPORTING_MARK in Path(f"/proc/{worker}/maps").read_text():
                break
        time.sleep(POLL_S)
    os.killpg(child.pid, signal.SIGINT)
    out, err = _finish(child)
    assert child.returncode == 0, err
    assert out.splitlines()[-1] == f"done {CLIPS * REPEAT} interrupted"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


def test_an_unreadable_noise_is_reported_by_the_workers_too(tmp_path: Path, clips: list[Path]) -> None:
    """A worker that cannot load the background noise answered with a dead worker, which the pool replaced
    forever; now its chunks carry the reason, as with one worker in this process."""
    broken = tmp_path / "broken_noise.wav"
    broken.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40))  # a header and nothing usable
    settings = FeatureSettings(FrontendSettings(), AugmentationSettings(), (broken,), seed=5)
    with pytest.raises(WorkbenchError, match="broken_noise.wav") as alone:
        FeatureMaker(settings, workers=1)
    child = _start("once", broken, clips)
    out, err = _finish(child)
    assert child.returncode == 2, err
    assert out.splitlines()[-1] == f"error: {alone.value}"
    assert "Traceback" not in err, err


def test_a_cancelled_computation_stops_early_and_the_workers_go_on(noise: Path, clips: list[Path]) -> None:
    """compute() returns what is done when its cancel event is set; the chunks it left are dropped, and the
    next computation is whole and in sample order (the same as in this process)."""
    samples = [Sample(p, 1) for p in clips] * REPEAT
    settings = FeatureSettings(FrontendSettings(), AugmentationSettings(), (noise,), seed=5)
    cancel = threading.Event()
    with FeatureMaker(settings, workers=2) as two:
        stopped = two.compute(samples, 1, lambda done, total: cancel.set(), cancel)
        whole = two.compute(samples, 1)
    with FeatureMaker(settings, workers=1) as one:
        expected = one.compute(samples, 1)
    assert 0 < len(stopped.labels) < len(samples)
    assert np.array_equal(whole.features, expected.features) and np.array_equal(whole.labels, expected.labels)
