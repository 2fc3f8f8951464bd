"""A private X server and a watcher for the first top-level window a program maps on it (libxcb via ctypes).

Why: "the installed app opens its window" and "how long until it does" must be observed from outside the
program -- the installed bundle has no test hooks -- and without polling, so the moment is exact to a
millisecond. The watcher subscribes to the root window's SubstructureNotify events before the program
starts and returns at its first MapNotify of a normal (not override-redirect) window. Used by
``test_window.py`` and ``benchmarks/bench_package.py``.
"""

from __future__ import annotations

import ctypes
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

XCB_LIBRARY = "libxcb.so.1"
XCB_CW_EVENT_MASK = 1 << 11
XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY = 1 << 19
XCB_MAP_NOTIFY = 19
RESPONSE_TYPE_MASK = 0x7F
SCREEN = "1280x800x24"
DISPLAYFD_TIMEOUT_S = 20.0
RETRY_S = 0.02


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.POINTER(ctypes.c_uint32)), ("rem", ctypes.c_int), ("index", ctypes.c_int)]


class _MapNotify(ctypes.Structure):
    _fields_ = [("response_type", ctypes.c_uint8), ("pad0", ctypes.c_uint8), ("sequence", ctypes.c_uint16),
                ("event", ctypes.c_uint32), ("window", ctypes.c_uint32), ("override_redirect", ctypes.c_uint8)]


def _xcb() -> ctypes.CDLL:
    xcb = ctypes.CDLL(XCB_LIBRARY)
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    for name in ("xcb_connection_has_error", "xcb_get_file_descriptor", "xcb_flush"):
        getattr(xcb, name).argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    xcb.xcb_get_setup.restype = ctypes.c_void_p
    xcb.xcb_get_setup.argtypes = [ctypes.c_void_p]
    xcb.xcb_setup_roots_iterator.restype = _ScreenIterator
    xcb.xcb_setup_roots_iterator.argtypes = [ctypes.c_void_p]
    xcb.xcb_change_window_attributes.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32,
                                                 ctypes.POINTER(ctypes.c_uint32)]
    xcb.xcb_poll_for_event.restype = ctypes.c_void_p
    xcb.xcb_poll_for_event.argtypes = [ctypes.c_void_p]
    return xcb


class WindowWatch:
    """Subscribed to the root window of ``display`` from construction on; :meth:`wait_for_map` blocks."""

    def __init__(self, display: str) -> None:
        self._xcb = _xcb()
        self._libc = ctypes.CDLL(None)
        self._libc.free.argtypes = [ctypes.c_void_p]
        self._conn = self._xcb.xcb_connect(display.encode(), None)
        if self._xcb.xcb_connection_has_error(self._conn):
            self._xcb.xcb_disconnect(self._conn)
            raise OSError(f"cannot connect to the X display {display}")
        root = self._xcb.xcb_setup_roots_iterator(self._xcb.xcb_get_setup(self._conn)).data[0]
        mask = (ctypes.c_uint32 * 1)(XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY)
        self._xcb.xcb_change_window_attributes(self._conn, root, XCB_CW_EVENT_MASK, mask)
        self._xcb.xcb_flush(self._conn)

    def wait_for_map(self, timeout_s: float) -> float | None:
        """``time.perf_counter()`` when a normal window was mapped, or None after ``timeout_s``."""
        deadline = time.perf_counter() + timeout_s
        fd = self._xcb.xcb_get_file_descriptor(self._conn)
        while True:
            event = self._xcb.xcb_poll_for_event(self._conn)
            while event:
                notify = ctypes.cast(event, ctypes.POINTER(_MapNotify)).contents
                mapped = (notify.response_type & RESPONSE_TYPE_MASK) == XCB_MAP_NOTIFY and not notify.override_redirect
                self._libc.free(event)
                if mapped:
                    return time.perf_counter()
                event = self._xcb.xcb_poll_for_event(self._conn)
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            select.select([fd], [], [], left)

    def close(self) -> None:
        self._xcb.xcb_disconnect(self._conn)


def _wait_until_accepting(display: str, deadline: float) -> None:
    """Xvfb reports its display number a moment before its socket takes connections."""
    while True:
        try:
            WindowWatch(display).close()
            return
        except OSError:
            if time.perf_counter() > deadline:
                raise
            time.sleep(RETRY_S)


@contextmanager
def private_x_server() -> Iterator[str]:
    """An Xvfb of our own on a free display number (``-displayfd``); yields ``":N"``."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise FileNotFoundError("Xvfb is not installed (apt-get install xvfb)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp",
                               "-noreset"],
                              pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], DISPLAYFD_TIMEOUT_S)
        number = os.read(read_fd, 32).decode().strip() if ready else ""
        if not number:
            raise OSError("Xvfb did not start")
        display = f":{number}"
        _wait_until_accepting(display, time.perf_counter() + DISPLAYFD_TIMEOUT_S)
        yield display
    finally:
        os.close(read_fd)
        server.terminate()
        server.wait(timeout=DISPLAYFD_TIMEOUT_S)


def time_to_first_window(command: list[str], env: dict[str, str], display: str, timeout_s: float) -> float | None:
    """Seconds from starting ``command`` on ``display`` to its first mapped window (None: no window in time)."""
    watch = WindowWatch(display)
    try:
        started = time.perf_counter()
        program = subprocess.Popen(command, env={**env, "DISPLAY": display}, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            mapped = watch.wait_for_map(timeout_s)
        finally:
            program.terminate()
            try:
                program.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                program.kill()
                program.wait()
        return None if mapped is None else mapped - started
    finally:
        watch.close()
