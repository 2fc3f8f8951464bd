"""Write files that belong together -- a stream and its labels, a report folder -- all or nothing.

Why: each file written atomically is not enough when several files describe one thing. A Ctrl+C between
the new stream WAV and its labels left new audio beside the old labels (and ``kws stream check`` passed);
one between ``sweep.csv`` and ``calibration.json`` left two calibrations in one folder. So every file is
first written in full to a hidden temporary file beside its target (same file system) and flushed; only
then are all of them renamed into place in one short step during which SIGINT and SIGTERM are held back
(delivered right after), and the files of the same set that this run does not write (``stale``: a plot
the run skipped, another model's PNGs) are removed in that same step. Any failure before that step
removes the temporary files and leaves every target as it was. The step holds the targets' folders
(:func:`~workbench.core.folder_lock.folder_step_lock`): two ``kws stream make --out same.wav`` at once left the
WAV and JSON of one beside the CSV of the other, their renames interleaved; now one set lands whole, then the
other (the last writer wins, completely).

It builds on :mod:`workbench.core.atomic_write` (one file) and keeps its rules: a link's file is
replaced, not the link; new files get the mode ``open`` would give them. A file too large to hold in memory
is given as :class:`WrittenInto`, which writes it into its temporary file in pieces.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping, Union

from workbench.core.atomic_write import remove_quietly, stage_beside, sync_directory, target_of, writable_target
from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import folder_step_lock

HELD_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s)



@dataclass(frozen=True)
class WrittenInto:
    """Content too large to hold at once (a stream's WAV): ``write(handle)`` writes it into the open temporary
    file, a block at a time."""

    write: Callable[[BinaryIO], None]


# the bytes, what makes them (a plot rendered while staging, in the order given), or what writes them
Content = Union[bytes, Callable[[], bytes], WrittenInto]


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back inside the block and deliver them (to the previous handlers) after it.

    Outside the main thread Python cannot install handlers; the block then runs unprotected (a GUI
    thread gets no Ctrl+C anyway).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, object] = {}

    def hold(signum: int, _frame: object) -> None:
        if signum not in caught:
            caught.append(signum)

    try:
        for signum in HELD_SIGNALS:
            previous[signum] = signal.signal(signum, hold)
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)  # type: ignore[arg-type]
        for signum in caught:
            signal.raise_signal(signum)


def _stage(path: Path, content: Content) -> str:
    """Write ``content`` to a temporary file beside ``path``; returns its name. The temporary files of an earlier
    write of the set that was killed go first (a stream's WAV: hundreds of megabytes each)."""
    target, folder = writable_target(path)
    if target.exists() and not target.is_file():
        raise WorkbenchError(f"Cannot write {path}: it is not a regular file.")
    if isinstance(content, WrittenInto):
        return stage_beside(target, folder, content.write, clean_stale=True)
    return stage_beside(target, folder, content() if callable(content) else content, clean_stale=True)


@contextlib.contextmanager
def _folders_locked(folders: Iterable[Path]) -> Iterator[None]:
    """Each folder's :func:`folder_step_lock`, taken in one order (by device and inode) so that two writers of
    sets spanning the same folders never each wait for the other; a folder that cannot be read is not locked."""
    keys: dict[tuple[int, int], Path] = {}
    for folder in folders:
        with contextlib.suppress(OSError):
            info = folder.stat()
            keys.setdefault((info.st_dev, info.st_ino), folder)
    with contextlib.ExitStack() as stack:
        for key in sorted(keys):
            stack.enter_context(folder_step_lock(keys[key]))
        yield


def write_file_set(files: Mapping[Path, Content], stale: Iterable[Path] = ()) -> list[Path]:
    """Write every file of ``files`` and remove the ``stale`` ones, all or nothing (module docstring).

    Returns the paths written, in the order given. Raises :class:`WorkbenchError` (one sentence naming the
    file) when a file cannot be written; then no target has changed.
    """
    staged: dict[Path, str] = {}
    try:
        for path, content in files.items():
            try:
                staged[Path(path)] = _stage(Path(path), content)
            except OSError as exc:
                raise WorkbenchError(f"Cannot write {path}: {exc.strerror or exc}.") from None
        removed = [Path(p) for p in stale if Path(p) not in staged]
        folders = [*(target_of(p).parent for p in staged), *(p.parent for p in removed)]
        with _folders_locked(folders), signals_held():
            for path, name in list(staged.items()):
                try:
                    os.replace(name, target_of(path))
                except OSError as exc:
                    raise WorkbenchError(f"Cannot write {path}: {exc.strerror or exc}.") from None
                del staged[path]
            for path in removed:
                if path.is_file() or path.is_symlink():
                    remove_quietly(path)
    finally:
        for name in staged.values():
            remove_quietly(name)
    for folder in {target_of(Path(p)).parent for p in files}:
        sync_directory(folder)
    return [Path(p) for p in files]


@contextlib.contextmanager
def folder_kept_only_if_written(folder: Path) -> Iterator[Path]:
    """Around the creation of ``folder`` and a write into it: when the block fails and the folder was not there
    before it, it is removed again if it is still empty.

    Why: a report written all or nothing (a full disk while staging) left nothing of itself but a new empty
    folder, which the next run's "not empty?" checks and the user then had to wonder about."""
    existed = folder.exists()
    try:
        yield folder
    except BaseException:
        if not existed:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: never anything of the user's
        raise
