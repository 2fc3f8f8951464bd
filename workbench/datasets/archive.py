"""Unpack a downloaded tar archive into a folder safely: all of it, inside it, or nothing at all.

Why so careful: an archive from the internet may name ``../../.bashrc`` or ``/etc/passwd``, hold a
link pointing out of the destination (and then a file written "through" it), or device files; and a
2.3 GB extraction interrupted by a full disk, a cancel or a crash must not leave a half dataset that
later looks complete. So:

* every member is checked before it is written: no absolute path, no ``..``, links only to targets
  inside the destination, regular files / folders / links only (the first unsafe member aborts with
  one sentence naming it); Python's own ``data`` extraction filter is applied on top;
* everything is written into a hidden temporary folder *beside* DEST (same file system) and renamed
  to DEST in one step at the end; any failure or cancel removes the temporary folder, so DEST either
  does not exist or is complete;
* the archive must be read to its very end: tar blocks that stop being readable before the end-of-archive
  marker, a missing marker or a compression checksum error fail the extraction (``tarfile`` alone stops
  silently at a damaged block, and never reads a gzip trailer);
* the dataset folder gets the permissions ``mkdir`` would give it, not ``mkdtemp``'s private 0o700;
* an optional marker file is written last inside the temporary folder, so its presence in DEST means
  "extracted completely" (see :mod:`workbench.datasets.install`).
"""

from __future__ import annotations

import gzip
import json
import lzma
import os
import posixpath
import shutil
import tarfile
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import Any, Mapping

from workbench.datasets.download import DownloadCancelled, DownloadError, DownloadProgress, ProgressCallback
from workbench.core.atomic_write import create_folder, new_folder_mode
from workbench.core.stale_temps import remove_dead_temps, temp_prefix

EXTRACT_PHASE = "extract"
READ_CHUNK_BYTES = 1 << 20
COMPRESSION_ERRORS: tuple[type[Exception], ...] = (gzip.BadGzipFile, lzma.LZMAError)
PARTIAL_SUFFIX = ".partial"
PROGRESS_INTERVAL_S = 0.1


class UnsafeArchiveError(DownloadError):
    """The archive names a path or link outside the destination, or a special file."""


class CorruptArchiveError(DownloadError):
    """The archive is damaged or cut short: its compression or its tar blocks cannot be read to the end."""


class NotATarArchiveError(CorruptArchiveError):
    """The file does not start as a tar archive (plain or compressed): not a damaged archive but another file,
    so fetching the same bytes again cannot help (:mod:`workbench.datasets.install` says so)."""


def _open_tar(raw: Any, archive: Path) -> tarfile.TarFile:
    """``tarfile.open`` of ``raw``, or :class:`NotATarArchiveError` in one line. Why: for a file that is no
    tar archive ``tarfile`` lists every compression it tried, one raw exception per line."""
    try:
        return tarfile.open(fileobj=raw, mode="r:*")
    except tarfile.ReadError:
        raise NotATarArchiveError(f"{archive} is not a complete tar archive (it does not even start as one, "
                                  "plain or gzip, bzip2 or xz compressed).") from None


def _check_complete(tar: tarfile.TarFile, archive: Path) -> None:
    """Raise :class:`CorruptArchiveError` unless ``tar`` ended at its end-of-archive blocks and the compressed
    stream reads to its end (checksum included).

    Why: ``tarfile`` stops *silently* at the first block that is not a valid header -- a damaged block in
    the middle, or an archive cut short at a member boundary -- and a gzip stream's CRC is only checked
    when it is read to the end, which iterating the members never does. Either would install part of a
    dataset as if it were all of it. After the last member, a tar holds only zero blocks (at least one);
    reading them to the end of the stream also makes the decompressor check its trailer.
    """
    stream = tar.fileobj
    assert stream is not None
    stream.seek(tar.offset)
    zeros = 0
    while True:
        block = stream.read(READ_CHUNK_BYTES)
        if not block:
            break
        if block.count(0) != len(block):
            raise CorruptArchiveError(f"{archive} is damaged: its tar blocks stop being readable after "
                                      f"{tar.offset:,} bytes of data (the members after that are lost).")
        zeros += len(block)
    if zeros < tarfile.BLOCKSIZE:
        raise CorruptArchiveError(f"{archive} is cut short: it ends after {tar.offset:,} bytes of data without "
                                  "the end-of-archive marker.")


def _inside(name: str) -> bool:
    """True when the POSIX relative path ``name`` stays inside the folder it is resolved against."""
    normal = posixpath.normpath(name)
    return not (posixpath.isabs(name) or normal == ".." or normal.startswith("../")
                or (len(name) > 1 and name[1] == ":"))  # a Windows drive, e.g. C:...


def check_member(member: tarfile.TarInfo) -> None:
    """Raise :class:`UnsafeArchiveError` unless ``member`` is safe to write inside the destination."""
    name = member.name
    if not name or not _inside(name) or "\\" in name and not _inside(name.replace("\\", "/")):
        raise UnsafeArchiveError(f"The archive is unsafe: {name!r} would be written outside the destination.")
    if member.issym():
        target = posixpath.join(posixpath.dirname(posixpath.normpath(name)), member.linkname)
        if not member.linkname or posixpath.isabs(member.linkname) or not _inside(target):
            raise UnsafeArchiveError(f"The archive is unsafe: the link {name!r} points outside the destination "
                                     f"({member.linkname!r}).")
    elif member.islnk():
        if not member.linkname or not _inside(member.linkname):
            raise UnsafeArchiveError(f"The archive is unsafe: the hard link {name!r} points outside the "
                                     f"destination ({member.linkname!r}).")
    elif not (member.isfile() or member.isdir()):
        raise UnsafeArchiveError(f"The archive is unsafe: {name!r} is a device or other special file.")


def _prepare_destination(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise DownloadError(f"Cannot extract into {dest}: it is a file.")
    if dest.is_dir() and any(dest.iterdir()):
        raise DownloadError(f"Cannot extract into {dest}: the folder is not empty (choose a new folder).")
    create_folder(dest.parent, error=DownloadError)


def extract_tar(archive: str | Path, dest: str | Path, *, marker: tuple[str, Mapping[str, Any]] | None = None,
                progress: ProgressCallback | None = None, cancel: threading.Event | None = None) -> Path:
    """Extract the tar archive (any compression) to the new folder ``dest``; all or nothing.

    ``marker``: ``(file name, JSON data)`` written last, inside. Progress counts compressed bytes read.
    Raises :class:`DownloadError` / :class:`UnsafeArchiveError` / :class:`DownloadCancelled`.
    """
    archive, dest = Path(archive), Path(dest)
    _prepare_destination(dest)
    total = archive.stat().st_size
    remove_dead_temps(dest.parent, dest.name, PARTIAL_SUFFIX)  # extractions killed before: a dataset's size each
    temp = Path(tempfile.mkdtemp(prefix=temp_prefix(dest.name, dest.parent, PARTIAL_SUFFIX), suffix=PARTIAL_SUFFIX,
                                 dir=dest.parent))
    try:
        os.chmod(temp, new_folder_mode())  # mkdtemp's 0o700 would make the dataset private
        with archive.open("rb") as raw, _open_tar(raw, archive) as tar:
            last = 0.0
            for member in tar:
                if cancel is not None and cancel.is_set():
                    raise DownloadCancelled(f"Extracting {archive.name} was cancelled; nothing was kept.")
                if posixpath.normpath(member.name) == ".":
                    continue
                check_member(member)
                tar.extract(member, temp, set_attrs=False, filter="data")
                now = time.monotonic()
                if progress is not None and now - last >= PROGRESS_INTERVAL_S:
                    last = now
                    progress(DownloadProgress(EXTRACT_PHASE, raw.tell(), total))
            _check_complete(tar, archive)
        if marker is not None:
            name, data = marker
            (temp / name).write_text(json.dumps(dict(data), indent=2) + "\n", encoding="utf-8")
        if dest.is_dir():
            dest.rmdir()  # empty (checked above); rename cannot replace a folder everywhere
        os.rename(temp, dest)
    except (tarfile.TarError, EOFError, zlib.error, *COMPRESSION_ERRORS) as exc:
        shutil.rmtree(temp, ignore_errors=True)
        if isinstance(exc, tarfile.FilterError):
            raise UnsafeArchiveError(f"The archive is unsafe: {exc}.") from None
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".:")  # one line
        raise CorruptArchiveError(f"{archive} is not a complete tar archive ({reason}).") from None
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise DownloadError(f"Cannot extract {archive.name} into {dest}: {exc.strerror or exc}.") from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    if progress is not None:
        progress(DownloadProgress(EXTRACT_PHASE, total, total))
    return dest
