"""``--log`` of ``kws board profile``: the board's raw serial log, written to its file, else on stderr.

Why a failed write falls back on stderr (as ``-o`` falls back on stdout): the board said it once, and what it
said is what explains its figures, or its failure; a full disk or a vanished folder must not lose it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.cli.board.board_commands import board_status
from workbench.core.errors import WorkbenchError


def _write_log(path: Path, lines: list[str]) -> None:
    from workbench.core.atomic_write import atomic_write_text

    atomic_write_text(path, "\n".join(lines) + "\n")


def deliver_log(path: Path | None, lines: list[str]) -> list[str]:
    """The board's raw serial log to ``--log``; when it cannot be written, on stderr after all (as ``-o`` falls
    back on stdout: the board said it once). Returns the failed write's message."""
    if path is None or not lines:
        return []
    try:
        _write_log(path, lines)
    except WorkbenchError as exc:
        board_status(f"{path} cannot be written: the board's log follows on stderr instead")
        print("\n".join(lines), file=sys.stderr)
        return [str(exc)]
    return []


def keep_log(path: Path | None, lines: list[str]) -> None:
    """``--log`` of a failed run, best effort: the run's own error is the one to report, not this one."""
    for message in deliver_log(path, lines):
        board_status(message)
