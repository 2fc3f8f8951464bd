"""Cyclic garbage is collected by the GUI thread's timer, never by a worker thread that allocates."""

from __future__ import annotations

import gc
import threading
import weakref


class Node:
    """An object in a reference cycle: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


def cycle_garbage() -> weakref.ref:
    node = Node()
    return weakref.ref(node)


def test_worker_threads_never_collect_and_the_gui_timer_does(qtbot, gui_thread_gc) -> None:
    assert not gc.isenabled()
    garbage = cycle_garbage()
    threshold = gc.get_threshold()[0]
    worker = threading.Thread(target=lambda: [Node() for _ in range(threshold * 20)])  # many collections due
    worker.start()
    worker.join()
    assert garbage() is not None  # the worker's allocations did not run the collector
    qtbot.waitUntil(lambda: garbage() is None, timeout=5000)  # the GUI timer did
    assert gui_thread_gc.collections >= 1


def test_stop_gives_collection_back(qtbot) -> None:
    from workbench.gui.gui_thread_gc import GuiThreadGarbageCollector

    enabled = gc.isenabled()
    collector = GuiThreadGarbageCollector()
    assert not gc.isenabled()
    garbage = cycle_garbage()
    collector.stop()
    assert garbage() is None and gc.isenabled() == enabled
