"""Run voice batches in spawned worker processes (a :class:`~workbench.worker_pool.WorkerPool`: one pipe per
worker), so that every way a build can stop is clean.

The pool makes a worker that dies (the OOM killer, kill -9) one clear :class:`WorkerDied` sentence, and the clips
made so far stay. What a synthesis worker adds is its stopping: workers are spawned with SIGINT and SIGTERM
blocked (the signal mask is inherited through the spawn), so a signal during their imports stays pending until
the worker has set its handlers. A worker ignores SIGINT -- a terminal's Ctrl+C reaches the whole process group
and the parent decides -- and ends on SIGTERM (how the pool stops a busy worker) by unwinding, so its engines'
``finally`` blocks remove their temporary files. All workers share one private temporary folder (TMPDIR for them
and for the programs they run) that the parent removes at the end whatever happened, which also catches the files
of a worker that was killed. A worker whose parent is gone (kill -9) stops, removes that folder and exits without
a word.
"""

from __future__ import annotations

import _thread
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
from multiprocessing.connection import Connection
from types import FrameType
from typing import Any, Callable, Sequence

from workbench.core.errors import WorkbenchError
from workbench.synthesis.synthesis_worker import JobResult, VoiceBatch, run_batch
from workbench.worker_guard import watch_parent
from workbench.worker_pool import WorkerPool, serve

TEMP_PREFIX = "kws-synth-"
TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP")  # where programs (and tempfile) put temporary files, POSIX and Windows
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
WORKER_DIED = "A synthesis worker process died (out of memory?); the clips made so far are kept"  # + the remedy
DIED = f"{WORKER_DIED}: finish the build with the same command, --resume and --workers 1."


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


def _run_batch(batch: VoiceBatch) -> list[JobResult]:
    """A worker's task: an engine's failure is a result (run_batch keeps it); anything else is a bug, which
    the parent reports in a sentence."""
    try:
        return run_batch(batch)
    except Exception as exc:
        raise WorkbenchError(f"A synthesis worker process failed ({type(exc).__name__}: {exc}).") from None


def worker_main(conn: Connection, function: Callable[..., Any], temp_folder: str) -> None:
    """A worker process (module docstring): batches in, results out, until told to stop, stopped or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_stop_signal)
    try:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # a pending SIGINT is discarded (ignored)
        _use_temp_folder(temp_folder)
        watch_parent(_unwind_orphan)
        serve(conn, function)
    except (WorkerStopped, EOFError, OSError):
        pass  # stopped by the parent, or the parent is gone: end quietly
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if _orphaned.is_set() or not _parent_alive():  # nobody else will remove the shared folder
            shutil.rmtree(temp_folder, ignore_errors=True)


# -- the parent ----------------------------------------------------------------------------------------

def run_in_workers(batches: Sequence[VoiceBatch], workers: int, cancel: threading.Event,
                   on_results: Callable[[list[JobResult]], None]) -> bool:
    """Run ``batches`` in ``workers`` spawned processes, handing each result list to ``on_results`` in this
    thread; False when ``cancel`` was set. Raises :class:`WorkerDied` when a worker ends while it has work."""
    if not batches:
        return True
    temp_folder = tempfile.mkdtemp(prefix=TEMP_PREFIX)
    left = len(batches)
    try:
        with WorkerPool(min(workers, len(batches)), _run_batch, lambda: WorkerDied(DIED), initargs=(temp_folder,),
                        worker_main=worker_main, held_back=(signal.SIGTERM,), name="kws-synth-worker") as pool:
            for results in pool.run([(batch,) for batch in batches], cancel):
                on_results(results)
                left -= 1
        return left == 0
    finally:
        shutil.rmtree(temp_folder, ignore_errors=True)
