"""What every spawned worker process of a pool does first: leave stopping to its parent, and die with it.

Why: a terminal's Ctrl+C reaches the whole process group, so a worker would die of it halfway through a
chunk (a traceback on stderr, a broken pool) while its parent is already stopping the pool in order. And a
parent killed outright (``kill -9``, a crash, the OOM killer) cannot stop its workers at all: they wait for
work forever, reparented to PID 1, still holding the caller's stdout and stderr (a caller reading those to
the end -- the GUI's child runner, ``subprocess.communicate`` -- hangs) and keeping multiprocessing's
resource tracker alive with them. So each worker watches its parent's sentinel, which multiprocessing gives
every spawned child on every platform (a pipe the parent's end of which closes when it dies on POSIX, a
process handle on Windows), and exits the moment the parent is gone: no polling, no platform-specific call.

Pass :func:`guard_worker` as the pool's ``initializer`` (or call it first in your own initializer), and start
the workers inside :func:`ctrl_c_held_back`: a Ctrl+C while a worker is still importing, before its
initializer runs, would otherwise kill it with a traceback.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from multiprocessing import resource_tracker
from multiprocessing.process import BaseProcess
from typing import Iterator

ORPHANED_EXIT_CODE = 1  # nobody reads it: the parent is gone; not 0, since the worker's work was not done
WATCH_THREAD_NAME = "parent-watch"


def guard_worker() -> None:
    """In a pool worker: ignore Ctrl+C (the parent decides about stopping) and exit when the parent dies.

    SIGTERM keeps its default on purpose: the executor terminates a broken pool's workers with it.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:  # not a multiprocessing child (called in the parent itself): nothing to outlive
        return
    threading.Thread(target=_exit_with, args=(parent,), name=WATCH_THREAD_NAME, daemon=True).start()


@contextlib.contextmanager
def ctrl_c_held_back(*more: signal.Signals) -> Iterator[None]:
    """Around the calls that start workers (``submit`` for a ProcessPoolExecutor): SIGINT (and ``more``, e.g.
    SIGTERM for workers that set their own handler for it) blocked in this thread.

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


def _exit_with(parent: BaseProcess) -> None:
    """Wait for the parent's end, then end this process at once (``os._exit``: a worker blocked in a read or
    in the middle of a clip has nothing to save, and a normal exit would wait for it)."""
    try:
        parent.join()  # waits on the parent's sentinel
    except (OSError, TypeError, ValueError):  # no usable sentinel (a parent without one): cannot watch, so don't
        return
    os._exit(ORPHANED_EXIT_CODE)
