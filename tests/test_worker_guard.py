"""Pool workers leave Ctrl+C to their parent: real spawned worker processes, real signals."""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import signal
import sys

import pytest

from workbench.worker_guard import ctrl_c_held_back, guard_worker

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signal masks and raise_signal(SIGINT) are POSIX")

WAIT_S = 60  # a safety net for a hung worker, not a timing assertion


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
