"""Keep native libraries' own diagnostics out of the terminal: PortAudio's and ALSA's while a microphone
stream is in use, LiteRT's ``INFO:`` lines while an interpreter is made.

Why: when a sound device vanishes or refuses to open, the C libraries print raw lines straight to file
descriptor 2 -- PortAudio's ``Expression '…' failed in 'src/hostapi/alsa/pa_linux_alsa.c', line: …`` and
ALSA's ``ALSA lib pcm_pulse.c:758:(pulse_prepare) PulseAudio: Unable to create stream: …`` -- once per
attempt, so a GUI retrying a vanished microphone floods the terminal. LiteRT prints ``INFO: Created
TensorFlow Lite XNNPACK delegate for CPU.`` for every interpreter, between the lines of ``kws`` output. The
workbench reports failures itself, in one sentence; the raw lines only alarm.

Two measures:

* ALSA: a no-op error handler is installed with ``snd_lib_error_set_handler`` (when libasound is present),
  so ALSA formats nothing at all, from any thread.
* PortAudio and LiteRT have no exported switch for their prints, and PortAudio's come from its own audio
  thread as well (when a running stream loses its device). So while a stream is being opened, runs or is
  closed, and while an interpreter is made (:func:`noise_filtered` / :func:`hold` / :func:`release`,
  reference-counted), fd 2 points at a pipe whose reader thread forwards every line to the real stderr except
  those diagnostics. Everything else written to stderr meanwhile (Python's own messages, other libraries,
  child processes) still arrives, in order.

fd 2 is process-wide, so this is its one switch, and one filter serves the whole process. The pipe's read end
is never closed, so a child process that inherited fd 2 never gets SIGPIPE. At exit fd 2 is restored and the
pipe drained, so a last error message is never lost.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import os
import select
import sys
import threading
from typing import Iterator, Protocol

STDERR_FD = 2
READ_CHUNK = 65536
ALSA_PREFIX = b"ALSA lib "
PORTAUDIO_PREFIX = b"Expression '"
PORTAUDIO_MARK = b"' failed in '"
RUNTIME_INFO_PREFIX = b"INFO: "  # LiteRT's (TFLite's) own log lines
NOISE_PREFIXES = (ALSA_PREFIX, PORTAUDIO_PREFIX, RUNTIME_INFO_PREFIX)

# void (*snd_lib_error_handler_t)(const char *file, int line, const char *function, int err, const char *fmt, ...)
_ALSA_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                      ctypes.c_char_p)


def _ignore_alsa_error(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    """ALSA's error callback: the workbench reports the failure itself, in one sentence."""


_ALSA_HANDLER = _ALSA_HANDLER_TYPE(_ignore_alsa_error)  # module-level: ALSA keeps the pointer forever
_alsa_silenced = False


def silence_alsa_errors() -> bool:
    """Install the no-op ALSA error handler once; False when there is no libasound (not Linux)."""
    global _alsa_silenced
    if _alsa_silenced:
        return True
    name = ctypes.util.find_library("asound")
    if name is None:
        return False
    try:
        ctypes.CDLL(name).snd_lib_error_set_handler(_ALSA_HANDLER)
    except (OSError, AttributeError):
        return False
    _alsa_silenced = True
    return True


def is_noise(line: bytes) -> bool:
    """A raw PortAudio, ALSA or LiteRT diagnostic line (without its newline)."""
    return (line.startswith((ALSA_PREFIX, RUNTIME_INFO_PREFIX))
            or (line.startswith(PORTAUDIO_PREFIX) and PORTAUDIO_MARK in line))


class LineFilter:
    """Drops diagnostic lines from a byte stream; other bytes pass at once (a partial line too, unless
    it may still become a diagnostic)."""

    def __init__(self) -> None:
        self._pending = b""
        self._after_alsa = False  # ALSA's default handler ends its message with an extra empty line

    def feed(self, data: bytes) -> bytes:
        *lines, tail = (self._pending + data).split(b"\n")
        kept = []
        for line in lines:
            if is_noise(line):
                self._after_alsa = line.startswith(ALSA_PREFIX)
                continue
            if not line and self._after_alsa:
                self._after_alsa = False
                continue
            self._after_alsa = False
            kept.append(line + b"\n")
        maybe_noise = any(tail.startswith(p) or p.startswith(tail) for p in NOISE_PREFIXES) if tail else False
        self._pending = tail if maybe_noise else b""
        if tail and not maybe_noise:
            kept.append(tail)
        return b"".join(kept)


class ByteLineFilter(Protocol):
    """A rule for which bytes of a stream go on: :class:`LineFilter`, or another library's (TensorFlow's in
    training). ``feed`` returns what may be written now and keeps what may still become a dropped line."""

    def feed(self, data: bytes) -> bytes: ...


class StderrFilter:
    """fd 2 → pipe → reader thread → the real stderr, minus what ``lines`` drops, while ``holders`` > 0.

    Why a class others may make: it is the one implementation of switching fd 2 safely (drained on release,
    restored at exit, never SIGPIPE); a package with noise of its own gives its own rule. Two filters nest: each
    forwards to the fd 2 it found.
    """

    def __init__(self, lines: ByteLineFilter | None = None) -> None:
        self.holders = 0
        self.real: int | None = None  # a duplicate of the real stderr, the reader's destination
        self.read_fd: int | None = None
        self.write_fd: int | None = None
        self.io_lock = threading.Lock()  # the reader and the drains take turns
        self.lines: ByteLineFilter = lines if lines is not None else LineFilter()
        self.switch_lock = threading.Lock()  # fd 2 is switched and restored by one holder at a time

    def hold(self) -> None:
        with self.switch_lock:
            if self.holders == 0 and not self._redirect():
                return
            self.holders += 1

    def release(self) -> None:
        with self.switch_lock:
            if self.holders == 0:
                return
            self.holders -= 1
            if self.holders == 0:
                self._restore()

    def restore_at_exit(self) -> None:
        with self.switch_lock:
            if self.holders:
                self.holders = 0
                self._restore()

    def _redirect(self) -> bool:
        try:
            sys.stderr.flush()
            real = os.dup(STDERR_FD)
        except (OSError, ValueError, AttributeError):  # no fd 2 (a windowed program): nothing to filter
            return False
        if self.read_fd is None:
            self.read_fd, self.write_fd = os.pipe()
            os.set_blocking(self.read_fd, False)
            threading.Thread(target=self._forward_forever, name="kws-stderr-filter", daemon=True).start()
            atexit.register(self.restore_at_exit)
        with self.io_lock:
            if self.real is not None:
                os.close(self.real)
            self.real = real
        os.dup2(self.write_fd, STDERR_FD)  # type: ignore[arg-type]
        return True

    def _restore(self) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.flush()
        with self.io_lock:
            self._drain()  # what is already in the pipe comes before anything written after the switch
            if self.real is not None:
                os.dup2(self.real, STDERR_FD)

    def _forward_forever(self) -> None:
        while True:
            try:
                select.select([self.read_fd], [], [])
            except (OSError, ValueError):
                return
            with self.io_lock:
                self._drain()

    def _drain(self) -> None:
        """Forward everything readable now (called with ``io_lock`` held)."""
        while True:
            try:
                data = os.read(self.read_fd, READ_CHUNK)  # type: ignore[arg-type]
            except BlockingIOError:
                return
            except OSError:
                return
            if not data:
                return
            self._write(self.lines.feed(data))

    def _write(self, data: bytes) -> None:
        while data and self.real is not None:
            try:
                written = os.write(self.real, data)
            except OSError:
                return
            data = data[written:]


_FILTER = StderrFilter()


def hold() -> None:
    """Start (or keep) filtering fd 2; pair every call with :func:`release`."""
    silence_alsa_errors()
    _FILTER.hold()


def release() -> None:
    """Stop filtering once the last holder released."""
    _FILTER.release()


@contextlib.contextmanager
def noise_filtered() -> Iterator[None]:
    """Filter fd 2 for the duration of the block."""
    hold()
    try:
        yield
    finally:
        release()
