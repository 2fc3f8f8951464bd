"""Published firmware images, downloaded once, checked against their SHA-1, kept in the user cache.

Why cached: the profiler and classifier images are a few hundred kB each and never change for a given
name; downloading them on every run would make the board commands depend on the network. The archive
is streamed to a temporary file beside the cache entry while its SHA-1 is computed; only when the hash
matches the published one is ``<name>.s37`` taken out of it and moved into place in one rename, so a
dropped connection, a wrong file or a full disk never leaves a half image that a later run would flash.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Callable

from workbench.board.errors import Cancelled
from workbench.board.firmware.catalog import FirmwareEntry
from workbench.board.platforms import FIRMWARE_HINT
from workbench.core.atomic_write import create_folder
from workbench.core.errors import WorkbenchError

APP_NAME = "kws-workbench"
CHUNK_BYTES = 64 * 1024
TIMEOUT_S = 30.0
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
MAX_IMAGE_BYTES = 32 * 1024 * 1024

DownloadProgress = Callable[[int, int | None], None]  # bytes so far, total (None: unknown)


class FirmwareDownloadError(WorkbenchError):
    """The image could not be downloaded or did not check out; nothing was cached."""


def default_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME) / "firmware"


class FirmwareCache:
    """Images under ``root/<name>/<name>.s37`` (default: the user cache folder)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()

    def path_for(self, entry: FirmwareEntry) -> Path:
        return self.root / entry.name / entry.image_file_name

    def cached(self, entry: FirmwareEntry) -> Path | None:
        path = self.path_for(entry)
        return path if path.is_file() else None

    def get(self, entry: FirmwareEntry, *, on_progress: DownloadProgress | None = None,
            cancel: threading.Event | None = None) -> Path:
        """The cached image, downloading and checking it first when it is not there yet."""
        cached = self.cached(entry)
        if cached is not None:
            return cached
        folder = self.path_for(entry).parent
        create_folder(folder, "the firmware cache", FirmwareDownloadError)
        with tempfile.TemporaryDirectory(prefix=".download-", dir=folder) as scratch:
            archive = Path(scratch) / "archive.zip"
            digest = _download(entry, archive, on_progress, cancel)
            if digest != entry.sha1.lower():
                raise FirmwareDownloadError(f"The download of {entry.name} does not match its published SHA-1 "
                                            f"(got {digest}, expected {entry.sha1}); nothing was cached.")
            image = _extract(entry, archive, Path(scratch))
            target = self.path_for(entry)
            try:
                os.replace(image, target)
            except OSError as exc:
                raise FirmwareDownloadError(f"Cannot write {target}: {exc.strerror or exc}.") from None
        return self.path_for(entry)


def _download(entry: FirmwareEntry, target: Path, on_progress: DownloadProgress | None,
              cancel: threading.Event | None) -> str:
    sha1 = hashlib.sha1()  # the published checksum is SHA-1; used for integrity, not security
    done = 0
    try:
        with urllib.request.urlopen(entry.url, timeout=TIMEOUT_S) as response, open(target, "wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if total is not None and total > MAX_ARCHIVE_BYTES:
                raise FirmwareDownloadError(f"{entry.url} is {total} bytes: too large for a firmware archive.")
            while True:
                if cancel is not None and cancel.is_set():
                    raise Cancelled(f"Cancelled: the download of {entry.name} was stopped.")
                chunk = response.read(CHUNK_BYTES)
                if not chunk:
                    break
                done += len(chunk)
                if done > MAX_ARCHIVE_BYTES:
                    raise FirmwareDownloadError(f"{entry.url} is larger than a firmware archive can be.")
                sha1.update(chunk)
                out.write(chunk)
                if on_progress is not None:
                    on_progress(done, total)
            if total is not None and done != total:
                raise FirmwareDownloadError(f"The download of {entry.name} stopped after {done} of {total} bytes.")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc
        raise FirmwareDownloadError(f"Cannot download {entry.name} from {entry.url}: {reason}; give an image "
                                    f"({FIRMWARE_HINT}), or retry when online.") from None
    return sha1.hexdigest()


def _extract(entry: FirmwareEntry, archive: Path, scratch: Path) -> Path:
    wanted = entry.image_file_name
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if Path(m.filename).name == wanted and not m.is_dir()]
            if not members:
                raise FirmwareDownloadError(f"The archive of {entry.name} holds no {wanted}.")
            member = min(members, key=lambda m: len(m.filename))  # the top-level one if there are several
            if member.file_size > MAX_IMAGE_BYTES:
                raise FirmwareDownloadError(f"{wanted} in the archive of {entry.name} is too large.")
            image = scratch / wanted
            with zf.open(member) as source, open(image, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK_BYTES)
                out.flush()
                os.fsync(out.fileno())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FirmwareDownloadError(f"The archive of {entry.name} cannot be read: {exc}.") from None
    return image
