"""Fetch a known dataset archive and unpack it into a dataset folder: ``kws dataset download``.

Why a catalog: users should type ``speech_commands_v2``, not a URL, and get the archive checked against
its published checksum. The Speech Commands v0.02 archive's SHA-256 and size are those published by
TensorFlow Datasets (``speech_commands/checksums.tsv``) and torchaudio (``_CHECKSUMS`` in
``torchaudio/datasets/speechcommands.py``); older torchaudio releases checked the MD5
``6b74f3901214cb2c2934e98196829835``, which is also the file's ETag on the download server.

Flow: the archive is downloaded beside DEST (resumable ``.part``, see :mod:`.download`), verified,
extracted all-or-nothing into DEST (see :mod:`.archive`) with a marker file written last, and deleted
unless kept. An archive that cannot be unpacked (damaged, unsafe) is deleted too unless kept: it passed its
checksum, so a second run would reuse it (and a new download bring the same bytes): the message points at the
URL and checksum; one that could not be unpacked for want of disk
space is kept, and the message says where. A DEST holding the marker of the same archive is "already
installed" and left alone.
A ``--url`` mirror must serve the identical archive (the official checksum still applies) unless a
``--sha256`` of its own is given.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Optional

from workbench.core.errors import SettingsError
from workbench.datasets.archive import CorruptArchiveError, NotATarArchiveError, UnsafeArchiveError, extract_tar
from workbench.datasets.download import (
    DownloadCancelled,
    DownloadError,
    ProgressCallback,
    download,
    normalise_sha256,
    part_path,
)

MARKER_FILE = ".kws-dataset.json"


@dataclass(frozen=True)
class DatasetSource:
    name: str
    url: str
    sha256: str
    size_bytes: int
    description: str
    credit: str


SPEECH_COMMANDS_V2 = DatasetSource(
    name="speech_commands_v2",
    url="http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz",
    sha256="af14739ee7dc311471de98f5f9d2c9191b18aedfe957f4a6ff791c709868ff58",
    size_bytes=2_428_923_189,
    description="Google Speech Commands v0.02: 105,829 one-second clips of 35 words by 2,618 speakers, "
                "with background noise and the official validation/testing lists",
    credit="Speech Commands dataset, Pete Warden / Google, CC-BY-4.0",
)

CATALOG: dict[str, DatasetSource] = {SPEECH_COMMANDS_V2.name: SPEECH_COMMANDS_V2}


@dataclass(frozen=True)
class InstallResult:
    dest: Path
    already_installed: bool
    archive: Optional[Path]  # kept archive, or None when deleted


def source_named(name: str) -> DatasetSource:
    try:
        return CATALOG[name]
    except KeyError:
        raise SettingsError(f"Unknown dataset {name!r}: known datasets are {', '.join(sorted(CATALOG))}.") from None


def archive_name(url: str) -> str:
    """The archive's file name from its URL (``speech_commands_v0.02.tar.gz``)."""
    name = PurePosixPath(urllib.parse.urlsplit(url).path).name
    if not name:
        raise SettingsError(f"The URL {url!r} does not name a file.")
    return name


def read_marker(dest: Path) -> dict[str, object] | None:
    try:
        data = json.loads((dest / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _after_bad_archive(exc: DownloadError, archive: Path, url: str, keep_archive: bool) -> DownloadError:
    """The error of an archive that cannot be unpacked, with what became of it.

    Why never "download it again": the archive passed its checksum (the catalog's or a mirror's own
    ``--sha256``), so the server holds exactly these bytes and a second download would bring them again; the
    error points at the URL and checksum instead. The archive is deleted (a second run must not reuse it)
    unless ``--keep-archive`` asks to keep it for a look.
    """
    where = f"kept as {archive} (--keep-archive)" if keep_archive else "deleted"
    if not keep_archive:
        archive.unlink(missing_ok=True)
    if isinstance(exc, NotATarArchiveError):  # another file than an archive: a web page, a wrong link
        return type(exc)(f"The file downloaded from {url} matches the expected SHA-256 but is not a tar archive, "
                         f"so downloading it again would not help: check --url and --sha256 (the file was {where}).")
    return type(exc)(f"{str(exc).rstrip('.')}; it matches the expected SHA-256, so downloading it again would bring "
                     f"the same bytes: check --url and --sha256 (the archive was {where}).")


def install_dataset(name: str, dest: str | Path, *, url: str | None = None, sha256: str | None = None,
                    keep_archive: bool = False, progress: ProgressCallback | None = None,
                    cancel: threading.Event | None = None) -> InstallResult:
    """Download, verify and extract the catalog dataset ``name`` into the new folder ``dest``."""
    source = source_named(name)
    dest = Path(dest).expanduser()
    url = url or source.url
    checksum = normalise_sha256(sha256) or source.sha256
    marker = read_marker(dest) if dest.is_dir() else None
    if marker is not None and marker.get("sha256") == checksum:
        return InstallResult(dest, True, None)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise DownloadError(f"{dest} already exists and is not an empty folder: choose a new --dest folder "
                            "(the dataset is unpacked into it).")
    archive = dest.parent / archive_name(url)
    if archive.resolve() == dest.resolve() or part_path(archive).resolve() == dest.resolve():
        raise SettingsError(f"The dataset folder {dest} cannot have the archive's name.")
    download(url, archive, checksum, progress=progress, cancel=cancel)
    try:
        extract_tar(archive, dest, progress=progress, cancel=cancel,
                    marker=(MARKER_FILE, {"name": source.name, "url": url, "sha256": checksum,
                                          "credit": source.credit}))
    except (CorruptArchiveError, UnsafeArchiveError) as exc:
        raise _after_bad_archive(exc, archive, url, keep_archive) from None
    except DownloadCancelled:
        raise
    except DownloadError as exc:  # the archive is fine, the disk is not: a second try needs no download
        raise DownloadError(f"{str(exc).rstrip('.')}; the downloaded archive is kept as {archive}, so running "
                            "the same command again only unpacks it.") from None
    if keep_archive:
        return InstallResult(dest, False, archive)
    archive.unlink(missing_ok=True)
    return InstallResult(dest, False, None)
