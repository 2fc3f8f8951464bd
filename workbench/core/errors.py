"""Errors the workbench reports to users as one clear sentence (CLI: stderr + exit 2; GUI: a message).

Anything raised as a :class:`WorkbenchError` is an expected failure caused by input or environment
(a corrupt model, an odd audio file, a missing device). Anything else is a bug.
"""

from __future__ import annotations

import difflib
import errno
import os
import tempfile
from typing import Iterable

SUGGESTION_CUTOFF = 0.6  # difflib's similarity a known name needs to be offered as "did you mean"


def closest_name(name: str, known: Iterable[str], cutoff: float = SUGGESTION_CUTOFF) -> str | None:
    """The known name ``name`` most resembles, case aside (``YES`` -> ``yes``), as it is spelt; None when none
    is close. For the "did you mean" of a mistyped key or word."""
    by_lower = {candidate.lower(): candidate for candidate in known}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[close[0]] if close else None


# what an OSError that names no file failed to write: most often the command's own output redirected to a full
# disk (``kws profile M > full/p.txt``), which Python cannot tell apart from another unnamed file
UNNAMED_FILE = "a file (or the standard output)"


def os_error_sentence(exc: OSError) -> str:
    """What the machine refused, for a user: the file and what to do, not only the C library's words ("Read-only
    file system: /x/yes", "File exists: /x/trials"). For an OSError no command foresaw (a full disk, a read-only
    mount, a file where a folder must go); one a command foresees it words itself."""
    where = str(exc.filename) if exc.filename else UNNAMED_FILE
    if exc.errno == errno.ENOSPC:
        return f"cannot write {where}: the disk is full; free some space and run it again"
    if exc.errno == errno.EROFS:
        return f"cannot write {where}: the file system is read-only; choose a folder on a writable disk"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied for {where}: choose a file or folder this user may use"
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return (f"cannot use {where}: a file is in the way where a folder is needed (that name, or one above it); "
                "remove or rename it, or choose another folder")
    return f"{exc.strerror or exc}: {where}" if exc.filename else str(exc.strerror or exc)


def temp_folder_problem(what: str, temp_dir: str | os.PathLike[str] | None, exc: OSError) -> str:
    """One sentence for a temporary folder ``what`` needs that could not be made (the temp dir named: it is not a
    folder the user chose, so a bare "cannot write /tmp/kws-…" would leave them guessing why)."""
    where = temp_dir or tempfile.gettempdir()
    return (f"{what[0].upper()}{what[1:]} needs a temporary folder in {where} (TMPDIR), and none can be made there: "
            f"{os_error_sentence(exc)}")


class WorkbenchError(Exception):
    """Base of all user-facing errors; ``str(err)`` is the message to show."""


class ModelError(WorkbenchError):
    """A model file cannot be read, parsed, run or written.

    ``reason``, set where the file as a whole is at fault (missing, not a model, unreadable…), says what is
    wrong with it without naming it (``is not a TensorFlow Lite model (no 'TFL3' identifier)``): a caller that
    names the file its own way (the GUI's "The last model used, PATH, REASON") then need not take the message
    apart, whatever the path contains. None: only the message says it.
    """

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


def unreadable_model(exc: Exception, size_bytes: int) -> ModelError:
    """What a flatbuffer parser's exception on a .tflite means to a user: the file is damaged or cut short.

    The generated parsers raise whatever the bytes trigger (``struct.error`` reading past the end,
    ``IndexError``, …); the exception's class name tells a user nothing. Which of the two it is cannot be told
    from the bytes (a flipped bit can point past the end just as a cut does), and the remedy is the same.
    """
    return ModelError(f"the TensorFlow Lite model is damaged or truncated: its tables cannot be read "
                      f"({size_bytes:,} bytes); copy or export the whole file again")


class AudioError(WorkbenchError):
    """An audio file cannot be decoded or an audio stream failed."""


class DeviceError(WorkbenchError):
    """An audio input device or a board is missing, busy or vanished."""


class SettingsError(WorkbenchError):
    """A parameter value is out of range or of the wrong type."""
