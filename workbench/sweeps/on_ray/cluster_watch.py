"""Watching the Ray cluster a sweep attached to (``kws sweep --address``) while its trials run.

Why: when the cluster goes away in the middle of a sweep (its head node killed or stopped with ``ray stop``, the
network to it gone), the driver's thread blocks inside a call to the cluster -- Ray Tune was seen waiting in
``remove_placement_group`` for a trial its node took with it -- and a minute later (Ray's
``gcs_rpc_server_reconnect_timeout_s``) Ray's core ends the whole process itself: exit status 1 and one log line of
Ray's, no results, none of kws sweep's exit statuses. The watch notices first, from a thread of its own, which that
blocked call leaves running: it connects to the head node's port every :attr:`WatchSettings.probe_every_s`, and once
none answered for :attr:`WatchSettings.lost_after_s` -- well within Ray's minute; a busy head node still answers a
connection, and a short network outage is ridden out as Ray rides it out -- it calls ``on_lost`` once, and stops
(the sweep then writes its results and ends: :meth:`workbench.sweeps.sweep_run.SweepRun.cluster_lost`).

A private local instance (no ``--address``) is not watched: it is this process's own, and ends with it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterator

from workbench.sweeps.on_ray.ray_session import CONNECT_TIMEOUT_S, head_silence

THREAD_NAME = "kws-sweep-cluster-watch"
MIN_PROBE_S = 0.5  # the last probe's shortest wait for an answer, when lost_after_s is (nearly) over


@dataclass(frozen=True)
class WatchSettings:
    probe_every_s: float = 2.0
    lost_after_s: float = 15.0  # no answer this long: lost (Ray's core ends the process after 60 s)
    connect_timeout_s: float = CONNECT_TIMEOUT_S


class ClusterWatch:
    """A daemon thread probing ``head`` (HOST:PORT) until :meth:`stop`; ``on_lost()`` in that thread, at most once."""

    def __init__(self, head: str, on_lost: Callable[[], None], settings: WatchSettings | None = None) -> None:
        self.head = head
        self.on_lost = on_lost
        self.settings = settings or WatchSettings()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name=THREAD_NAME, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the watch; returns once its thread has (an ``on_lost`` under way finishes first)."""
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _watch(self) -> None:
        """Probe until stopped or lost. A probe waits at most the time left before the head counts as lost: on a
        network that drops packets a connection is not refused, it waits out its whole timeout, and probes of the
        full :attr:`WatchSettings.connect_timeout_s` reported a lost head several seconds after ``lost_after_s``."""
        settings = self.settings
        answered = time.monotonic()

        def left() -> float:
            return settings.lost_after_s - (time.monotonic() - answered)

        while not self._stopped.wait(max(0.0, min(settings.probe_every_s, left()))):
            if not head_silence(self.head, max(MIN_PROBE_S, min(settings.connect_timeout_s, left()))):
                answered = time.monotonic()
            elif left() <= 0 and not self._stopped.is_set():
                self.on_lost()
                return


@contextlib.contextmanager
def cluster_watched(head: str, on_lost: Callable[[], None], settings: WatchSettings | None = None) -> Iterator[None]:
    """``head`` watched for the ``with`` block (``""``: nothing to watch, a local instance or a Ray Client session)."""
    if not head:
        yield
        return
    watch = ClusterWatch(head, on_lost, settings)
    watch.start()
    try:
        yield
    finally:
        watch.stop()
