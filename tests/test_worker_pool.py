"""WorkerPool with real spawned processes: results, errors, cancelled runs, and workers that die -- above all one
killed halfway through writing its result, which hung ProcessPoolExecutor's caller for good."""

from __future__ import annotations

import os
import signal
import struct
import sys
import threading
import time
from typing import Any, Callable

import pytest

from workbench.core.errors import WorkbenchError
from workbench.worker_pool import WorkerPool

WAIT_S = 60  # a safety net for a hung pool, not a timing assertion
DIED = "a test worker died"
HALF_HEADER = 1 << 20  # the length a half-written result promises
HALF_BODY = 1000  # the bytes it actually writes


class Unpicklable(Exception):
    def __init__(self, text: str, extra: int) -> None:  # pickling calls Unpicklable(text): the unpickling fails
        super().__init__(text)
        self.extra = extra


def _square(value: int, pause_s: float = 0.0) -> tuple[int, int]:
    time.sleep(pause_s)
    return os.getpid(), value * value


def _fail(kind: str) -> None:
    if kind == "plain":
        raise WorkbenchError("the clip could not be read")
    raise Unpicklable("no way back", 3)


def _die_halfway_through_the_result() -> None:
    """Write the start of a result into this worker's pipe and die, as the OOM killer may time it."""
    frame = sys._getframe(1)
    while "conn" not in frame.f_locals:  # up to the pool's worker loop, which holds its end of the pipe
        frame = frame.f_back
    conn = frame.f_locals["conn"]
    os.write(conn.fileno(), struct.pack("!i", HALF_HEADER) + bytes(HALF_BODY))
    os.kill(os.getpid(), signal.SIGKILL)


def _call(function: Callable[..., Any], *args: Any) -> Any:
    return function(*args)


def _died() -> WorkbenchError:
    return WorkbenchError(DIED)


def _within_the_safety_net(work: Callable[[], Any]) -> Any:
    """``work()`` in a thread, so that a hang fails the test instead of stopping the suite."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(WAIT_S)
    assert not thread.is_alive(), "the pool hangs"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_every_task_comes_back_once_from_the_workers() -> None:
    with WorkerPool(2, _square, _died) as pool:
        results = list(pool.run([(v,) for v in range(20)]))
        workers = {p.pid for p in (w.process for w in pool._workers)}
    assert sorted(square for _pid, square in results) == [v * v for v in range(20)]
    assert {pid for pid, _square in results} <= workers and os.getpid() not in workers


def test_a_task_error_reaches_the_caller_as_itself_and_the_pool_goes_on() -> None:
    with WorkerPool(2, _fail, _died) as pool:
        with pytest.raises(WorkbenchError, match="^the clip could not be read$"):
            list(pool.run([("plain",)]))
        with pytest.raises(WorkbenchError, match="Unpicklable: no way back"):
            list(pool.run([("unpicklable",)]))
    with WorkerPool(1, _square, _died) as pool:
        assert [square for _pid, square in pool.run([(3,)])] == [9]


def test_a_worker_killed_while_writing_its_result_is_one_error_not_a_hang() -> None:
    pool = WorkerPool(2, _call, _died)
    processes = [w.process for w in pool._workers]
    tasks = [(_die_halfway_through_the_result,)] + [(_square, v, 0.05) for v in range(8)]
    with pytest.raises(WorkbenchError, match=f"^{DIED}$"):
        _within_the_safety_net(lambda: list(pool.run(tasks)))
    assert not any(p.is_alive() for p in processes)  # the other worker went too
    with pytest.raises(WorkbenchError, match=f"^{DIED}$"):  # and the pool says so again instead of waiting
        list(pool.run([(_square, 1)]))


def test_a_worker_that_died_between_runs_is_reported_by_the_next_run() -> None:
    pool = WorkerPool(2, _square, _died)
    try:
        os.kill(pool._workers[0].process.pid, signal.SIGKILL)
        pool._workers[0].process.join(WAIT_S)
        with pytest.raises(WorkbenchError, match=f"^{DIED}$"):
            _within_the_safety_net(lambda: list(pool.run([(v,) for v in range(4)])))
    finally:
        pool.close()


def test_a_run_stopped_early_leaves_nothing_behind_for_the_next_one() -> None:
    stop = threading.Event()
    with WorkerPool(2, _square, _died) as pool:
        first = pool.run([(v, 0.2) for v in range(10)], stop)
        next(first)
        stop.set()
        assert len(list(first)) <= 2  # at most what was already back: the rest was dropped
        again = list(pool.run([(v,) for v in range(100, 104)]))
    assert sorted(square for _pid, square in again) == [v * v for v in range(100, 104)]


def test_closing_stops_busy_workers_instead_of_waiting_for_them() -> None:
    stop = threading.Event()
    pool = WorkerPool(2, _square, _died)
    processes = [w.process for w in pool._workers]
    running = pool.run([(1, WAIT_S), (2, WAIT_S)], stop)
    stop.set()  # the run gives both tasks out, then stops at once: both workers stay busy
    assert list(running) == []
    _within_the_safety_net(pool.close)
    assert [p.exitcode for p in processes] == [-signal.SIGTERM] * 2
