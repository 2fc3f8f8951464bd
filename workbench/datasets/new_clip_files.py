"""Add clips to a dataset folder atomically and under names never taken, so that a second run adds to the first.

Each clip is written whole and takes the first free ``<speaker>_nohash_<n>.wav`` in one step
(:func:`~workbench.core.atomic_write.write_new_file`, which also says why neither replacing a file nor probing for a
free name will do): a clip already there is kept, and two writers never take one name.

:meth:`NewClips.add_new` first looks for the same clip among the files the word's folder held before: a second
run over one stream would otherwise add a copy of every clip, and training would weigh each mistake twice. Files
are compared by size, then by their bytes; each file of a size asked for is read once (by a digest), since a
folder of Speech Commands' own clips holds thousands of one size.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from workbench.core.atomic_write import create_folder, write_new_file
from workbench.core.errors import WorkbenchError
from workbench.datasets.splits import NOHASH_MARK

CLIP_SUFFIX = ".wav"
HIDDEN_MARK = "."  # a hidden file (a write's staged temporary) is no clip


def clip_name(speaker: str, number: int) -> str:
    """``<speaker>_nohash_<n>.wav``: the Speech Commands name, whose part before ``_nohash_`` the split hashes."""
    return f"{speaker}{NOHASH_MARK}{number}{CLIP_SUFFIX}"


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # gone or unreadable since listed: no clip to compare with
        return None


class _FolderClips:
    """The files of one word's folder by size, and the digests of those of a size asked for (read once each)."""

    def __init__(self, folder: Path, leave_out: set[Path]) -> None:
        self._by_size: dict[int, list[Path]] = {}
        self._digests: dict[int, dict[bytes, Path]] = {}
        if not folder.is_dir():
            return
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    path = Path(entry.path)
                    if not entry.name.startswith(HIDDEN_MARK) and path not in leave_out and entry.is_file():
                        self._by_size.setdefault(entry.stat().st_size, []).append(path)
        except OSError as exc:
            raise WorkbenchError(f"Cannot read the clip folder {folder}: {exc.strerror or exc}.") from None

    def same_as(self, data: bytes) -> Path | None:
        """A file in the folder whose bytes are ``data``, or None."""
        size = len(data)
        if size not in self._by_size:
            return None
        if size not in self._digests:
            self._digests[size] = {}
            for path in self._by_size[size]:
                if (content := _read(path)) is not None:
                    self._digests[size].setdefault(_digest(content), path)
        path = self._digests[size].get(_digest(data))
        return path if path is not None and _read(path) == data else None


class NewClips:
    """The clips one run adds to the dataset folder ``root``: ``root/<word>/<speaker>_nohash_<n>.wav``.

    The numbers tried are remembered per word and speaker, so adding many clips of one speaker checks each
    taken name once, not once per clip."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[Path] = []
        self.present: list[Path] = []  # the clips already there that add_new was given again
        self._next: dict[tuple[str, str], int] = {}
        self._folders: dict[str, _FolderClips] = {}  # what the words' folders held before this run's clips

    def add(self, word: str, speaker: str, wav: bytes) -> Path:
        """Write ``wav`` (a whole WAV file) as the first free ``<speaker>_nohash_<n>.wav`` of ``root/word``."""
        folder = create_folder(self.root / word, "the clip folder")
        path, number = write_new_file(lambda n: folder / clip_name(speaker, n), wav, self._next.get((word, speaker), 0))
        self._next[(word, speaker)] = number + 1
        self.written.append(path)
        return path

    def add_new(self, word: str, speaker: str, wav: bytes) -> Path | None:
        """:meth:`add` ``wav`` unless a file of the same bytes was in ``root/word`` before this run's clips (a clip of
        an earlier run): None then, and that file is listed in :attr:`present`. Two clips of this run are two
        places in a recording, however alike their audio."""
        if word not in self._folders:
            self._folders[word] = _FolderClips(self.root / word, set(self.written))
        same = self._folders[word].same_as(wav)
        if same is not None:
            self.present.append(same)
            return None
        return self.add(word, speaker, wav)
