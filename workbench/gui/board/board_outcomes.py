"""What the Board workspace says when a job ends: the status line, an error when the result is only partly good
(a profile whose log lost figures on the serial line), and a failure's advice in the window's terms -- where the
command line says ``--firmware``, the box the job's image comes from (the Profiler image box for Profile).

Why apart from the workspace: the sentences depend only on the result, so they are kept (and tested) without
widgets, and the workspace stays about running jobs.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.board.commander.locate import COMMANDER_OPTION_HINT
from workbench.board.commander.output import DEBUGGER_CHOICE, DEBUGGERS_HINT
from workbench.board.firmware.image_app import OTHER_IMAGE_HINT
from workbench.board.flashing.programming import ProgramResult
from workbench.board.platforms import FIRMWARE_HINT, DeviceInfo
from workbench.board.ports import CHOOSE_HINT, PORT_HINT
from workbench.board.runs.job import ACCELERATOR_NAMES, FIRMWARE_OPTION, FLASH_AGAIN
from workbench.board.runs.measured_report import incomplete_warning
from workbench.board.runs.profile_run import BoardProfile
from workbench.board.uart.line_reader import PORTS_HINT
from workbench.gui.board.firmware_images_view import box_label

DONT_FLASH = "\u201cDon't flash\u201d"  # the check box, as the window names its controls
# the command line's advice -> the window's: its boxes list what `kws board list` prints; longest first, as
# CHOOSE_HINT holds PORT_HINT
WINDOW_HINTS = {
    PORTS_HINT: "the Serial port box lists the connected ones",
    DEBUGGERS_HINT: "the Debugger box lists the connected ones",
    DEBUGGER_CHOICE: "in the Debugger box, which lists their serial numbers",
    CHOOSE_HINT: "the Debugger or Serial port box",
    PORT_HINT: "the Serial port box",
    FLASH_AGAIN: f"clear {DONT_FLASH}",
    COMMANDER_OPTION_HINT: "Browse\u2026 beside Commander",
}
# the command line's advice to give an image -> the box of the job's app ({box}: "Profiler image", ...)
FIRMWARE_BOX_HINTS = {
    FIRMWARE_HINT: "the {box} box",
    OTHER_IMAGE_HINT: "in the {box} box, or empty it for the published one",
    f"({FIRMWARE_OPTION})": "(the {box} box)",
}
_ACCELERATOR_OPTION = re.compile(r"give --accelerator (\w+)")


def in_window_terms(message: str, firmware_app: str | None = None) -> str:
    """A board error as the window says it: its boxes instead of ``kws board list`` and the command's options (an
    accelerator by the name its box shows); ``--firmware`` is the box of ``firmware_app``, the MLTK app the job
    flashes (either box's name for a job that flashes none)."""
    box = box_label(firmware_app)
    hints = {**WINDOW_HINTS, **{cli: window.format(box=box) for cli, window in FIRMWARE_BOX_HINTS.items()}}
    for cli, window in hints.items():
        message = message.replace(cli, window)
    return _ACCELERATOR_OPTION.sub(lambda match: f"choose \u201c{ACCELERATOR_NAMES.get(match[1], match[1])}\u201d in "
                                   "the Accelerator box", message)


def outcome_text(name: str, result: Any) -> tuple[str, str | None]:
    """(status, error) for the job ``name`` that returned ``result``; error is None when all went well."""
    if isinstance(result, DeviceInfo):
        # the status bar puts "Board: " before it
        return f"{result.part_number} ({result.platform or 'not an MLTK platform'})", None
    if isinstance(result, BoardProfile):
        partial = incomplete_warning(result.report)
        if partial is not None:
            return f"profiled, in part: {partial}", f"The profile is incomplete: {partial}."
        measured = result.report.summary.measured if result.report.summary else None
        if measured is not None and measured.total_time_ms is not None:
            return f"profiled: {measured.total_time_ms:.3f} ms per inference on the board", None
        return "profiled", None
    if isinstance(result, ProgramResult):
        return f"flashed and reset {result.device.platform or result.device.part_number}", None
    return f"{name}: done", None
