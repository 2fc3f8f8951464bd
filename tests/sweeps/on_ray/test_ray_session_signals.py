"""After a local Ray instance of :func:`ray_cluster` has shut down, SIGTERM goes to the caller's handler again.

``ray.shutdown`` leaves SIGTERM to the system's default while Python still lists its handler: ``kws sweep`` wrote its
results after Ray's shutdown, where a SIGTERM -- the Sweeps view's Cancel insisting a minute after the first, or
``timeout`` -- ended the process at once, with no results. A fresh interpreter runs the real Ray instance, so that
the default action ends that interpreter, not the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = [pytest.mark.ray, pytest.mark.skipif(os.name == "nt", reason="POSIX signals")]

PROBE = """
import os, signal
from workbench.sweeps.on_ray.ray_session import ray_cluster
handled = []
signal.signal(signal.SIGTERM, lambda signum, frame: handled.append(signum))
with ray_cluster(None, 1):
    pass
os.kill(os.getpid(), signal.SIGTERM)
print("handled" if handled else "not handled")
"""
TIMEOUT_S = 120  # a safety net for a hung Ray start, not a timing of the test


def test_sigterm_after_ray_shut_down_reaches_the_callers_handler() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=TIMEOUT_S)
    assert (done.returncode, done.stdout.strip()) == (0, "handled"), done.stderr[-2000:]
