"""Advisory locks (``flock``) that keep two ``kws`` processes from writing the same output at once.

Why: nothing stopped it. Two ``kws train --out t3`` both "succeeded" and left seed 1's model beside seed 2's
``run.json``; two ``kws stream make --out same.wav`` interleaved their renames and left the WAV of one beside
the CSV of the other. Two flavours:

* :func:`hold_output_folder` -- a run's hold of its output folder for the whole run: the lock file
  :data:`LOCK_FILE` inside the folder, holding the holder's process ID, locked with ``LOCK_EX | LOCK_NB``.
  A second run is refused at once with a sentence naming the first one's PID; it never waits for hours.
  The hold goes with :meth:`FolderHold.release` (the file is removed while still locked).
* :func:`folder_step_lock` -- a brief critical step (the renames of a file set, a read-modify-write of one file)
  serialised between processes: a blocking ``flock`` on the folder's own descriptor, so no file is left behind.

:func:`refuse_if_held` only asks, for the checks a command makes before it starts.

A hold also knows its folder by identity (device and inode, of the folder and of its lock file): a run's writes
go through :meth:`FolderHold.guarding`, so a folder deleted, moved or replaced while the run went on stops it with
:class:`FolderGone` instead of being made again by the next write, and :meth:`FolderHold.make_folder` makes
folders inside it without ever making it again. The lock file is held open, so its inode number is never reused:
a folder made anew at the path by someone else is noticed even on file systems that reuse the folder's number.

The kernel drops a lock when its process dies, so a killed run never leaves a stale lock: at most a lock file
nobody holds, which the next run takes over. Where there is no ``flock`` (Windows) both do nothing and the
outputs are as unguarded as before; so do folders on a file system that refuses locks (some network shares).
Neither is re-entrant: a second lock of the same folder in one process waits for (or is refused by) the first.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from workbench.core.atomic_write import FILE_IN_THE_WAY, create_folder, remove_quietly
from workbench.core.errors import WorkbenchError
from workbench.core.stale_temps import process_alive

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = ".kws-lock"  # in a held output folder: the holder's process ID
LOCK_FILE_MODE = 0o644
PID_BYTES = 32  # read from a lock file: a process ID and its newline fit many times over
OUT_OPTION = "--out"


class FolderInUse(WorkbenchError):
    """Another live process holds the output folder (:func:`hold_output_folder`)."""


class FolderGone(WorkbenchError):
    """The held output folder was deleted, moved or replaced while the run went on (:meth:`FolderHold.check`)."""


def gone_sentence(folder: Path) -> str:
    """``The output folder t3 was deleted or moved while the run went on: nothing more is written.``"""
    return f"The output folder {folder} was deleted or moved while the run went on: nothing more is written."


def in_use_sentence(folder: Path, pid: int | None, option: str = OUT_OPTION) -> str:
    """``t3 is being written by another kws run (pid 1234): wait for it to end, or choose another --out.``"""
    by = f" (pid {pid})" if pid is not None else ""
    return f"{folder} is being written by another kws run{by}: wait for it to end, or choose another {option}."


def lock_if_free(fd: int, path: Path) -> bool:
    """Lock the open file ``fd`` exclusively, without waiting; True when this process now holds it and it is
    still the file at ``path``. False when another process holds it, or it was removed (and perhaps made again)
    between the caller's open and the lock -- the lock would then guard a file nobody else sees."""
    return _locked_now(fd) and _still_named(fd, path)


def _locked_now(fd: int) -> bool:
    """``flock(LOCK_EX | LOCK_NB)``: False when another process holds the file (OSError: the file system
    refuses locks)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        return False
    return True


def _still_named(fd: int, path: Path) -> bool:
    try:
        held, named = os.fstat(fd), os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path``; None when there is nothing (or no folder) there."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _recorded_pid(fd: int) -> int | None:
    """The live process a lock file names; None when it names none (its holder is still writing the number, or
    a child process that outlived it holds the lock)."""
    try:
        pid = int(os.pread(fd, PID_BYTES, 0).decode("ascii", "replace").strip())
    except (OSError, ValueError):
        return None
    return pid if pid > 0 and process_alive(pid) else None


class FolderHold:
    """This process's exclusive hold of an output folder, until :meth:`release` (or until the object is gone).

    ``folder``: the held folder, known from here on by its identity (:meth:`check`); None: no folder is known
    (nothing is checked)."""

    def __init__(self, path: Path | None = None, fd: int | None = None, folder: Path | None = None) -> None:
        self.path = path  # the lock file (None: nothing is held, e.g. on Windows)
        self._fd = fd
        self._owner = os.getpid()  # a forked child's copy only closes its descriptor, never removes the file
        self.folder = folder
        self._identity = _identity(folder) if folder is not None else None

    def check(self) -> None:
        """:class:`FolderGone` when the folder is no longer the one held: deleted, moved, or replaced by another
        folder at its path -- or its lock file removed or replaced, which lets another run in. Two ``stat`` calls:
        cheap enough between any two steps of a run."""
        if self.folder is None or self._identity is None:
            return
        lock_lost = self._fd is not None and self.path is not None and not _still_named(self._fd, self.path)
        if lock_lost or _identity(self.folder) != self._identity:
            raise FolderGone(gone_sentence(self.folder))

    @contextlib.contextmanager
    def guarding(self) -> Iterator[None]:
        """Around a write into the folder: :class:`FolderGone` before it when the folder is gone, and in place of
        the write's own error when it went meanwhile (its "the folder does not exist" would hide why)."""
        self.check()
        try:
            yield
        except (WorkbenchError, OSError):
            self.check()
            raise

    def make_folder(self, path: Path, what: str = "the folder") -> Path:
        """``path`` (inside the held folder) and the folders between, made one level at a time from the held folder
        down: never the held folder itself, so one deleted meanwhile is not made again (:class:`FolderGone`).
        Without a known folder, as :func:`~workbench.core.atomic_write.create_folder`. Returns ``path``."""
        if self.folder is None or not path.is_relative_to(self.folder):
            return create_folder(path, what)
        with self.guarding():
            relative = path.relative_to(self.folder)
            for depth in range(1, len(relative.parts) + 1):
                level = self.folder.joinpath(*relative.parts[:depth])
                try:
                    level.mkdir(exist_ok=True)
                except OSError as exc:  # (worded as create_folder words it)
                    why = FILE_IN_THE_WAY if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
                    raise WorkbenchError(f"Cannot create {what} {path}: {why or exc}.") from None
        return path

    def release(self) -> None:
        """Remove the lock file, then unlock: another run may take the folder at once. Safe to call again.

        A lock file that is no longer this hold's (the folder was replaced, perhaps by another run's) stays."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if self.path is not None and os.getpid() == self._owner and _still_named(fd, self.path):
            remove_quietly(self.path)  # while still locked: a run that opened it meanwhile sees it gone
        os.close(fd)

    def __enter__(self) -> FolderHold:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # (at interpreter exit the kernel releases it anyway)
            self.release()


def hold_output_folder(folder: Path, option: str = OUT_OPTION) -> FolderHold:
    """Hold the existing folder ``folder`` for this process (module docstring); :class:`FolderInUse` naming the
    holder's PID when another live process holds it, WorkbenchError when no lock file can be made in it."""
    if fcntl is None:
        return FolderHold(folder=folder)
    path = folder / LOCK_FILE
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, LOCK_FILE_MODE)
        except OSError as exc:
            raise WorkbenchError(f"Cannot write into {folder}: {exc.strerror or exc}.") from None
        try:
            if not _locked_now(fd):
                raise FolderInUse(in_use_sentence(folder, _recorded_pid(fd), option))
        except OSError:  # a file system that refuses locks: unguarded, as before
            os.close(fd)
            return FolderHold(folder=folder)
        except BaseException:
            os.close(fd)
            raise
        if _still_named(fd, path):
            with contextlib.suppress(OSError):  # (a full disk: held all the same, the PID left unsaid)
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            return FolderHold(path, fd, folder)
        os.close(fd)  # removed by a run that released it while we opened it: take the file there now


def refuse_if_held(folder: Path, option: str = OUT_OPTION) -> None:
    """:class:`FolderInUse` when another live process holds ``folder``; creates nothing.

    For a command's checks before it starts, so that it names the real cause at once ("not empty", "no run to
    resume" would send the user after the wrong one); the hold itself decides. The shared lock taken here for a
    moment can make a run starting into the folder in that same instant be refused too, never let one in.
    """
    if fcntl is None:
        return
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDONLY)
    except OSError:  # no lock file: nobody holds the folder
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        pid = _recorded_pid(fd)
        if pid != os.getpid():  # (this process's own hold is no other run's)
            raise FolderInUse(in_use_sentence(folder, pid, option)) from None
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def folder_step_lock(folder: Path) -> Iterator[None]:
    """Run the block while no other process runs a step under this lock in ``folder`` (it waits for them).

    A folder that cannot be opened (missing: the step then fails with its own sentence) or locked is not
    waited for."""
    fd = None
    if fcntl is not None:
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)
