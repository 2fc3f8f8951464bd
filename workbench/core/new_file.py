"""Write a file whole under a name nobody has taken, choosing the name and taking it in one step.

Why not :func:`~workbench.core.atomic_write.atomic_write_bytes`: it replaces its target, and a file whose name is
already taken (last week's ``go/stream_nohash_0.wav``, a recording recovered earlier, a clip of the dataset itself)
must be kept. Why not "probe ``exists()`` for a free name, then write it": two writers of one name at once (two
start-ups recovering recordings of the same second, a rescued take and a recovery) both find the same name free and
the second write replaces the first. Here the data is written whole to a hidden temporary file beside the names
and then *linked* to a name, which the file system refuses when the name exists -- in one step, so two writers
never take one name and no one ever sees half a file; the next name is tried then. Where the file system cannot
link (FAT, some network shares) the name is claimed by creating it exclusively and then replaced by the whole
file: a crash between the two leaves an empty file (which a dataset scan lists as unreadable), never a truncated
one.

This module is the one owner of "a free name": the numbered dataset clips of
:class:`~workbench.datasets.new_clip_files.NewClips` and the ``name-2.wav`` of a recovered or rescued recording
(:func:`~workbench.core.audio.audio_file.save_new_wav`) both go through :func:`write_new_file`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from workbench.core.atomic_write import new_file_mode, remove_quietly, stage_beside, sync_directory
from workbench.core.errors import WorkbenchError

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
