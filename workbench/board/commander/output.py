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

_WORD, _NUMBER, _KB = r"(\w+)", r"(\d+)", r"(\d+)\s*kB"
_INFO_LINES = {  # field: Commander's label for it, what its value looks like
    "part_number": ("Part Number", _WORD), "die_revision": ("Die Revision", _WORD),
    "production_version": ("Production Ver", _NUMBER), "flash_size": ("Flash Size", _KB),
    "sram_size": ("SRAM Size", _KB), "unique_id": ("Unique ID", _WORD),
}
_INFO_FIELDS = {name: re.compile(rf"^\s*{label}\s*:\s*{value}") for name, (label, value) in _INFO_LINES.items()}
_INT_FIELDS = ("production_version",)
_KB_FIELDS = ("flash_size", "sram_size")

_WRITING = re.compile(r"^Writing (\d+) bytes starting at address 0x([0-9A-Fa-f]+)")
_RANGE = re.compile(r"^(Comparing|Erasing|Programming) range 0x([0-9A-Fa-f]+) - 0x([0-9A-Fa-f]+)")
_PARSING = re.compile(r"^Parsing file (.*?)\.*$")
_FLASHED = re.compile(r"^Flashing completed successfully")
DONE = "DONE"
# where the command line's user picks a debugger (the window names its Debugger box instead: gui/board)
DEBUGGERS_HINT = "`kws board list` shows the connected ones"
DEBUGGER_CHOICE = "--serialno of kws board info/flash/profile/classify; `kws board list` shows their serial numbers"
DONE_PHASE = "done"

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
        raise CommanderError(_unread_info(text, missing[0]))
    return DeviceInfo(part_number=found["part_number"], die_revision=found["die_revision"],
                      production_version=int(found["production_version"]),
                      flash_size=int(found["flash_size"]) * KIB, sram_size=int(found["sram_size"]) * KIB,
                      unique_id=found["unique_id"])


def _unread_info(text: str, name: str) -> str:
    """Why ``device info`` output lacks the field ``name``: its line, when there is one with a value not
    understood (``Flash Size : 1536 KB``), else the first line Commander printed (something else entirely)."""
    field = name.replace("_", " ")
    label = re.compile(rf"^\s*{_INFO_LINES[name][0]}\s*:")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    at_fault = next((line for line in lines if label.match(line)), None)
    if at_fault is not None:
        return f"Commander's device info could not be read (its {field} is not understood: {at_fault})."
    return f"Commander's device info could not be read (no {field}; it printed: {lines[0] if lines else '(nothing)'})."


@dataclass(frozen=True)
class FlashProgress:
    """Where a ``commander flash`` run is: phase (``parsing``, ``erasing``, ``programming``, ``done`` …)
    and bytes done out of ``total`` for that phase (``total`` 0 = not known yet)."""

    phase: str
    done: int = 0
    total: int = 0

    @property
    def fraction(self) -> float:
        if self.phase == DONE_PHASE:
            return 1.0
        if self.phase != "programming" or self.total <= 0:
            return 0.0
        return min(1.0, self.done / self.total)


class FlashProgressReader:
    """Turns Commander's flash output into :class:`FlashProgress` updates (one per relevant line).

    Programming progress is the programmed bytes over the erased span (both are page ranges, so the
    fraction reaches 1 exactly), or over the ``Writing N bytes`` count when no erase line came. ``done``
    comes from Commander's success line, or from the ``DONE`` it ends every run with only when no ``ERROR:``
    line came before (a failed verification ends with ``DONE`` too); :meth:`completed` is the ``done`` of a
    run its exit status said succeeded.
    """

    def __init__(self) -> None:
        self.bytes_to_write = 0
        self.finished = False
        self.failed = False  # Commander printed an error: this run is not done, whatever follows
        self._spans = {"Comparing": 0, "Erasing": 0, "Programming": 0}

    def feed(self, line: str) -> FlashProgress | None:
        text = line.strip()
        if _ERROR_LINE.match(text) and not text.startswith(_DCI_IGNORED):
            self.failed = True
            return None
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
        if self.finished or self.failed:
            return None
        if _FLASHED.match(text) or (text == DONE and self._spans["Programming"]):
            return self.completed()
        return None

    def completed(self) -> FlashProgress:
        """The last update of a flash that succeeded."""
        self.finished = True
        return FlashProgress(DONE_PHASE, self._spans["Programming"], self._spans["Programming"])


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
        return SeveralDebuggers(f"Several debuggers are connected: choose one ({DEBUGGER_CHOICE}).")
    if "given serial number" in lower:
        return NoDebugger(f"No debugger with serial number {serialno or '(given)'} is connected "
                          f"({DEBUGGERS_HINT}).")
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
