"""Run voice batches in spawned worker processes, one pipe per worker, so that every way a build can stop is clean.

Why not ``multiprocessing.Pool`` or ``ProcessPoolExecutor``: Pool silently replaces a worker that dies (the
OOM killer, kill -9) and loses its task, so the build waited forever; both pass work through queues whose
semaphores the resource tracker reports as "leaked" when the parent is killed; and a pool initializer runs
only after the worker's imports, so a Ctrl+C during start-up printed KeyboardInterrupt tracebacks. Here the
parent sends each worker one batch at a time over its own pipe and waits on the pipes and the process
sentinels: a worker that dies is one clear :class:`WorkerDied` sentence, and the clips made so far stay.

Stopping: workers are spawned with SIGINT and SIGTERM blocked (the signal mask is inherited through the
spawn), so a signal during their imports stays pending until the worker has set its handlers. A worker
ignores SIGINT -- a terminal's Ctrl+C reaches the whole process group and the parent decides -- and ends on
SIGTERM by unwinding, so its engines' ``finally`` blocks remove their temporary files. All workers share one
private temporary folder (TMPDIR for them and for the programs they run) that the parent removes at the end
whatever happened, which also catches the files of a worker that was killed. A worker whose parent is gone
(kill -9) stops, removes that folder and exits without a word.
"""

from __future__ import annotations

import _thread
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from types import FrameType
from typing import Any, Callable, Sequence

from workbench.core.errors import WorkbenchError
from workbench.worker_guard import ctrl_c_held_back, watch_parent
from workbench.synthesis.synthesis_worker import JobResult, VoiceBatch, run_batch

POLL_S = 0.2  # how often the parent looks at the cancel flag while it waits for results
STOP_WAIT_S = 10.0  # how long stopped workers may take to clean up before they are killed
TEMP_PREFIX = "kws-synth-"
TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP")  # where programs (and tempfile) put temporary files, POSIX and Windows
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_OK, _FAILED = "ok", "failed"
DIED = ("A synthesis worker process died (out of memory?); the clips made so far are kept: finish the build with "
        "the same command, --resume and --workers 1.")


class WorkerDied(WorkbenchError):
    """A worker process ended while it had work (killed, out of memory)."""


class WorkerStopped(SystemExit):
    """Raised inside a worker by SIGTERM (or when its parent is gone): unwinds the batch, so the engines'
    ``finally`` blocks run. A SystemExit: no engine's ``except Exception`` swallows it, and should it escape,
    multiprocessing ends the process with it quietly (no traceback)."""


_orphaned = threading.Event()


# -- the worker process ------------------------------------------------------------------------------

def _on_stop_signal(_signum: int, _frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one unwinding is enough
    raise WorkerStopped


def _parent_alive() -> bool:
    parent = multiprocessing.parent_process()
    return parent is None or parent.is_alive()


def _unwind_orphan() -> None:
    """:func:`~workbench.worker_guard.watch_parent`'s ending for a synthesis worker whose parent is gone: not an
    immediate exit (an engine's temporary files would stay) but the SIGTERM unwinding, so the engines' ``finally``
    blocks run, and the flag that has :func:`worker_main` remove the shared folder nobody else will remove."""
    _orphaned.set()
    if hasattr(signal, "pthread_kill"):
        os.kill(os.getpid(), signal.SIGTERM)  # also interrupts a blocking wait for an engine program
    else:  # Windows: no signal to send oneself, but the main thread can be interrupted
        _thread.interrupt_main(signal.SIGTERM)


def _use_temp_folder(folder: str) -> None:
    tempfile.tempdir = folder
    for name in TEMP_VARIABLES:
        os.environ[name] = folder


def worker_main(conn: Connection, temp_folder: str) -> None:
    """A worker process (module docstring): batches in, results out, until told to stop, stopped or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_stop_signal)
    try:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # a pending SIGINT is discarded (ignored)
        _use_temp_folder(temp_folder)
        watch_parent(_unwind_orphan)
        while True:
            batch = conn.recv()
            if batch is None:
                return
            try:
                reply: tuple[str, Any] = (_OK, run_batch(batch))
            except Exception as exc:  # a bug, not an engine failure (those are results): the parent says it
                reply = (_FAILED, f"{type(exc).__name__}: {exc}")
            conn.send(reply)
    except (WorkerStopped, EOFError, OSError):
        pass  # stopped by the parent, or the parent is gone: end quietly
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if _orphaned.is_set() or not _parent_alive():  # nobody else will remove the shared folder
            shutil.rmtree(temp_folder, ignore_errors=True)


# -- the parent ----------------------------------------------------------------------------------------

@dataclass
class _Worker:
    process: Any  # multiprocessing's SpawnProcess
    conn: Connection
    busy: bool = False


def _give(worker: _Worker, todo: deque[VoiceBatch]) -> None:
    if not todo:
        return
    try:
        worker.conn.send(todo.popleft())
    except OSError:  # its end of the pipe is closed: the process is gone
        raise WorkerDied(DIED) from None
    worker.busy = True


def _receive(worker: _Worker) -> list[JobResult]:
    try:
        status, payload = worker.conn.recv()
    except (EOFError, OSError):
        raise WorkerDied(DIED) from None
    worker.busy = False
    if status != _OK:
        raise WorkbenchError(f"A synthesis worker process failed ({payload}).")
    result: list[JobResult] = payload
    return result


def _stop(pool: list[_Worker], gently: bool) -> None:
    """End every worker: asked to (after a finished build) or by SIGTERM (a cancel or an error), killed if
    it does not end within :data:`STOP_WAIT_S`."""
    for worker in pool:
        try:
            if gently:
                worker.conn.send(None)
            elif worker.process.is_alive():
                worker.process.terminate()
        except OSError:
            pass
    deadline = time.monotonic() + STOP_WAIT_S
    for worker in pool:
        worker.process.join(max(0.0, deadline - time.monotonic()))
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()


def run_in_workers(batches: Sequence[VoiceBatch], workers: int, cancel: threading.Event,
                   on_results: Callable[[list[JobResult]], None]) -> bool:
    """Run ``batches`` in ``workers`` spawned processes, handing each result list to ``on_results`` in this
    thread; False when ``cancel`` was set. Raises :class:`WorkerDied` when a worker ends while it has work."""
    context = multiprocessing.get_context("spawn")
    todo = deque(batches)
    temp_folder = tempfile.mkdtemp(prefix=TEMP_PREFIX)
    pool: list[_Worker] = []
    finished = False
    try:
        with ctrl_c_held_back(signal.SIGTERM):  # they inherit the block: see the module docstring
            for number in range(min(workers, len(todo))):
                ours, theirs = context.Pipe()
                process = context.Process(target=worker_main, args=(theirs, temp_folder), daemon=True,
                                          name=f"kws-synth-worker-{number + 1}")
                process.start()
                theirs.close()
                pool.append(_Worker(process, ours))
        for worker in pool:
            _give(worker, todo)
        while any(worker.busy for worker in pool):
            busy = [worker for worker in pool if worker.busy]
            if not cancel.is_set():
                wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=POLL_S)
            if cancel.is_set():
                return False
            for worker in busy:
                if worker.conn.poll():  # results, or the end of the pipe (then _receive says the worker died)
                    on_results(_receive(worker))
                    _give(worker, todo)
                elif not worker.process.is_alive():
                    raise WorkerDied(DIED)
        finished = True
        return True
    finally:
        _stop(pool, gently=finished)
        shutil.rmtree(temp_folder, ignore_errors=True)
