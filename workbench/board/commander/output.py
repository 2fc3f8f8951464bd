"""Reading what Simplicity Commander prints: device info, flash progress, and why a command failed.

Why here and not in the runner: these are pure functions of text, tested on the documented output
(Silicon Labs' Commander manual; MLTK's ``commander.py`` for the patterns it relies on). Commander
ends every run with ``DONE``, prints ``ERROR:`` lines (mostly to stderr) and may exit 0 after an
error, so, like MLTK, a run failed when the exit status is not 0 or ``error`` appears in the output --
except for the DCI warnings MLTK ignores.
"""

from __future__ import annotations

import re
import signal
from dataclasses import dataclass

from workbench.board.errors import CommanderError, NoDebugger, SeveralDebuggers
from workbench.board.platforms import KIB, DeviceInfo

_INFO_FIELDS = {
    "part_number": re.compile(r"^\s*Part Number\s*:\s*(\w+)"),
    "die_revision": re.compile(r"^\s*Die Revision\s*:\s*(\w+)"),
    "production_version": re.compile(r"^\s*Production Ver\s*:\s*(\d+)"),
    "flash_size": re.compile(r"^\s*Flash Size\s*:\s*(\d+)\s*kB"),
    "sram_size": re.compile(r"^\s*SRAM Size\s*:\s*(\d+)\s*kB"),
    "unique_id": re.compile(r"^\s*Unique ID\s*:\s*(\w+)"),
}
_INT_FIELDS = ("production_version",)
_KB_FIELDS = ("flash_size", "sram_size")

_WRITING = re.compile(r"^Writing (\d+) bytes starting at address 0x([0-9A-Fa-f]+)")
_RANGE = re.compile(r"^(Comparing|Erasing|Programming) range 0x([0-9A-Fa-f]+) - 0x([0-9A-Fa-f]+)")
_PARSING = re.compile(r"^Parsing file (.*?)\.*$")
_FLASHED = re.compile(r"^Flashing completed successfully")
DONE = "DONE"

_ERROR_LINE = re.compile(r"^\s*ERROR:\s*(.*)$")
FLASH_VERB = "flash "  # the ``what`` of a flash run: "flash app.s37"
_DCI_WARNING = "WARNING: DCI communication failed"
_DCI_IGNORED = ("ERROR: Timeout while waiting", "ERROR: DP write failed")
JLINK_HINT = "install the SEGGER J-Link drivers (https://www.segger.com/downloads/jlink)"


def parse_device_info(text: str) -> DeviceInfo:
    """The fields of ``commander device info`` (any line order, extra lines ignored)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        for name, pattern in _INFO_FIELDS.items():
            match = pattern.match(line)
            if match is not None and name not in found:
                found[name] = match.group(1)
    missing = [name for name in _INFO_FIELDS if name not in found]
    if missing:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "(nothing)")
        raise CommanderError(f"Commander's device info could not be read (no {missing[0].replace('_', ' ')}; "
                             f"it printed: {first}).")
    return DeviceInfo(part_number=found["part_number"], die_revision=found["die_revision"],
                      production_version=int(found["production_version"]),
                      flash_size=int(found["flash_size"]) * KIB, sram_size=int(found["sram_size"]) * KIB,
                      unique_id=found["unique_id"])


@dataclass(frozen=True)
class FlashProgress:
    """Where a ``commander flash`` run is: phase (``parsing``, ``erasing``, ``programming``, ``done`` …)
    and bytes done out of ``total`` for that phase (``total`` 0 = not known yet)."""

    phase: str
    done: int = 0
    total: int = 0

    @property
    def fraction(self) -> float:
        if self.phase == "done":
            return 1.0
        if self.phase != "programming" or self.total <= 0:
            return 0.0
        return min(1.0, self.done / self.total)


class FlashProgressReader:
    """Turns Commander's flash output into :class:`FlashProgress` updates (one per relevant line).

    Programming progress is the programmed bytes over the erased span (both are page ranges, so the
    fraction reaches 1 exactly), or over the ``Writing N bytes`` count when no erase line came.
    """

    def __init__(self) -> None:
        self.bytes_to_write = 0
        self.finished = False
        self._spans = {"Comparing": 0, "Erasing": 0, "Programming": 0}

    def feed(self, line: str) -> FlashProgress | None:
        text = line.strip()
        if (m := _WRITING.match(text)) is not None:
            self.bytes_to_write = int(m.group(1))
            return FlashProgress("writing", 0, self.bytes_to_write)
        if (m := _RANGE.match(text)) is not None:
            kind = m.group(1)
            self._spans[kind] += int(m.group(3), 16) - int(m.group(2), 16) + 1
            total = self._spans["Erasing"] or self.bytes_to_write
            if kind == "Programming":
                return FlashProgress("programming", self._spans[kind], total)
            return FlashProgress(kind.lower(), self._spans[kind], total)
        if (m := _PARSING.match(text)) is not None:
            return FlashProgress("parsing")
        if not self.finished and (_FLASHED.match(text) or (text == DONE and self._spans["Programming"])):
            self.finished = True
            return FlashProgress("done", self._spans["Programming"], self._spans["Programming"])
        return None


def error_lines(text: str) -> list[str]:
    return [m.group(1).strip() for m in map(_ERROR_LINE.match, text.splitlines()) if m is not None]


def _ignorable(text: str) -> bool:
    return _DCI_WARNING in text and any(marker in text for marker in _DCI_IGNORED)


def failure_of(returncode: int, text: str, *, what: str, serialno: str | None = None) -> CommanderError | None:
    """The error a finished Commander run means, or None when it succeeded.

    ``what`` names the operation for the message ("flash model.bin", "read the device info"). The reason
    is Commander's own ERROR line; without one a failed exit means Commander died (killed, crashed, the
    board unplugged): its last line is then only where it stopped, so the exit status is the reason.
    """
    lower = text.lower()
    if returncode == 0 and "error" not in lower:
        return None
    if _ignorable(text):
        return None
    errors = error_lines(text)
    if "more than one debugger" in lower:
        return SeveralDebuggers("Several debuggers are connected: choose one (--serialno of kws board "
                                "info/flash/profile/classify, or the Board tab's Debugger box; `kws board list` "
                                "shows their serial numbers).")
    if "given serial number" in lower:
        return NoDebugger(f"No debugger with serial number {serialno or '(given)'} is connected "
                          "(`kws board list` shows the connected ones).")
    if "cannot connect to j-link" in lower or "could not open j-link" in lower:
        return NoDebugger(f"No J-Link debugger found: connect the board over USB and {JLINK_HINT}.")
    # killed by a signal: whatever it printed last is where it stopped, not why
    detail = errors[0] if errors else (None if returncode < 0 else _last_statement(text))
    if detail is None:
        return _stopped(returncode, what)
    detail = detail.rstrip(".!")
    if "could not connect to target" in lower or "could not connect debugger" in lower:
        return CommanderError("The debugger cannot reach the chip: check that the board is powered and "
                              f"its debug connection, then try again (Commander: {detail}).")
    if "verification failed" in lower:
        return CommanderError(f"Commander could not {what}: the written flash did not verify ({detail}).")
    return CommanderError(f"Commander could not {what}: {detail}.")


def _is_progress(text: str) -> bool:
    return any(p.match(text) for p in (_WRITING, _RANGE, _PARSING, _FLASHED))


def _last_statement(text: str) -> str | None:
    """Commander's last line when it says something (a reason without ``ERROR:``); None when it is only
    progress (``Programming range …``): a run that stopped there did not say why."""
    last = next((line.strip() for line in reversed(text.splitlines()) if line.strip() not in ("", DONE)), "")
    return None if not last or _is_progress(last) else last


def exit_description(returncode: int) -> str:
    """``exit status 3``, or for a process a signal ended (POSIX: negative status) ``exit status -9:
    signal 9, SIGKILL``: the user can tell a kill from a crash from a refusal."""
    if returncode >= 0:
        return f"exit status {returncode}"
    number = -returncode
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"exit status {returncode}: signal {number}"
    return f"exit status {returncode}: signal {number}, {name}"


def _stopped(returncode: int, what: str) -> CommanderError:
    """Commander ended without saying why: name the exit status, and for a flash that it may be half written."""
    stopped = f"Commander stopped unexpectedly ({exit_description(returncode)}) while trying to {what}"
    if what.startswith(FLASH_VERB):
        return CommanderError(f"{stopped}; the flash may be incomplete: flash again.")
    return CommanderError(f"{stopped}: check the board's USB connection and try again.")
