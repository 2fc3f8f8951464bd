"""What every spawned worker process of a pool does first: leave stopping to its parent, and die with it.

Why: a terminal's Ctrl+C reaches the whole process group, so a worker would die of it halfway through a
chunk (a traceback on stderr, a broken pool) while its parent is already stopping the pool in order. And a
parent killed outright (``kill -9``, a crash, the OOM killer) cannot stop its workers at all: they wait for
work forever, reparented to PID 1, still holding the caller's stdout and stderr (a caller reading those to
the end -- the GUI's child runner, ``subprocess.communicate`` -- hangs) and keeping multiprocessing's
resource tracker alive with them. So each worker watches its parent's sentinel, which multiprocessing gives
every spawned child on every platform (a pipe the parent's end of which closes when it dies on POSIX, a
process handle on Windows), and exits the moment the parent is gone: no polling, no platform-specific call.

:class:`workbench.worker_pool.WorkerPool` does both for its workers. Elsewhere, pass :func:`guard_worker` as a
pool's ``initializer`` (or call it first in your own initializer), and start the workers inside
:func:`ctrl_c_held_back`: a Ctrl+C while a worker is still importing, before its
initializer runs, would otherwise kill it with a traceback. A worker with something to clean up when it is
orphaned (the synthesis pool's, whose engines leave temporary files) calls :func:`watch_parent` itself, with
its own ending instead of the immediate exit.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from multiprocessing import resource_tracker
from typing import Callable, Iterator

ORPHANED_EXIT_CODE = 1  # nobody reads it: the parent is gone; not 0, since the worker's work was not done
WATCH_THREAD_NAME = "parent-watch"
# blocked in the watching thread, so that they reach the main thread (see watch_parent)
MAIN_THREAD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def guard_worker() -> None:
    """In a pool worker: ignore Ctrl+C (the parent decides about stopping) and exit when the parent dies.

    SIGTERM keeps its default on purpose: the executor terminates a broken pool's workers with it.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(_exit_at_once)


def watch_parent(on_gone: Callable[[], None]) -> None:
    """In a spawned worker: call ``on_gone`` in a daemon thread the moment the parent process is gone.

    Why a thread on the parent's sentinel: a worker mostly waits (for work, for a program it runs), and only
    this notices a parent that died without a word (``kill -9``, the OOM killer), at once and without polling.
    The thread blocks SIGINT and SIGTERM for itself, so that the kernel hands a signal for the process to the
    main thread: Python runs signal handlers there, and only there does a signal interrupt a blocking call.
    Does nothing outside a multiprocessing child (nothing to outlive) or when the parent has no usable sentinel
    (nothing to wait on): ``on_gone`` is then never called.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # not a multiprocessing child (called in the parent itself): nothing to outlive
        return

    def watch() -> None:
        if hasattr(signal, "pthread_sigmask"):  # Windows has no signal masks
            signal.pthread_sigmask(signal.SIG_BLOCK, MAIN_THREAD_SIGNALS)
        try:
            parent.join()  # waits on the parent's sentinel
        except (OSError, TypeError, ValueError):  # no usable sentinel (a parent without one): cannot watch
            return
        on_gone()

    threading.Thread(target=watch, name=WATCH_THREAD_NAME, daemon=True).start()


@contextlib.contextmanager
def ctrl_c_held_back(*more: signal.Signals) -> Iterator[None]:
    """Around the calls that start workers (``Process.start``; ``submit`` for a ProcessPoolExecutor): SIGINT
    (and ``more``, e.g. SIGTERM for workers that set their own handler for it) blocked in this thread.

    Why: a spawned child inherits the blocked signal mask, so it never sees a terminal's Ctrl+C, not even
    while it imports, before :func:`guard_worker` runs (multiprocessing starts its resource tracker the same
    way). This process loses nothing: a Ctrl+C meanwhile goes to another thread or waits until the block
    ends. Windows has no signal masks: there this does nothing.
    """
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    # Starting the resource tracker (the first spawn does it) UNBLOCKS SIGINT and SIGTERM in this thread
    # afterwards, whatever the mask was: start it first, so that every worker begins with the block.
    resource_tracker.ensure_running()
    previous = mask(signal.SIG_BLOCK, {signal.SIGINT, *more})
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)


def _exit_at_once() -> None:
    """A guarded worker's end when its parent is gone: at once (``os._exit``): a worker blocked in a read or
    in the middle of a clip has nothing to save, and a normal exit would wait for it."""
    os._exit(ORPHANED_EXIT_CODE)
