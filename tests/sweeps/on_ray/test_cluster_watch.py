"""The cluster watch of ``kws sweep --address`` (its whole sweep is :mod:`test_sweep_cluster_lost`): a head node that
answers is left alone for as long as it answers, and one that stops answering is reported once, from the watch's
own thread. The head node is a real listening socket, closed as a head node's port closes when it is killed."""

from __future__ import annotations

import socket
import threading

from workbench.sweeps.on_ray.cluster_watch import THREAD_NAME, ClusterWatch, WatchSettings

SETTINGS = WatchSettings(probe_every_s=0.01, lost_after_s=0.05, connect_timeout_s=1.0)  # (fast: a test's head)
SAFETY_S = 60.0  # a safety net for a watch that never reports, not a timing of the test


def test_a_head_node_that_stops_answering_is_reported_once_from_the_watchs_thread() -> None:
    reports: list[str] = []
    reported = threading.Event()
    head = socket.socket()
    head.bind(("127.0.0.1", 0))
    head.listen()
    address = f"127.0.0.1:{head.getsockname()[1]}"

    def lost() -> None:
        reports.append(threading.current_thread().name)
        reported.set()

    watch = ClusterWatch(address, lost, SETTINGS)
    watch.start()
    try:
        head.settimeout(SAFETY_S)
        for _ in range(3):  # three probes answered (each connection is the watch's): no report meanwhile
            head.accept()[0].close()
        assert not reported.is_set()
        head.close()  # the head node's port closes
        assert reported.wait(SAFETY_S)
    finally:
        watch.stop()
    assert reports == [THREAD_NAME]  # once, and not in the caller's thread


def test_a_head_node_whose_packets_are_dropped_is_reported_without_waiting_out_a_connection() -> None:
    """On a network that drops packets a connection is not refused: it waits out its whole timeout. A head node whose
    accept queue is full drops the SYNs of new connections as such a network does; the watch reports it once its
    ``lost_after_s`` is over, not after a probe's connection timeout (here longer than the test's safety net)."""
    reported = threading.Event()
    head = socket.socket()
    head.bind(("127.0.0.1", 0))
    head.listen(0)
    address = head.getsockname()
    queued = []
    for _ in range(2):  # the accept queue full: the kernel drops further SYNs instead of refusing them
        client = socket.socket()
        client.setblocking(False)
        client.connect_ex(address)
        queued.append(client)
    settings = WatchSettings(probe_every_s=0.01, lost_after_s=0.2, connect_timeout_s=SAFETY_S * 10)
    watch = ClusterWatch(f"127.0.0.1:{address[1]}", reported.set, settings)
    watch.start()
    try:
        assert reported.wait(SAFETY_S)
    finally:
        watch.stop()
        for client in queued:
            client.close()
        head.close()
