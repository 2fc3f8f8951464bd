"""A failure the firmware reports on the serial line, gathered the same way for every board run.

Why shared: MLTK's fault handler prints ``Cortex IRQ HardFault triggered!``, a register dump, a
``Details: …`` line (what went wrong, in the firmware's words) and ``*** Fault triggered``; an assert,
an error or an allocation failure is a line or three. The profile and the classify runs must quote the
same lines in the same sentence, so one object collects them: the failure lines, the ``Details:`` line
that follows one, until the fault's last line or a short grace after the first failure line.
"""

from __future__ import annotations

import time

FAILURE_GRACE_S = 0.5  # lines that follow a failure line and still belong to its report
FAULT_END = "*** Fault triggered"
DETAILS_PREFIX = "Details:"


class FirmwareFault:
    """The lines of one failure report, as they arrive; :meth:`sentence` once :meth:`complete`."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._deadline: float | None = None
        self._ended = False

    @property
    def started(self) -> bool:
        return bool(self.lines)

    def failure(self, text: str) -> None:
        """A line that means the firmware failed (the caller's patterns decide which)."""
        self.lines.append(text)
        if self._deadline is None:
            self._deadline = time.monotonic() + FAILURE_GRACE_S
        if text == FAULT_END:
            self._ended = True

    def other(self, text: str) -> None:
        """Any other line: kept when it is the ``Details:`` of a failure already begun."""
        if self.lines and text.startswith(DETAILS_PREFIX):
            self.lines.append(text)

    def complete(self) -> bool:
        """The fault's last line arrived, or the grace after its first line is over."""
        return self._ended or (self._deadline is not None and time.monotonic() >= self._deadline)

    def sentence(self, program: str) -> str:
        """``The board's profiler failed: Cortex IRQ HardFault triggered!; Details: …; *** Fault triggered``."""
        return f"The board's {program} failed: {'; '.join(dict.fromkeys(self.lines))}"
