"""Pool workers leave Ctrl+C to their parent and notice when it is gone: real spawned worker processes, real
signals, a real parent killed with kill -9."""

from __future__ import annotations

import concurrent.futures as futures
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from multiprocessing.connection import Connection

import pytest

from workbench.worker_guard import ctrl_c_held_back, guard_worker, watch_parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signal masks and raise_signal(SIGINT) are POSIX")

WAIT_S = 60  # a safety net for a hung worker, not a timing assertion
PARENT_GONE = "parent gone"  # what the watched child reports from its on_gone


def _pool(**kwargs: object) -> futures.ProcessPoolExecutor:
    return futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), **kwargs)


def test_a_guarded_worker_survives_ctrl_c() -> None:
    """A terminal's Ctrl+C reaches the workers too: a guarded one goes on (its parent decides about stopping)."""
    with _pool(initializer=guard_worker) as pool:
        assert pool.submit(signal.raise_signal, signal.SIGINT).exception(timeout=WAIT_S) is None  # no KeyboardInterrupt
        assert pool.submit(sum, (1, 2)).result(timeout=WAIT_S) == 3


def test_workers_started_while_ctrl_c_is_held_back_never_see_it() -> None:
    """The mask is inherited: even a worker still importing (before its initializer) is safe; here none."""
    pool = _pool()
    try:
        with ctrl_c_held_back():
            started = pool.submit(signal.pthread_sigmask, signal.SIG_BLOCK, ())
        assert signal.SIGINT in started.result(timeout=WAIT_S)
    finally:
        pool.shutdown(wait=True)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, ())  # this thread's mask is back


def test_a_ctrl_c_while_held_back_comes_when_the_block_ends() -> None:
    held_back = False
    with pytest.raises(KeyboardInterrupt):
        with ctrl_c_held_back():
            signal.raise_signal(signal.SIGINT)
            held_back = True
    assert held_back


def _watched_child(report: Connection) -> None:
    """A worker that watches its parent: says its pid once watching, and PARENT_GONE once ``on_gone`` ran."""
    gone = threading.Event()
    watch_parent(gone.set)
    report.send(os.getpid())
    gone.wait()  # only on_gone ends this wait: the process would otherwise live on (the test kills it then)
    report.send(PARENT_GONE)


def _parent_of_a_watched_child(report: Connection) -> None:
    """The parent to be killed: starts the watched child, then waits for it (it never ends on its own)."""
    child = multiprocessing.get_context("spawn").Process(target=_watched_child, args=(report,))
    child.start()
    child.join()


def test_watch_parent_calls_on_gone_when_the_parent_is_killed() -> None:
    """kill -9 of the parent gives it no chance to stop its child: the child's watch must notice on its own."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe(duplex=False)
    parent = context.Process(target=_parent_of_a_watched_child, args=(theirs,))
    parent.start()
    theirs.close()
    child_pid = None
    try:
        assert ours.poll(WAIT_S), "the watched child never started"
        child_pid = ours.recv()
        parent.kill()
        parent.join()
        assert ours.poll(WAIT_S), "on_gone was not called: the child did not notice its parent's end"
        assert ours.recv() == PARENT_GONE
    finally:
        if parent.is_alive():
            parent.kill()
            parent.join()
        if child_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child_pid, signal.SIGKILL)
        ours.close()

