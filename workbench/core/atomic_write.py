"""Write user files so that a crash or a full disk never leaves a half-written file behind.

Why: exported models, reports and settings are things people keep; a truncated file that still
looks valid is worse than no file. Data goes to a temporary file in the same directory (same file
system, so the final rename is atomic), is flushed to disk, then replaces the target in one step.
On any failure the temporary file is removed and the target is left exactly as it was.

A file that must never replace another (a numbered clip, a recovered recording) is written by
:func:`write_new_file` instead. Why not :func:`atomic_write_bytes`: it replaces its target, and a file whose name is
already taken (last week's ``go/stream_nohash_0.wav``, a recording recovered earlier, a clip of the dataset itself)
must be kept. Why not "probe ``exists()`` for a free name, then write it": two writers of one name at once (two
start-ups recovering recordings of the same second, a rescued take and a recovery) both find the same name free and
the second write replaces the first. Here the data is written whole to a hidden temporary file beside the names
and then *linked* to a name, which the file system refuses when the name exists -- in one step, so two writers
never take one name and no one ever sees half a file; the next name is tried then. Where the file system cannot
link (FAT, some network shares) the name is claimed by creating it exclusively and then replaced by the whole
file: a crash between the two leaves an empty file (which a dataset scan lists as unreadable), never a truncated
one.

:func:`write_new_file` is the one owner of "a free name": the numbered dataset clips of
:class:`~workbench.datasets.new_clip_files.NewClips` and the ``name-2.wav`` of a recovered or rescued recording
(:func:`~workbench.core.audio.audio_file.save_new_wav`) both go through :func:`write_new_file`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

from workbench.core.errors import WorkbenchError
from workbench.core.stale_temps import remove_dead_temps, remove_temps_of_kind, temp_prefix

_TEMP_SUFFIX = ".tmp"
_DEFAULT_MODE = 0o666  # new files get this minus the umask, like open(..., "w") would give them
_PERMISSION_BITS = 0o777
FILE_IN_THE_WAY = "a file is in the way (that name, or one above it, is a file)"


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def new_file_mode() -> int:
    """The mode ``open(..., "w")`` gives a new file: 0o666 minus the umask."""
    return _DEFAULT_MODE & ~_umask()


def new_folder_mode() -> int:
    """The mode ``mkdir`` gives a new folder (0o777 minus the umask): for folders made by ``mkdtemp`` (0o700)."""
    return _PERMISSION_BITS & ~_umask()


def target_of(path: Path) -> Path:
    """The file to replace: a link's file, not the link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def writable_target(given: Path) -> tuple[Path, Path]:
    """(the file to replace, its folder) for ``given``; WorkbenchError when the folder is missing or a file,
    or ``given`` is a folder."""
    target = target_of(given)  # a link's file, not the link
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        problem = "is a file, not a folder" if directory.exists() else "does not exist"
        raise WorkbenchError(f"Cannot write {given}: the folder {directory} {problem}.")
    if target.is_dir():
        raise WorkbenchError(f"Cannot write {given}: it is a folder.")
    return target, directory


def sync_directory(directory: Path) -> None:
    """Make the rename itself durable; best effort (not every platform can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, clean_stale: bool = False) -> Path:
    """Replace ``path`` with ``data`` atomically; returns the path written.

    A symbolic link keeps pointing where it did: the file it points at is replaced. A device or a named
    pipe (``/dev/null``, ``/dev/stdout``) is written into, not replaced.

    Raises :class:`WorkbenchError` (one sentence naming the file) when the folder is missing or not
    writable, the disk is full, or the target cannot be replaced. ``clean_stale``: see :func:`stage_beside`.
    """
    given = Path(path)
    target, directory = writable_target(given)
    if target.exists() and not target.is_file():  # /dev/null, /dev/stdout, a named pipe: write into it
        _write_special(given, target, data)
        return given
    tmp_name = ""
    try:
        tmp_name = stage_beside(target, directory, data, clean_stale)
        os.replace(tmp_name, target)
        tmp_name = ""
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {given}: {exc.strerror or exc}.") from None
    finally:
        if tmp_name:
            remove_quietly(tmp_name)
    sync_directory(directory)
    return given


def stage_beside(target: Path, directory: Path, data: bytes | Callable[[BinaryIO], None],
                 clean_stale: bool = False) -> str:
    """Write ``data`` to a hidden temporary file in ``directory`` (``target``'s folder), flushed to disk and
    with the mode ``target`` has (or a new file would get); returns its name. Renaming it onto ``target``
    is the caller's one atomic step. On failure nothing is left behind and the exception propagates.
    ``data`` may be a function that writes into the open file: content too large to hold at once.
    ``clean_stale``: first remove the temporary files of earlier writes of ``target`` whose process died
    (:mod:`workbench.core.stale_temps`; it lists the folder, so not for writes of thousands of clips)."""
    if clean_stale:
        remove_dead_temps(directory, target.name, _TEMP_SUFFIX)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(target.name, directory, _TEMP_SUFFIX), suffix=_TEMP_SUFFIX,
                                dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, target.stat().st_mode & _PERMISSION_BITS if target.exists() else new_file_mode())
    except BaseException:
        remove_quietly(name)
        raise
    return name


def remove_stale_temps(directory: Path, of_kind: Callable[[str], bool], own: bool = False) -> list[Path]:
    """Remove the temporary files :func:`stage_beside` left in ``directory`` for the targets whose names ``of_kind``
    accepts: those of processes that are gone, and with ``own`` this process's (see
    :func:`~workbench.core.stale_temps.remove_temps_of_kind`). Why beside ``clean_stale``: a writer of many files
    named as it goes (a preview's samples) cannot name the targets whose temporary files a killed run left."""
    return remove_temps_of_kind(directory, _TEMP_SUFFIX, of_kind, own)


def remove_quietly(name: str | os.PathLike[str]) -> None:
    """Remove a file, best effort: a temporary file left behind is hidden and harmless."""
    try:
        os.unlink(name)
    except OSError:
        pass


def _write_special(given: Path, target: Path, data: bytes) -> None:
    """Write into a device or a pipe as ``cat > target`` would: it cannot be replaced, and must not be."""
    try:
        with open(target, "wb") as handle:
            handle.write(data)
            handle.flush()
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {given}: {exc.strerror or exc}.") from None


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8",
                      clean_stale: bool = False) -> Path:
    """Text variant of :func:`atomic_write_bytes`."""
    try:
        data = text.encode(encoding)
    except (LookupError, UnicodeEncodeError) as exc:
        raise WorkbenchError(f"Cannot write {path}: the text cannot be encoded as {encoding} ({exc}).") from None
    return atomic_write_bytes(path, data, clean_stale)


def create_folder(folder: Path, what: str = "the folder", error: type[WorkbenchError] = WorkbenchError) -> Path:
    """``folder`` and its parents, created if missing; ``error`` (one sentence naming ``what`` and the folder)
    when the disk, a file in the way or a permission refuses. Returns ``folder``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = (FILE_IN_THE_WAY if isinstance(exc, (FileExistsError, NotADirectoryError))  # "File exists": of what?
               else exc.strerror or exc)
        raise error(f"Cannot create {what} {folder}: {why}.") from None
    return folder


def check_destination(path: str | os.PathLike[str], folder: bool = False) -> Path:
    """Raise :class:`WorkbenchError` now when ``path`` could not be written (or, with ``folder``, created) later.

    Why: a calibration, an evaluation or a stream build runs for a minute or more before it writes
    anything; a mistyped ``--out`` must stop it before the work starts, not throw the result away after.
    A folder that does not exist yet is fine when it can be created; a file's folder must exist, as
    :func:`atomic_write_bytes` requires. Returns the path.
    """
    target = Path(path)
    if folder:
        if target.exists() and not target.is_dir():
            raise WorkbenchError(f"Cannot write into {target}: it is a file, not a folder.")
        existing = target
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        what = f"create the folder {target}" if existing != target else f"write into {target}"
    else:
        if target.is_dir():
            raise WorkbenchError(f"Cannot write {target}: it is a folder.")
        existing = target.parent if str(target.parent) else Path(".")
        if not existing.exists():
            raise WorkbenchError(f"Cannot write {target}: the folder {existing} does not exist.")
        what = f"write {target}"
    if not existing.is_dir():
        raise WorkbenchError(f"Cannot {what}: {existing} is a file, not a folder.")
    try:  # a real probe: permission bits do not tell root, read-only mounts or /proc apart
        with tempfile.TemporaryFile(prefix=".kws-probe.", dir=existing):
            pass
    except OSError as exc:
        raise WorkbenchError(f"Cannot {what}: {existing} is not writable ({exc.strerror or exc}).") from None
    return target


FIRST_COPY_NUMBER = 2  # ``take.wav``, then ``take-2.wav``: the second file of a name is its copy number 2

NameFor = Callable[[int], Path]  # the name to try for a number: all of one folder


def numbered_names(path: Path) -> NameFor:
    """Names for :func:`write_new_file`: 0 is ``path`` itself, then ``name-2.wav``, ``name-3.wav``…"""

    def name_for(number: int) -> Path:
        return path if number == 0 else path.with_name(f"{path.stem}-{number + FIRST_COPY_NUMBER - 1}{path.suffix}")

    return name_for


def write_new_file(name_for: NameFor, data: bytes, first: int = 0) -> tuple[Path, int]:
    """Write ``data`` whole as ``name_for(first)``, or ``name_for(first + 1)``…: the first name no file has, never
    over a file. The names lie in one folder, which must exist. Returns the path written and its number (a caller
    adding many files starts the next at that number + 1). WorkbenchError (one sentence naming the file) when the
    folder refuses the write."""
    number = first
    path = name_for(number)
    staged = ""
    try:
        staged = stage_beside(path, path.parent, data)
        while not _claim(staged, path):
            number += 1
            path = name_for(number)
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    finally:
        if staged:
            remove_quietly(staged)  # linked: the name keeps the file; replaced: already gone
    sync_directory(path.parent)
    return path, number


def _claim(staged: str, path: Path) -> bool:
    """Give the staged file the name ``path`` unless the name is taken (False)."""
    try:
        os.link(staged, path)
        return True
    except FileExistsError:
        return False
    except OSError:  # no links on this file system: claim the name, then fill it
        pass
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, new_file_mode()))
    except FileExistsError:
        return False
    os.replace(staged, path)
    return True
