"""Add clips to a dataset folder atomically and under names never taken, so that a second run adds to the first.

Why not :func:`~workbench.core.atomic_write.atomic_write_bytes`: it replaces its target, and a clip whose name
is already taken (``go/stream_nohash_0.wav`` from last week's run, or a clip of the dataset itself) must be kept.
Each clip is written whole to a hidden temporary file beside its name and then *linked* to the name, which the
file system refuses when the name exists -- in one step, so two writers never take one name and no one ever
sees half a clip; the next number is tried then. Where the file system cannot link (FAT, some network shares),
the name is claimed by creating it exclusively and then replaced by the whole clip: a crash between the two
leaves an empty file, which the dataset scanner lists as unreadable and skips, never a truncated clip.
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.core.atomic_write import create_folder, new_file_mode, remove_quietly, stage_beside, sync_directory
from workbench.core.errors import WorkbenchError
from workbench.datasets.splits import NOHASH_MARK

CLIP_SUFFIX = ".wav"


def clip_name(speaker: str, number: int) -> str:
    """``<speaker>_nohash_<n>.wav``: the Speech Commands name, whose part before ``_nohash_`` the split hashes."""
    return f"{speaker}{NOHASH_MARK}{number}{CLIP_SUFFIX}"


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


class NewClips:
    """The clips one run adds to the dataset folder ``root``: ``root/<word>/<speaker>_nohash_<n>.wav``.

    The numbers tried are remembered per word and speaker, so adding many clips of one speaker checks each
    taken name once, not once per clip."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[Path] = []
        self._next: dict[tuple[str, str], int] = {}

    def add(self, word: str, speaker: str, wav: bytes) -> Path:
        """Write ``wav`` (a whole WAV file) as the first free ``<speaker>_nohash_<n>.wav`` of ``root/word``."""
        folder = create_folder(self.root / word, "the clip folder")
        number = self._next.get((word, speaker), 0)
        path = folder / clip_name(speaker, number)
        staged = ""
        try:
            staged = stage_beside(path, folder, wav)
            while not _claim(staged, path):
                number += 1
                path = folder / clip_name(speaker, number)
        except OSError as exc:
            raise WorkbenchError(f"Cannot write {path}: {exc.strerror or exc}.") from None
        finally:
            if staged:
                remove_quietly(staged)  # linked: the name keeps the clip; replaced: already gone
        sync_directory(folder)
        self._next[(word, speaker)] = number + 1
        self.written.append(path)
        return path
