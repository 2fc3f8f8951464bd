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
from typing import Callable

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


def _staged(directory: Path, suffix: str) -> list[tuple[os.DirEntry[str], str, int]]:
    """The temporary files and folders in ``directory`` named as :func:`temp_prefix` and ``suffix`` name them: each
    with the (maybe shortened) name of its target and the ID of the process that staged it."""
    pattern = re.compile(rf"\.(.*)\.(\d+)\.{RANDOM_PATTERN}{re.escape(suffix)}")
    try:
        entries = [entry for entry in os.scandir(directory) if entry.name.startswith(".")]
    except OSError:
        return []
    return [(entry, match.group(1), int(match.group(2))) for entry in entries
            if (match := pattern.fullmatch(entry.name)) is not None]


def _removed(entry: os.DirEntry[str]) -> Path | None:
    """``entry`` removed (a folder with all it holds); None when it cannot be (it stays, as it would have)."""
    path = Path(entry.path)
    try:
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        return None
    return path


def remove_dead_temps(directory: Path, name: str, suffix: str) -> list[Path]:
    """Remove the temporary files or folders staged for ``name`` in ``directory`` by processes that are gone;
    the ones removed (best effort: one that cannot be removed stays, as it would have)."""
    if sys.platform == "win32":
        return []
    gone = [entry for entry, target, pid in _staged(directory, suffix)
            if pid != os.getpid() and target == _short_name(name, directory, suffix, pid) and not process_alive(pid)]
    return [path for entry in gone if (path := _removed(entry)) is not None]


def remove_temps_of_kind(directory: Path, suffix: str, of_kind: Callable[[str], bool],
                         own: bool = False) -> list[Path]:
    """Remove the temporary files or folders staged in ``directory`` for every target name ``of_kind`` accepts
    (a family of files whose names are not known beforehand, such as numbered samples) by processes that are
    gone -- and, with ``own``, this process's too: for a writer whose writes have all ended, where one of its
    own is a write it was interrupted in. The ones removed (best effort, as :func:`remove_dead_temps`; where no
    process can be asked whether it lives, only this process's own)."""
    chosen = [entry for entry, target, pid in _staged(directory, suffix) if of_kind(target)
              and (own if pid == os.getpid() else not process_alive(pid))]
    return [path for entry in chosen if (path := _removed(entry)) is not None]
