"""Lines from the board's serial port, read on a thread of their own, surviving what a real port does.

Why a thread and a queue: the caller (the CLI loop, a GUI worker) must stay able to cancel, time out
and report while the port is quiet, so it waits on a queue with a timeout instead of in ``read()``.
Why the filtering: like MLTK's ``SerialReader`` in text mode, every ``\\r`` and every byte >= 127 is
dropped (and other control bytes), so noise and CRLF never reach a parser; a line split across reads is
joined; a line that never ends is cut at :data:`MAX_LINE_CHARS`. Opening flushes both directions
(MLTK does too) so a stale half-line from before the reset is not read as the firmware's output.

A vanished port (board unplugged, pty closed) ends the thread; the lines already read are still
delivered, then :meth:`SerialLineReader.read_line` raises :class:`DeviceError` naming the port.
A wrong baud rate shows as mostly dropped bytes: :attr:`SerialLineReader.looks_garbled`.
"""

from __future__ import annotations

import errno
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from workbench.core.errors import DeviceError

BAUDRATE = 115_200
READ_TIMEOUT_S = 0.05
MAX_READ_BYTES = 4096
MAX_LINE_CHARS = 4096
NEWLINE = 0x0A
TAB = 0x09
FIRST_PRINTABLE = 0x20
FIRST_DROPPED_HIGH = 127
GARBLED_MIN_BYTES = 64
GARBLED_FRACTION = 0.3
JOIN_TIMEOUT_S = 2.0
# what an unplugged port makes the OS or pyserial say: nothing the "vanished" sentence does not say already
VANISHED_ERRNOS = (errno.EIO, errno.ENXIO, errno.ENODEV, errno.EBADF)
VANISHED_TEXTS = ("returned no data", "device disconnected", "Input/output error", "Bad file descriptor")

_KEEP = bytes(b for b in range(256) if b == TAB or FIRST_PRINTABLE <= b < FIRST_DROPPED_HIGH)
_DROP = bytes(b for b in range(256) if b not in _KEEP and b != NEWLINE)


class LineAssembler:
    """Bytes in, complete text lines out (dropping ``\\r``, control bytes and bytes >= 127)."""

    def __init__(self, max_chars: int = MAX_LINE_CHARS) -> None:
        self.max_chars = max_chars
        self.bytes_seen = 0
        self.bytes_dropped = 0
        self._pending = bytearray()

    def feed(self, data: bytes) -> list[str]:
        self.bytes_seen += len(data)
        kept = data.translate(None, _DROP)
        self.bytes_dropped += len(data) - len(kept)
        lines: list[str] = []
        self._pending += kept
        while True:
            cut = self._pending.find(NEWLINE)
            if cut < 0:
                break
            lines.append(self._pending[:cut].decode("ascii"))
            del self._pending[:cut + 1]
        while len(self._pending) >= self.max_chars:
            lines.append(self._pending[:self.max_chars].decode("ascii"))
            del self._pending[:self.max_chars]
        return lines

    def flush(self) -> str | None:
        """The unfinished last line, if any (at close)."""
        if not self._pending:
            return None
        text = self._pending.decode("ascii")
        self._pending.clear()
        return text

    @property
    def garbled_fraction(self) -> float:
        return self.bytes_dropped / self.bytes_seen if self.bytes_seen else 0.0


@dataclass(frozen=True)
class _Ended:
    error: str | None


# pyserial's words when the path opens but takes no serial settings (/dev/null, a regular file): ENOTTY's
# text inside "Could not configure port: (25, ...)", with no errno on the exception
NOT_A_TTY_TEXT = "Inappropriate ioctl"
PORTS_HINT = "`kws board list` shows the ports"


def _what_it_is(port: str) -> str:
    """`` (it is a folder)`` / `` (it is a regular file)`` for what the path holds instead of a port."""
    if os.path.isdir(port):
        return " (it is a folder)"
    if os.path.isfile(port):
        return " (it is a regular file)"
    return ""


def open_error_message(port: str, exc: BaseException) -> str:
    """One sentence for a port that cannot be opened (missing, busy, no permission, not a serial port)."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    if code == errno.ENOENT or "No such file" in text or "FileNotFoundError" in text:
        return f"Serial port {port} does not exist (is the board connected? {PORTS_HINT})."
    if code in (errno.EISDIR, errno.ENOTTY) or NOT_A_TTY_TEXT in text:
        return f"{port} is not a serial port{_what_it_is(port)}: give the board's port ({PORTS_HINT})."
    if code == errno.EACCES or "Permission denied" in text:
        return (f"No permission to open serial port {port}: on Linux add yourself to the 'dialout' group "
                "and log in again.")
    if code == errno.EBUSY or "exclusively lock" in text or "busy" in text.lower() or "Access is denied" in text:
        # Windows reports a port another program holds as "Access is denied"
        return f"Serial port {port} is busy: another program (a terminal, another kws) has it open."
    reason = os.strerror(code) if isinstance(code, int) else text  # pyserial repeats "[Errno N]" in its text
    return f"Cannot open serial port {port}: {reason}."


def vanished_message(port: str, exc: BaseException) -> str:
    """The sentence for a port that went away while read; pyserial's text only when it says more than ours.

    Why: an unplugged port makes pyserial say "device reports readiness to read but returned no data (device
    disconnected or multiple access on port?)", or the OS "Input/output error": both only repeat "vanished".
    """
    sentence = f"The board's serial port {port} vanished (unplugged, or the board reset its USB?)"
    code = getattr(exc, "errno", None)
    text = str(exc).strip()
    if (code in VANISHED_ERRNOS or isinstance(exc, (TypeError, AttributeError)) or not text
            or any(words in text for words in VANISHED_TEXTS)):
        return f"{sentence}."
    return f"{sentence}: {text}."


class SerialLineReader:
    """Reads lines from ``port`` at ``baudrate`` (8N1) until closed or the port vanishes.

    ``opener`` builds the port object (default: :class:`serial.Serial`); it must offer ``read``,
    ``in_waiting``, ``reset_input_buffer``, ``reset_output_buffer`` and ``close``.
    """

    def __init__(self, port: str, *, baudrate: int = BAUDRATE, opener: Callable[..., Any] | None = None) -> None:
        self.port = port
        self.baudrate = baudrate
        self._opener = opener
        self._serial: Any = None
        self._lines: queue.Queue[str | _Ended] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._assembler = LineAssembler()
        self._ended: _Ended | None = None
        self.last_activity = time.monotonic()

    # -- lifetime ----------------------------------------------------------------------------------
    def _connect(self) -> Any:
        """The opened and flushed port object; DeviceError (one sentence) when it cannot be had."""
        if not self.baudrate > 0:
            raise DeviceError(f"Baud rate {self.baudrate} is not valid: give a positive rate "
                              f"(MLTK's firmware uses {BAUDRATE}).")
        opener = self._opener
        if opener is None:
            import serial

            opener = serial.Serial
        try:
            port = opener(self.port, baudrate=self.baudrate, timeout=READ_TIMEOUT_S, exclusive=True)
        except (OSError, ValueError) as exc:  # SerialException is an OSError
            raise DeviceError(open_error_message(self.port, exc)) from None
        try:
            port.reset_input_buffer()
            port.reset_output_buffer()
        except (OSError, ValueError) as exc:
            port.close()
            raise DeviceError(open_error_message(self.port, exc)) from None
        return port

    def probe(self) -> None:
        """Open and close the port at once, reading nothing.

        Why: a missing, busy or unusable port (or baud rate) must stop a board run before a minute of
        flashing, not after it; the port is opened for real again once the board is flashed.
        """
        if self._serial is not None:
            return
        port = self._connect()
        try:
            port.close()
        except (OSError, ValueError):
            pass

    def open(self) -> "SerialLineReader":
        """Open and flush the port and start reading (once; a second call does nothing)."""
        if self._serial is not None:
            return self
        self._serial = self._connect()
        self.last_activity = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"serial-{self.port}", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=JOIN_TIMEOUT_S)
            self._thread = None
        if self._serial is not None:
            try:
                self._serial.close()
            except (OSError, ValueError):
                pass
            self._serial = None

    def __enter__(self) -> "SerialLineReader":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the reading thread ------------------------------------------------------------------------
    def _run(self) -> None:
        error: str | None = None
        try:
            while not self._stop.is_set():
                data = self._serial.read(max(1, min(self._serial.in_waiting, MAX_READ_BYTES)))
                if data:
                    self.last_activity = time.monotonic()
                    for line in self._assembler.feed(data):
                        self._lines.put(line)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            # SerialException/OSError(EIO): unplugged; TypeError/AttributeError: pyserial after a close
            if not self._stop.is_set():
                error = vanished_message(self.port, exc)
        rest = self._assembler.flush()
        if rest:
            self._lines.put(rest)
        self._lines.put(_Ended(error))

    # -- for the caller ----------------------------------------------------------------------------
    def read_line(self, timeout: float) -> str | None:
        """The next line, None after ``timeout`` s without one; DeviceError once the port has vanished."""
        if self._ended is not None:
            self._raise_if_vanished()
            return None
        try:
            item = self._lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(item, _Ended):
            self._ended = item
            self._raise_if_vanished()
            return None
        return item

    def _raise_if_vanished(self) -> None:
        if self._ended is not None and self._ended.error:
            raise DeviceError(self._ended.error)

    @property
    def ended(self) -> bool:
        return self._ended is not None

    def seconds_since_activity(self) -> float:
        return time.monotonic() - self.last_activity

    @property
    def bytes_seen(self) -> int:
        """Bytes received since opening, noise included: whether the board says anything at all."""
        return self._assembler.bytes_seen

    @property
    def looks_garbled(self) -> bool:
        """Mostly bytes no firmware prints: most likely the wrong baud rate."""
        a = self._assembler
        return a.bytes_seen >= GARBLED_MIN_BYTES and a.garbled_fraction > GARBLED_FRACTION

    def write(self, data: bytes) -> None:
        if self._serial is None:
            raise DeviceError(f"Serial port {self.port} is not open.")
        try:
            self._serial.write(data)
        except (OSError, ValueError) as exc:
            raise DeviceError(f"Cannot write to serial port {self.port}: {exc}.") from None
