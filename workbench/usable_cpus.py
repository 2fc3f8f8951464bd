"""How many CPUs this process may use: the one answer every pool, sweep and thread setting sizes itself by.

Why not ``os.cpu_count()``: it counts the machine's CPUs, also those the process may not run on. Under
``taskset``, in a container given a CPU set or in a cluster's job slot, a pool of one worker per machine CPU
puts several workers on each allowed CPU, where they only take turns (and each holds its memory). The CPU
affinity (``os.sched_getaffinity``, Linux) is what the scheduler really gives the process; where the platform
has none (macOS, Windows) every CPU of the machine counts. A CPU quota (a container's ``--cpus``) limits time,
not CPUs, and is not counted here.

Kept apart from :mod:`workbench.worker_pool` so that a module which only counts CPUs (the Ray sweep's check,
TensorFlow's thread setting) imports neither multiprocessing nor the pool.
"""

from __future__ import annotations

import os


def usable_cpus() -> int:
    """The CPUs this process may run on, at least 1: its affinity where the platform has one, else the machine's."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return max(1, len(affinity(0)))
    return max(1, os.cpu_count() or 1)
