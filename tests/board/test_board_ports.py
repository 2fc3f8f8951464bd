"""Port discovery on pyserial's own port records (no USB board here), and the real system call."""

from __future__ import annotations

import pytest
from serial.tools.list_ports_common import ListPortInfo

from workbench.board.ports import choose_port, list_debuggers, list_serial_ports
from workbench.core.errors import DeviceError


def _port(device: str, vid: int | None = None, serial: str | None = None, description: str = "n/a") -> ListPortInfo:
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid, info.serial_number, info.description = vid, 0x0105 if vid else None, serial, description
    return info


FOUND = [_port("/dev/ttyS0"), _port("/dev/ttyUSB0", 0x0403, "A50285BI", "FT232R USB UART"),
         _port("/dev/ttyACM1", 0x1366, "000440000002", "J-Link - CDC"),
         _port("/dev/ttyACM0", 0x1366, "000440139581", "J-Link - CDC"),
         _port("COM7", None, None, "JLink CDC UART Port (COM7)")]


def test_jlink_ports_come_first_with_their_debugger_serial_numbers() -> None:
    ports = list_serial_ports(FOUND)
    assert [p.device for p in ports] == ["COM7", "/dev/ttyACM1", "/dev/ttyACM0", "/dev/ttyS0", "/dev/ttyUSB0"]
    assert [p.is_jlink for p in ports] == [True, True, True, False, False]
    assert ports[2].debugger_serialno == "440139581" and ports[2].to_dict()["vid"] == 0x1366
    debuggers = list_debuggers(ports)
    assert [(d.serialno, d.ports) for d in debuggers] == [("440000002", ("/dev/ttyACM1",)),
                                                          ("440139581", ("/dev/ttyACM0",))]


def test_choosing_the_boards_port() -> None:
    ports = list_serial_ports(FOUND[:4])
    assert choose_port(ports, "440139581") == "/dev/ttyACM0"
    assert choose_port(ports, "000440000002") == "/dev/ttyACM1"
    with pytest.raises(DeviceError, match="Several boards"):
        choose_port(ports)
    assert choose_port(list_serial_ports(FOUND[:3])) == "/dev/ttyACM1"
    with pytest.raises(DeviceError, match="No J-Link serial port"):
        choose_port(list_serial_ports(FOUND[:2]))
    with pytest.raises(DeviceError, match="debugger 999"):
        choose_port(ports, "999")


def test_the_system_listing_runs() -> None:
    ports = list_serial_ports()  # whatever this machine has (usually nothing): no error
    assert all(p.device for p in ports)
