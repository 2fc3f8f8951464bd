"""Serial ports, J-Link VCOM ports first, and the debuggers behind them.

Why from the USB descriptors: a Silicon Labs dev kit's on-board J-Link shows up as a USB CDC serial
port with SEGGER's vendor ID (0x1366) and the J-Link's serial number as its USB serial number (zero
padded to 12 digits). So one cheap ``list_ports`` call answers both "which port is the board's" and
"which debuggers are connected, with which serial numbers" -- no Commander run needed, which keeps
hot-plug polling cheap. MLTK picks the port by the description ``JLink CDC UART Port`` (Windows);
that is recognised too.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable

from workbench.core.errors import DeviceError

SEGGER_VID = 0x1366
JLINK_DESCRIPTION = re.compile(r"J-?Link", re.IGNORECASE)
# the command line's words; the Board tab says its boxes instead (gui/board/board_outcomes.in_window_terms)
PORT_HINT = "--port of kws board profile/classify/console"
CHOOSE_HINT = "--serialno or --port of kws board profile/classify/console"


@dataclass(frozen=True)
class SerialPortInfo:
    device: str
    description: str = ""
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    manufacturer: str | None = None

    @property
    def is_jlink(self) -> bool:
        return self.vid == SEGGER_VID or bool(JLINK_DESCRIPTION.search(self.description or ""))

    @property
    def debugger_serialno(self) -> str | None:
        """The J-Link serial number Commander's ``--serialno`` takes (leading zeros dropped)."""
        if not self.is_jlink or not self.serial_number:
            return None
        return self.serial_number.lstrip("0") or "0"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(is_jlink=self.is_jlink, debugger_serialno=self.debugger_serialno)
        return data


@dataclass(frozen=True)
class Debugger:
    serialno: str
    ports: tuple[str, ...]
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"serialno": self.serialno, "ports": list(self.ports), "description": self.description}


def _from_pyserial(port: Any) -> SerialPortInfo:
    return SerialPortInfo(device=str(port.device), description=str(port.description or ""),
                          vid=port.vid, pid=port.pid, serial_number=port.serial_number,
                          manufacturer=port.manufacturer)


def _sort_key(port: SerialPortInfo) -> tuple[int, str, str]:
    return (0 if port.is_jlink else 1, port.debugger_serialno or "", port.device)


def list_serial_ports(found: Iterable[Any] | None = None) -> list[SerialPortInfo]:
    """Every serial port, J-Link VCOM ports first; ``found`` = pyserial ``ListPortInfo`` objects (default:
    ``serial.tools.list_ports.comports()``)."""
    if found is None:
        from serial.tools import list_ports

        found = list_ports.comports()
    return sorted((_from_pyserial(p) for p in found), key=_sort_key)


def list_debuggers(ports: Iterable[SerialPortInfo]) -> list[Debugger]:
    """One entry per J-Link serial number, with its VCOM port(s)."""
    by_serial: dict[str, list[SerialPortInfo]] = {}
    for port in ports:
        if port.debugger_serialno is not None:
            by_serial.setdefault(port.debugger_serialno, []).append(port)
    return [Debugger(serial, tuple(p.device for p in group), group[0].description)
            for serial, group in sorted(by_serial.items())]


def choose_port(ports: Iterable[SerialPortInfo], serialno: str | None = None) -> str:
    """The board's serial port: the J-Link VCOM of debugger ``serialno``, or the only J-Link VCOM.

    DeviceError when there is none, or several and no ``serialno`` picks one.
    """
    jlink = [p for p in ports if p.is_jlink]
    if serialno:
        wanted = str(serialno).lstrip("0")
        matching = [p for p in jlink if p.debugger_serialno == wanted]
        if not matching:
            raise DeviceError(f"No serial port of debugger {serialno} was found; name the port ({PORT_HINT}).")
        return matching[0].device
    if not jlink:
        raise DeviceError(f"No J-Link serial port (board) was found: connect the board over USB, or name its serial "
                          f"port ({PORT_HINT}).")
    debuggers = {p.debugger_serialno for p in jlink}
    if len(debuggers) > 1:
        raise DeviceError(f"Several boards are connected ({', '.join(sorted(str(d) for d in debuggers))}): "
                          f"choose one ({CHOOSE_HINT}).")
    return jlink[0].device
