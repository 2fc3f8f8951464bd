"""Errors the workbench reports to users as one clear sentence (CLI: stderr + exit 2; GUI: a message).

Anything raised as a :class:`WorkbenchError` is an expected failure caused by input or environment
(a corrupt model, an odd audio file, a missing device). Anything else is a bug.
"""


class WorkbenchError(Exception):
    """Base of all user-facing errors; ``str(err)`` is the message to show."""


class ModelError(WorkbenchError):
    """A model file cannot be read, parsed, run or written."""


class AudioError(WorkbenchError):
    """An audio file cannot be decoded or an audio stream failed."""


class DeviceError(WorkbenchError):
    """An audio input device or a board is missing, busy or vanished."""


class SettingsError(WorkbenchError):
    """A parameter value is out of range or of the wrong type."""
