"""The board tooling's expected failures, each a :class:`DeviceError` with one clear sentence.

Why subclasses: the CLI only prints the sentence, but the GUI reacts to some of them (several
debuggers → show the debugger picker; cancelled → no error box), without matching on message text.
"""

from __future__ import annotations

from workbench.core.errors import DeviceError, WorkbenchError


class CommanderError(DeviceError):
    """Simplicity Commander failed; the message says why and what to do."""


class CommanderNotFound(CommanderError):
    """No Commander executable on PATH or at the configured path."""


class CommanderTimeout(CommanderError):
    """Commander did not finish in time (a hung debugger): running it again would only hang again."""


class NoDebugger(CommanderError):
    """No J-Link debugger answered (board unplugged, drivers missing, wrong serial number)."""


class SeveralDebuggers(CommanderError):
    """More than one debugger is connected and none was chosen."""

    def __init__(self, message: str, serial_numbers: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.serial_numbers = serial_numbers


class FirmwareFailure(DeviceError):
    """The firmware on the board reported a failure (fault, assert, error line); the message quotes it."""


class BoardTimeout(DeviceError):
    """The board went silent, or did not start the expected output, within the allowed time."""


class WrongFirmware(DeviceError):
    """The board runs other firmware than the run needs (the classifier when profiling, or the reverse)."""


class Cancelled(WorkbenchError):
    """The user cancelled; not an error to show."""


class FlashInterrupted(Cancelled):
    """A stop came while Commander wrote to flash; the message says what is left on the board."""
