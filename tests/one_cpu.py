"""The calling thread narrowed to one of its CPUs for a while: a real affinity, as ``taskset -c N`` gives one.

Linux applies ``sched_setaffinity(0, ...)`` to the calling thread only, and the processes it starts inherit it, so
the test's other threads keep their CPUs and the old set is given back afterwards. Skips where there is no affinity
to set, and on a machine of one CPU, where the affinity and the machine's count cannot tell apart.
"""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

import pytest


@contextlib.contextmanager
def narrowed_to_one_cpu() -> Iterator[int]:
    """Runs the block on one CPU of those allowed (the one yielded); the old affinity is restored after it."""
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("this platform has no CPU affinity to narrow")
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: the affinity and the machine's CPU count are the same number")
    allowed = os.sched_getaffinity(0)
    cpu = min(allowed)
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, allowed)
