"""The serial line reader on real pty pairs: split lines, noise, a vanished port, busy and missing ports."""

from __future__ import annotations

import errno
import os
import time
import tty

import pytest

from workbench.board.uart.line_reader import LineAssembler, SerialLineReader, vanished_message
from workbench.core.errors import DeviceError


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    name = os.ttyname(slave)
    yield master, name
    for fd in (master, slave):
        try:
            os.close(fd)
        except OSError:
            pass


def _lines(reader: SerialLineReader, count: int, timeout: float = 5.0) -> list[str]:
    found: list[str] = []
    deadline = time.monotonic() + timeout
    while len(found) < count and time.monotonic() < deadline:
        line = reader.read_line(0.05)
        if line is not None:
            found.append(line)
    return found


def test_assembler_joins_splits_and_drops_what_mltk_drops() -> None:
    a = LineAssembler(max_chars=16)
    assert a.feed(b"Start\r\ning Mo") == ["Start"]
    assert a.feed(b"del\xff Profiler\n\x00\x1b") == ["ing Model Profiler"]
    assert a.feed(b"x" * 20) == ["x" * 16]
    assert a.flush() == "xxxx" and a.flush() is None
    assert a.bytes_dropped == 4 and a.bytes_seen == 13 + 16 + 20


def test_reader_delivers_lines_written_in_pieces(pty_pair) -> None:
    master, name = pty_pair
    with SerialLineReader(name) as reader:
        os.write(master, b"Starting Model ")
        time.sleep(0.1)
        os.write(master, b"Profiler\r\n\xfe\xfdLoading model\nCPU")
        os.write(master, b" clock: 78.0MHz\n")
        assert _lines(reader, 3) == ["Starting Model Profiler", "Loading model", "CPU clock: 78.0MHz"]
        assert reader.read_line(0.1) is None and not reader.looks_garbled


def test_opening_flushes_what_came_before(pty_pair) -> None:
    master, name = pty_pair
    os.write(master, b"stale half line from before the reset")
    with SerialLineReader(name) as reader:
        time.sleep(0.05)
        os.write(master, b"Audio Classifier\n")
        assert _lines(reader, 1) == ["Audio Classifier"]


def test_a_vanished_port_delivers_what_was_read_then_says_so(pty_pair) -> None:
    master, name = pty_pair
    with SerialLineReader(name) as reader:
        os.write(master, b"one\ntwo\npartial")
        assert _lines(reader, 2) == ["one", "two"]
        time.sleep(0.1)
        os.close(master)
        assert _lines(reader, 1) == ["partial"]
        with pytest.raises(DeviceError, match=f"serial port {name} vanished") as caught:
            _lines(reader, 1)
        assert reader.ended
    # our sentence alone: pyserial's "readiness to read but returned no data" or the OS's EIO only repeat it
    assert str(caught.value) == f"The board's serial port {name} vanished (unplugged, or the board reset its USB?)."


def test_a_vanished_port_keeps_a_reason_that_says_more() -> None:
    from serial import SerialException

    said = vanished_message("/dev/ttyACM0", SerialException("read failed: [Errno 71] Protocol error"))
    assert said.endswith("USB?): read failed: [Errno 71] Protocol error.")
    assert vanished_message("/dev/ttyACM0", OSError(errno.EIO, "Input/output error")).endswith("USB?).")


def test_wrong_baud_rate_looks_garbled(pty_pair) -> None:
    master, name = pty_pair
    with SerialLineReader(name) as reader:
        os.write(master, bytes(range(128, 256)) + b"\x00\x01\x02" * 20)
        deadline = time.monotonic() + 5
        while not reader.looks_garbled and time.monotonic() < deadline:
            reader.read_line(0.05)
        assert reader.looks_garbled


def test_busy_and_missing_ports(pty_pair, tmp_path) -> None:
    _, name = pty_pair
    with SerialLineReader(name):
        with pytest.raises(DeviceError, match="is busy"):
            SerialLineReader(name).open()
    with pytest.raises(DeviceError, match="does not exist"):
        SerialLineReader(str(tmp_path / "ttyNONE")).open()


def test_open_errors_in_the_words_each_system_uses() -> None:
    from serial import SerialException

    from workbench.board.uart.line_reader import open_error_message

    windows_busy = SerialException("could not open port 'COM5': PermissionError(13, 'Access is denied.', None, 5)")
    windows_missing = SerialException("could not open port 'COM9': FileNotFoundError(2, 'The system cannot find "
                                      "the file specified.', None, 2)")
    linux_denied = SerialException(13, "could not open port /dev/ttyACM0: [Errno 13] Permission denied: "
                                       "'/dev/ttyACM0'")
    assert "is busy" in open_error_message("COM5", windows_busy)
    assert "does not exist" in open_error_message("COM9", windows_missing)
    assert "dialout" in open_error_message("/dev/ttyACM0", linux_denied)
    assert open_error_message("x", ValueError("odd")) == "Cannot open serial port x: odd."


def _not_a_port(what: str, folder) -> tuple[str, str]:
    """A path that opens but is no serial port, and what the sentence calls it."""
    if what == "null device":
        return os.devnull, ""
    if what == "folder":
        return str(folder), " (it is a folder)"
    path = folder / "notes.txt"
    path.write_text("not a port")
    return str(path), " (it is a regular file)"


@pytest.mark.parametrize("what", ["null device", "folder", "regular file"])
def test_a_path_that_is_no_serial_port_is_called_so(what: str, tmp_path) -> None:
    """pyserial opens /dev/null or a file and then fails to configure it (ENOTTY), and repeats "[Errno 21]" for a
    folder: the sentence says what the path is instead, once."""
    port, kind = _not_a_port(what, tmp_path)
    with pytest.raises(DeviceError) as caught:
        SerialLineReader(port).open()
    assert str(caught.value) == (f"{port} is not a serial port{kind}: give the board's port (`kws board list` "
                                 "shows the ports).")


def test_another_open_error_names_its_reason_once() -> None:
    from serial import SerialException

    from workbench.board.uart.line_reader import open_error_message

    repeated = SerialException(5, "could not open port /dev/ttyACM0: [Errno 5] Input/output error: '/dev/ttyACM0'")
    assert open_error_message("/dev/ttyACM0", repeated) == "Cannot open serial port /dev/ttyACM0: Input/output error."
