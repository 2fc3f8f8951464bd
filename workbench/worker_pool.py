"""Spawned worker processes with a pipe of their own each: a pool in which a worker can die without hanging its caller.

Why not ``concurrent.futures.ProcessPoolExecutor``: all its workers write their results into one shared pipe, and
one killed while writing (the OOM killer, ``kill -9``) leaves half a message in it. The executor's manager thread
then waits for the rest of that message forever, and ``shutdown`` waits for the thread: a training run hung
(about 1 run in 60 on a loaded machine, with results of ~60 KB). ``multiprocessing.Pool`` replaces a dead worker
silently and loses its task. Here the parent gives each worker one task at a time over the worker's own pipe and
waits on the pipes and the process sentinels: a half-written result is only ever in a dead worker's pipe, which
ends in EOF, and a dead worker is one sentence (the ``died`` error the caller chose).

The workers run :func:`workbench.worker_guard.guard_worker` first (Ctrl+C is the parent's, die with the parent)
and are started with Ctrl+C held back, so they never see one, not even while they import. An exception a task
raises reaches the caller as itself (or as a :class:`WorkbenchError` with its text when it cannot be pickled);
the pool stays usable. A :meth:`WorkerPool.run` stopped early (``cancel``, or the caller stopped reading) drops
the tasks it had not given out; a worker still busy with one of them finishes it, and the next run drops that
result.
"""

from __future__ import annotations

import multiprocessing
import pickle
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterator, Optional, Protocol, Sequence

from workbench.core.errors import WorkbenchError
from workbench.worker_guard import ctrl_c_held_back, guard_worker

START_METHOD = "spawn"  # never fork: the caller may have threads, or TensorFlow loaded (which can deadlock)
POLL_S = 0.2  # how often a run looks at its cancel flag while no result comes back
STOP_WAIT_S = 10.0  # how long workers may take to end when the pool closes before they are killed

Task = tuple[Any, ...]  # the arguments of one call of the pool's function


class StopFlag(Protocol):
    """What a stop request is checked through: a ``threading.Event``, or a training run's cancel token."""

    def is_set(self) -> bool: ...


def _sendable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling (the parent re-raises it as itself), else a WorkbenchError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # an exception class that does not pickle or unpickle
        return WorkbenchError(f"{type(exc).__name__}: {exc}")
    return exc.with_traceback(None)


def serve(conn: Connection, function: Callable[..., Any]) -> None:
    """The worker's loop: tasks in, ``function``'s results (or errors) out, until told to stop (None) or the
    parent's end of the pipe closes. Only an ``Exception`` becomes a reply: a SystemExit (a worker's own way
    of stopping) ends the loop."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent closed its end: nothing more will come
            return
        if task is None:
            return
        try:
            reply: tuple[bool, Any] = (True, function(*task))
        except Exception as exc:
            reply = (False, _sendable(exc))
        try:
            conn.send(reply)
        except OSError:  # the parent is gone
            return


def _worker_main(conn: Connection, function: Callable[..., Any], initializer: Optional[Callable[..., None]],
                 *initargs: Any) -> None:
    """The default worker process: the guard, the initializer, then :func:`serve`."""
    guard_worker()
    if initializer is not None:
        initializer(*initargs)
    serve(conn, function)


@dataclass
class _Worker:
    process: Any  # multiprocessing's SpawnProcess
    conn: Connection
    busy: bool = False  # has a task whose result it has not sent
    stale: bool = False  # that task belongs to a run that ended early: its result is dropped


class WorkerPool:
    """``workers`` spawned processes that call ``function`` on the tasks of :meth:`run` (module docstring).

    ``initializer(*initargs)`` runs once in each worker after the guard; ``died`` makes the error raised when
    a worker process ends while it has work, or when a task is given to one that has ended. After that the
    pool is broken: every further :meth:`run` raises the same error.

    A worker that needs its own signal handling and clean-up passes ``worker_main``: the process then runs
    ``worker_main(conn, function, *initargs)`` instead of the guard and the initializer, and must call
    :func:`serve`. ``held_back`` names signals to block, besides SIGINT, while the workers start (those that
    ``worker_main`` handles itself, so that none arrives before its handler is set).
    """

    def __init__(self, workers: int, function: Callable[..., Any], died: Callable[[], WorkbenchError], *,
                 initializer: Optional[Callable[..., None]] = None, initargs: Task = (),
                 worker_main: Optional[Callable[..., None]] = None, held_back: tuple[signal.Signals, ...] = (),
                 name: str = "kws-worker") -> None:
        self._died = died
        self._broken = False
        self._workers: list[_Worker] = []
        context = multiprocessing.get_context(START_METHOD)
        try:
            target, args = ((worker_main, initargs) if worker_main is not None
                            else (_worker_main, (initializer, *initargs)))
            with ctrl_c_held_back(*held_back):  # the workers inherit the block (see workbench.worker_guard)
                for number in range(max(1, workers)):
                    ours, theirs = context.Pipe()
                    process = context.Process(target=target, args=(theirs, function, *args), daemon=True,
                                              name=f"{name}-{number + 1}")
                    process.start()
                    theirs.close()  # the worker's end is the worker's only: its death is EOF here
                    self._workers.append(_Worker(process, ours))
        except BaseException:
            self.close()
            raise

    @property
    def size(self) -> int:
        return len(self._workers)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, tasks: Sequence[Task], cancel: Optional[StopFlag] = None) -> Iterator[Any]:
        """The results of ``function(*task)`` for every task, in the order they come back; stops early (what is
        left dropped) when ``cancel`` is set. Raises the ``died`` error when a worker dies."""
        if self._broken or not self._workers:
            raise self._died()
        todo = deque(tasks)
        pending = len(todo)
        try:
            for worker in self._workers:
                self._give(worker, todo)
            while pending and not (cancel is not None and cancel.is_set()):
                busy = [worker for worker in self._workers if worker.busy]
                wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=POLL_S)
                for worker in busy:
                    if worker.conn.poll():  # a result, or the end of the pipe (then _receive says it died)
                        stale = worker.stale
                        ok, value = self._receive(worker)
                        self._give(worker, todo)
                        if stale:
                            continue
                        pending -= 1
                        if not ok:
                            raise value
                        yield value
                    elif not worker.process.is_alive():
                        self._break()
        finally:
            for worker in self._workers:
                worker.stale = worker.busy  # a task of this run still running: the next run drops its result

    def _give(self, worker: _Worker, todo: deque[Task]) -> None:
        if worker.busy or not todo:
            return
        try:
            worker.conn.send(todo.popleft())
        except OSError:  # its end of the pipe is closed: the process is gone
            self._break()
        worker.busy = True

    def _receive(self, worker: _Worker) -> tuple[bool, Any]:
        try:
            ok, value = worker.conn.recv()
        except (EOFError, OSError):  # the worker died before or while it wrote its result
            self._break()
        worker.busy = worker.stale = False
        return ok, value

    def _break(self) -> None:
        """A worker died: end every worker (they would wait for work forever) and raise the caller's error."""
        self._broken = True
        self.close()
        raise self._died()

    def close(self) -> None:
        """End every worker: an idle one is asked to, a busy one (its result is not wanted) is terminated; one
        that has not ended after :data:`STOP_WAIT_S` is killed."""
        for worker in self._workers:
            try:
                if worker.busy or self._broken:
                    worker.process.terminate()
                else:
                    worker.conn.send(None)
            except (OSError, ValueError):  # already gone, or its pipe already closed
                pass
        deadline = time.monotonic() + STOP_WAIT_S
        for worker in self._workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers = []
