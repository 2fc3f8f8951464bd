"""Names for the hidden temporary files and folders a write stages beside its target, and the clean-up of those a
dead process left.

Why a process ID in the name: a write killed with SIGKILL (or by a power cut) cannot remove its temporary file, and
hundreds of megabytes of hidden ``.stream.wav.XXXX.tmp`` piled up beside a stream rebuilt after two kills. The next
write of the same target removes every such file whose process is gone -- and only those: a write still running
in another process keeps its file. Where a process cannot be asked whether it lives (Windows, where ``os.kill``
would end it), nothing is removed.

Why the name is shortened: a legal name near the folder's limit (250 bytes) was refused as "File name too long"
because its temporary name, longer by the prefix and suffix, was not.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

RANDOM_CHARS = 8  # what tempfile.mkstemp / mkdtemp put between the prefix and the suffix
RANDOM_PATTERN = rf"[a-z0-9_]{{{RANDOM_CHARS}}}"  # tempfile's alphabet
DEFAULT_NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems


def process_alive(pid: int) -> bool:
    """False only when the system says no process ``pid`` exists; anything in doubt counts as alive.

    Why so careful: removing what a live process still writes (a temporary file, a spool, a calibration's run
    folder) loses its work, while leaving a dead one's costs only disk. Another user's process (PermissionError)
    is alive. On Windows nothing is asked: ``os.kill(pid, 0)`` there sends Ctrl+C (``CTRL_C_EVENT`` is 0) instead
    of only looking.
    """
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process; a number no process id can be
        return True
    return True


def _name_max(directory: Path) -> int:
    try:
        return int(os.pathconf(directory, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or the folder does not say
        return DEFAULT_NAME_MAX


def _short_name(name: str, directory: Path, suffix: str, pid: int) -> str:
    room = _name_max(directory) - len(os.fsencode(f"..{pid}.{suffix}")) - RANDOM_CHARS
    while len(os.fsencode(name)) > room and name:
        name = name[:-1]
    return name


def temp_prefix(name: str, directory: Path, suffix: str) -> str:
    """``.NAME.PID.``: the prefix of a temporary file or folder for the target ``name`` in ``directory`` (NAME
    shortened so the whole name, with tempfile's random part and ``suffix``, fits the folder's limit)."""
    pid = os.getpid()
    return f".{_short_name(name, directory, suffix, pid)}.{pid}."


def remove_dead_temps(directory: Path, name: str, suffix: str) -> list[Path]:
    """Remove the temporary files or folders staged for ``name`` in ``directory`` by processes that are gone;
    the ones removed (best effort: one that cannot be removed stays, as it would have)."""
    removed: list[Path] = []
    if sys.platform == "win32":
        return removed
    pattern = re.compile(rf"\.(.*)\.(\d+)\.{RANDOM_PATTERN}{re.escape(suffix)}")
    try:
        entries = [entry for entry in os.scandir(directory) if entry.name.startswith(".")]
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        pid = int(match.group(2))
        if pid == os.getpid() or match.group(1) != _short_name(name, directory, suffix, pid) or process_alive(pid):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
