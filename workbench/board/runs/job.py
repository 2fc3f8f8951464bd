"""What every board run shares: options, the callbacks a caller watches, and the steps before reading.

Why one object: ``profile`` and ``classify`` (CLI and GUI alike) both find Commander, ask the chip what it
is, fetch the right published firmware (or take the user's), flash image + model, open the serial port
(flushed) and only then reset the chip, so its first line is not lost. A :class:`BoardJob` does these
steps with the caller's callbacks (status text, flash/download progress, raw lines) and its cancel
event, so the GUI can show progress and stop any step.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from workbench.board.commander import Commander
from workbench.board.commander.output import FlashProgress
from workbench.board.errors import Cancelled
from workbench.board.firmware.cache import FirmwareCache
from workbench.board.firmware.catalog import find_entry
from workbench.board.platforms import DeviceInfo
from workbench.board.ports import choose_port, list_serial_ports
from workbench.board.flashing.programming import ProgramResult, program_board
from workbench.board.uart.line_reader import BAUDRATE, SerialLineReader

DEFAULT_ACTIVITY_TIMEOUT_S = 90.0  # MLTK's read(activity_timeout=90)
# a profile run ends after this many timeouts in all, even while the board prints: a profiler that never
# says ``done`` (a reset loop, a line repeated for ever) must not keep the run for ever; 6 minutes at the
# default timeout, far beyond an arena search and one profiled inference
PROFILE_RUN_TIMEOUTS = 4
ACCELERATORS = ("mvp", "none")
# what the window shows for each (the Board and Profile workspaces alike); the command line's words stay the data
ACCELERATOR_NAMES = {"mvp": "MVP", "none": "none (CPU only)"}
# the command line's words for the image option and for flashing again (the window translates them)
FIRMWARE_OPTION = "--firmware"
FLASH_AGAIN = "drop --no-flash"
FLASHING_STEP = "flashing "  # how the flashing step's status starts: a stop then leaves a half-flashed board
BAUD_QUESTION = f"is the baud rate right (MLTK's firmware uses {BAUDRATE})?"


def _ignore(*_args: object) -> None:
    return None


@dataclass
class BoardOptions:
    """How to reach the board and what to put on it (the CLI options of ``profile``/``classify``)."""

    port: str | None = None
    firmware: Path | None = None  # None: the published image for the board, downloaded once
    flash: bool = True  # False: attach to a board already running the app (--no-flash)
    accelerator: str = "mvp"
    serialno: str | None = None
    commander: Path | None = None  # None: $KWS_COMMANDER, PATH, Simplicity Studio
    baudrate: int = BAUDRATE
    timeout_s: float = DEFAULT_ACTIVITY_TIMEOUT_S
    firmware_cache: Path | None = None  # None: the user cache folder


@dataclass
class BoardCallbacks:
    status: Callable[[str], None] = _ignore
    flash_progress: Callable[[str, FlashProgress], None] = _ignore
    download_progress: Callable[[int, int | None], None] = _ignore
    line: Callable[[str], None] = _ignore  # every serial line, as received
    cancel: threading.Event = field(default_factory=threading.Event)


class BoardJob:
    """The steps before reading: Commander, device, firmware, flashing, the port, the reset."""

    def __init__(self, options: BoardOptions, callbacks: BoardCallbacks | None = None) -> None:
        self.options = options
        self.callbacks = callbacks or BoardCallbacks()
        self._commander: Commander | None = None
        self.device: DeviceInfo | None = None
        self.image: Path | None = None
        self._port: str | None = None

    @property
    def cancel(self) -> threading.Event:
        return self.callbacks.cancel

    def check_cancel(self, what: str) -> None:
        if self.cancel.is_set():
            raise Cancelled(f"Cancelled: {what} was stopped.")

    def commander(self) -> Commander:
        if self._commander is None:
            self._commander = Commander.find(self.options.commander, serialno=self.options.serialno)
        return self._commander

    def query_device(self) -> DeviceInfo:
        if self.device is None:
            self.callbacks.status("asking the board what it is (commander device info)")
            self.device = self.commander().device_info(cancel=self.cancel)
        return self.device

    def firmware_for(self, app: str) -> Path:
        """The image to flash: the user's, or the published one for this board (cached)."""
        if self.options.firmware is not None:
            return self.options.firmware
        device = self.query_device()
        entry = find_entry(app, device.require_platform(), self.options.accelerator)
        cache = FirmwareCache(self.options.firmware_cache)
        if cache.cached(entry) is None:
            self.callbacks.status(f"downloading {entry.name} (once; then cached in {cache.root})")
        return cache.get(entry, on_progress=self.callbacks.download_progress, cancel=self.cancel)

    def program(self, app: str, tflite: bytes, *, model_name: str | None = None) -> ProgramResult:
        """Flash the app's image and the model; the CPU stays halted until :meth:`reset`.

        ``model_name`` names the model in Commander's errors (else "the model").
        """
        self.image = self.firmware_for(app)
        device = self.query_device()  # before "flashing": the status must name the step that runs
        self.callbacks.status(f"{FLASHING_STEP}{self.image.name} and the model")
        return program_board(self.commander(), image=self.image, tflite=tflite, device=device, halt=True,
                             on_progress=self.callbacks.flash_progress, cancel=self.cancel, model_name=model_name,
                             warn=lambda text: self.callbacks.status(f"warning: {text}"))

    def port(self) -> str:
        """The serial port: the one given, else the J-Link VCOM of the chosen debugger (found once)."""
        if self._port is None:
            if self.options.port:
                self._port = self.options.port
            else:
                serialno = self.options.serialno or (self._commander.serialno if self._commander else None)
                self._port = choose_port(list_serial_ports(), serialno)
        return self._port

    def check_port(self) -> str:
        """Find the port and open and close it once: DeviceError now, not after a minute of flashing.

        Why before flashing: a missing, busy or unusable port (or baud rate) is only found when the
        reader opens it, and that comes after the flash; the run would throw the flash away. A run that flashes
        looks for Commander first: without it no debugger's port is known, and "No J-Link serial port" would
        blame the board for what is missing on the PC (as Flash and Read board info say it).
        """
        if self.options.flash:
            self.commander()
        port = self.port()
        SerialLineReader(port, baudrate=self.options.baudrate).probe()
        return port

    def open_reader(self) -> SerialLineReader:
        """The opened reader; "listening" is said once the port is open, never before a DeviceError."""
        port = self.port()
        reader = SerialLineReader(port, baudrate=self.options.baudrate).open()
        self.callbacks.status(f"listening on {port} at {self.options.baudrate} baud")
        return reader

    def reset(self) -> None:
        device = self.query_device()
        self.callbacks.status("resetting the board (commander device reset)")
        self.commander().reset(device=device.commander_device, cancel=self.cancel)


def run_firmware_hint(program: str, flashed: bool) -> str:
    """What to do when the board runs the other MLTK firmware than ``program`` ("profiler", "classifier")
    needs: flashed with the wrong image, give the right one; not flashed (``--no-flash``), flash it.

    In the command line's words: the Board tab says its boxes instead (``gui/board/board_outcomes``).
    """
    return (f"give the {program}'s image ({FIRMWARE_OPTION})" if flashed else f"flash the {program} ({FLASH_AGAIN})")


def not_started_message(reader: SerialLineReader, timeout_s: float, *, flashed: bool, what: str,
                        firmware: str) -> str:
    """The timeout sentence when ``what`` (``the profiler's output``) never started: the board said nothing,
    said noise (the baud rate), or said something else (other firmware; ``firmware`` is the one wanted)."""
    if reader.bytes_seen == 0:
        hint = (f"press the board's reset button, or flash {firmware} ({FLASH_AGAIN})" if not flashed
                else "is this the board's serial port?")
        return f"Timed out: the board printed nothing within {timeout_s:g} s ({hint})."
    printing = f"Timed out: the board is printing, but not {what} within {timeout_s:g} s"
    if reader.looks_garbled:
        return f"{printing}, and the data looks garbled: {BAUD_QUESTION}"
    if flashed:
        return f"{printing}: is {firmware} flashed?"
    return f"{printing}: is {firmware} on it ({FLASH_AGAIN} to flash it)?"
