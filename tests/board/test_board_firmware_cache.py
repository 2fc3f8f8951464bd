"""Firmware download cache against a local HTTP server (the real urllib path, real files)."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest
from sim_images import s37_text  # tests/board/sim

from workbench.board.errors import Cancelled
from workbench.board.firmware.cache import FirmwareCache, FirmwareDownloadError
from workbench.board.firmware.catalog import (CLASSIFIER_APP, PROFILER_APP, FirmwareEntry, catalog, find_entry)
from workbench.core.errors import WorkbenchError

NAME = "mltk_model_profiler-brd2601-mvp"


def _archive(name: str = NAME, payload: bytes = b"MLTKAPP=model_profiler;ACC=mvp;" * 100) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{name}.s37", s37_text(payload))
        zf.writestr("README.txt", "test archive")
    return buf.getvalue()


def _entry(server, data: bytes, path: str = "/fw.zip", sha1: str | None = None) -> FirmwareEntry:
    server.files[path] = data
    return FirmwareEntry(NAME, server.url(path), sha1 or hashlib.sha1(data).hexdigest())


def test_downloads_once_checks_and_caches(server, tmp_path: Path) -> None:
    data = _archive()
    entry = _entry(server, data)
    cache = FirmwareCache(tmp_path / "cache")
    progress = []
    image = cache.get(entry, on_progress=lambda done, total: progress.append((done, total)))
    assert image == tmp_path / "cache" / NAME / f"{NAME}.s37"
    assert image.read_text().startswith("S0") and "S3" in image.read_text()
    assert progress[-1] == (len(data), len(data))
    assert cache.get(entry) == image and server.requests == ["/fw.zip"]  # the second time from the cache
    assert sorted(p.name for p in image.parent.iterdir()) == [image.name]  # no temporary files left


def test_a_wrong_checksum_caches_nothing(server, tmp_path: Path) -> None:
    entry = _entry(server, _archive(), sha1="0" * 40)
    cache = FirmwareCache(tmp_path / "cache")
    with pytest.raises(FirmwareDownloadError, match="does not match its published SHA-1"):
        cache.get(entry)
    assert cache.cached(entry) is None and list((tmp_path / "cache" / NAME).iterdir()) == []


def test_a_dropped_connection_caches_nothing(server, tmp_path: Path) -> None:
    entry = _entry(server, _archive())
    server.drop.add("/fw.zip")
    cache = FirmwareCache(tmp_path / "cache")
    with pytest.raises(FirmwareDownloadError, match=NAME):
        cache.get(entry)
    assert cache.cached(entry) is None
    server.drop.clear()
    assert cache.get(entry).is_file()  # the next try works


def test_missing_file_bad_archive_and_cancel(server, tmp_path: Path) -> None:
    cache = FirmwareCache(tmp_path / "cache")
    with pytest.raises(FirmwareDownloadError, match="404|Not Found"):
        cache.get(FirmwareEntry(NAME, server.url("/nothing.zip"), "0" * 40))
    with pytest.raises(FirmwareDownloadError, match="holds no"):
        cache.get(_entry(server, _archive(name="other"), path="/other.zip"))
    with pytest.raises(FirmwareDownloadError, match="cannot be read"):
        cache.get(_entry(server, b"not a zip at all", path="/junk.zip"))
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        cache.get(_entry(server, _archive()), cancel=cancel)
    assert cache.cached(FirmwareEntry(NAME, "", "")) is None


def test_no_server_gives_a_clear_sentence(tmp_path: Path) -> None:
    entry = FirmwareEntry(NAME, "http://127.0.0.1:9/fw.zip", "0" * 40)
    with pytest.raises(FirmwareDownloadError, match=r"give an image \(kws board profile/classify --firmware FILE"):
        FirmwareCache(tmp_path).get(entry)


def test_catalog_has_mltks_images_and_takes_a_local_catalog(monkeypatch, tmp_path: Path) -> None:
    entry = find_entry(PROFILER_APP, "brd2601", "mvp")
    assert entry.name == NAME and entry.sha1 == "db234da4a2d86089c0e92ed6a3544b2f15f00ca8"
    assert entry.url.startswith("https://github.com/SiliconLabs/mltk_assets/")
    assert find_entry(CLASSIFIER_APP, "brd2601", "none").name == "mltk_audio_classifier-brd2601-none"
    with pytest.raises(WorkbenchError, match="no published audio classifier|publishes no audio classifier"):
        find_entry(CLASSIFIER_APP, "brd4186", "mvp")
    with pytest.raises(WorkbenchError, match="available: mvp, none"):
        find_entry(PROFILER_APP, "brd2601", "other")
    local = tmp_path / "catalog.json"
    mirror = {"url": "http://mirror/x.zip", "sha1": "a" * 40}
    local.write_text(json.dumps({"mltk_audio_classifier-brd4186-mvp": mirror}))
    monkeypatch.setenv("KWS_FIRMWARE_CATALOG", str(local))
    assert catalog()["mltk_audio_classifier-brd4186-mvp"].url == "http://mirror/x.zip"
    local.write_text("{not json")
    with pytest.raises(WorkbenchError, match="Cannot read the firmware catalog"):
        catalog()
