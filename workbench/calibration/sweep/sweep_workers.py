"""A sweep spread over processes: consecutive chunks of the parameter sets, scored by spawned workers.

Why processes and not threads: scoring one set is a few dozen numpy calls on small arrays driven from Python
(0.25 to 0.35 ms a set on a 30-minute stream), so the GIL is held most of the time; two threads took 1.5 to 1.7
times as long as one (measured on a per-class sweep). A per-class sweep of a two-keyword model (137,180 sets) took
59 s in one process on a 60-minute stream and 30 s on two (``benchmarks/bench_calibration.py``); the workers'
CPU time was within 5-15 % of the one process's.

Why a small sweep stays in the calling process: the workers are spawned (:mod:`workbench.worker_pool`: never
forked, since the caller may have threads), and each imports numpy and the scorer before its first chunk: a pool's
first result came 0.3 s after it was asked for (measured on 2 cores). A sweep's cost is about its sets times (the
inferences of all its audio + :data:`SET_COST_INFERENCES`, a set's own cost in inferences); below
:data:`MIN_WORK_FOR_WORKERS`, about a second of one core's scoring, the pool would save less than it costs (it
broke even at about 0.65 s). The default one-threshold grid on a 30-minute stream (1.3 s) stays in the process; on
a 60-minute stream, and a per-class sweep of two minutes of audio or more, go to the workers.

Why chunks and not one share per worker: progress is reported as chunks come back, a worker that is slower (a busy
core) takes fewer of them, and a stop (``cancel``) is seen by the pool within a fraction of a second
(:data:`workbench.worker_pool.POLL_S`), which then terminates the busy workers: Cancel and Ctrl+C are as immediate
as in one process, and the workers ignore a terminal's Ctrl+C themselves (:mod:`workbench.worker_guard`).

The figures are the single-process sweep's, in the same order: the worker runs the same function on the same
scores, and each chunk's rows are put back where its sets came from (``start``).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from workbench.calibration.replay import CalibrationCancelled
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.usable_cpus import usable_cpus
from workbench.worker_pool import WorkerPool

# measured (module docstring): a set cost 0.11 ms on 1,200 inferences and 0.25 ms on 18,000, about 8.4 ns an
# inference plus the cost of 12,000 more inferences of its own
SET_COST_INFERENCES = 12_000
MIN_WORK_FOR_WORKERS = 120_000_000  # sets x (inferences + SET_COST_INFERENCES): about 1 s of one core's scoring
CHUNKS_PER_WORKER = 16  # progress steps and load balance: chunks each worker gets, on average
WORKER_DIED = ("A sweep worker process died (out of memory?); calibrate again with fewer worker processes "
               "(kws calibrate --workers 1 runs the sweep in one process).")


@dataclass(frozen=True)
class SweepWorkers:
    """How many processes a sweep may use (``None``: one per usable CPU) and from what size it uses them."""

    limit: int | None = None
    min_work: int = MIN_WORK_FOR_WORKERS
    chunks_per_worker: int = CHUNKS_PER_WORKER

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 1:
            raise SettingsError(f"the sweep needs at least 1 worker process, not {self.limit}")

    def count_for(self, sets: int, inferences: int) -> int:
        """The processes to score ``sets`` parameter sets on ``inferences`` stored inferences with: 1 (this
        process) for a small sweep, else up to the limit, never more than there are chunks."""
        limit = usable_cpus() if self.limit is None else self.limit
        if limit <= 1 or sets * (inferences + SET_COST_INFERENCES) < self.min_work:
            return 1
        return max(1, min(limit, sets))

    def chunks(self, sets: int, workers: int) -> list[tuple[int, int]]:
        """``(start, stop)`` of consecutive chunks covering ``range(sets)``, about ``chunks_per_worker`` a worker."""
        size = max(1, math.ceil(sets / (workers * max(1, self.chunks_per_worker))))
        return [(start, min(start + size, sets)) for start in range(0, sets, size)]


def score_in_workers(score_chunk: Callable[..., Any], shared: tuple[Any, ...], items: Sequence[Any],
                     chunks: list[tuple[int, int]], workers: int, progress: Callable[[float], None] | None = None,
                     cancel: threading.Event | None = None) -> Iterator[tuple[int, Any]]:
    """``(start, score_chunk(*shared, items[start:stop]))`` for every chunk, in the order they are done, on
    ``workers`` spawned processes; ``progress`` gets the share of ``items`` done after each chunk. Raises
    :class:`CalibrationCancelled` when ``cancel`` is set (the busy workers are terminated), and a
    :class:`WorkbenchError` when a worker dies. ``score_chunk`` must be a module-level function (it is sent by
    name) and ``shared`` picklable: both go to the workers with every chunk, so the workers keep no state."""
    tasks = [(*shared, start, items[start:stop]) for start, stop in chunks]
    done = 0
    with WorkerPool(min(workers, len(tasks)), _tagged, lambda: WorkbenchError(WORKER_DIED),
                    name="kws-sweep") as pool:
        for start, stop, result in pool.run([(score_chunk, task) for task in tasks], cancel):
            done += stop - start
            if progress is not None:
                progress(done / max(len(items), 1))
            if cancel is not None and cancel.is_set():  # asked while this chunk came back: wait for no other
                raise CalibrationCancelled("calibration cancelled")
            yield start, result
    if cancel is not None and cancel.is_set() and done < len(items):  # the pool saw it first and gave up
        raise CalibrationCancelled("calibration cancelled")


def _tagged(score_chunk: Callable[..., Any], task: tuple[Any, ...]) -> tuple[int, int, Any]:
    """In a worker: the chunk's ``(start, stop)`` with its result, so that the parent puts it back in place."""
    *shared, start, items = task
    return start, start + len(items), score_chunk(*shared, items)
