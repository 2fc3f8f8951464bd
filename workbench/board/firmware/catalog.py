"""The firmware images Silicon Labs publishes for MLTK's model profiler and audio classifier.

Why a table: ``mltk profile --device`` and ``mltk classify_audio --device`` download a prebuilt image per
board and accelerator from the URLs in MLTK's ``mltk/utils/firmware_apps/download_urls.yaml`` (MLTK 0.20),
each with the SHA-1 of the published archive. The workbench uses the same images, checked the same way.
Not every board has every app: brd4186 has profiler images only. ``$KWS_FIRMWARE_CATALOG`` may name a
JSON file ``{"<image name>": {"url": …, "sha1": …}}`` that adds or replaces entries (a mirror, or your
own builds).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from workbench.board.platforms import FIRMWARE_HINT
from workbench.core.errors import SettingsError, WorkbenchError

PROFILER_APP = "mltk_model_profiler"
CLASSIFIER_APP = "mltk_audio_classifier"
CATALOG_ENV = "KWS_FIRMWARE_CATALOG"
_ASSETS = "https://github.com/SiliconLabs/mltk_assets/raw/master/applications"

# image name -> (the archive name's hash suffix, SHA-1 of the archive), from MLTK 0.20's download_urls.yaml;
# the archive is <assets>/<app>/<image name>-<suffix>.zip
_PUBLISHED: dict[str, tuple[str, str]] = {
    "mltk_audio_classifier-brd2204-none": ("a90279b7", "9f41e52b82e0cf98b00620c97f02f589bf5b6a4f"),
    "mltk_audio_classifier-brd2601-mvp": ("b5e48235", "681b4b7f0c967a025009f0868a736011320d48e2"),
    "mltk_audio_classifier-brd2601-none": ("72bf8a24", "72990d94e89858e5c7255a8be0df95fce2e0dd9b"),
    "mltk_audio_classifier-brd4166-none": ("a815ad2b", "270ccaf5c14fb40f554822aa0cfa9c2d5a54ee31"),
    "mltk_model_profiler-brd2204-none": ("d16c261d", "7e5dc351fd2ef5e7e4b4a3941c6adedf4ffd9cad"),
    "mltk_model_profiler-brd2601-mvp": ("72ed12bc", "db234da4a2d86089c0e92ed6a3544b2f15f00ca8"),
    "mltk_model_profiler-brd2601-none": ("0da859ec", "6e821d0bab8e63957c5a999a9628ee6604d6d7ef"),
    "mltk_model_profiler-brd4166-none": ("1f252984", "8784917b807db81a6b4a5e003455e71f355d5446"),
    "mltk_model_profiler-brd4186-mvp": ("de95dfa7", "f6c51701e04a0f78fe5f6bfa6ac6e3c643f0a693"),
    "mltk_model_profiler-brd4186-none": ("139a7adf", "da10b916e9cc3e19a876aa68be5f6745abe7a23d"),
    "mltk_model_profiler-brd4401-mvp": ("b58a149c", "3971902ed055e4df6518e470c128b4047d1316cc"),
    "mltk_model_profiler-brd4401-none": ("baff9edb", "7791b91dbe08e48695f1094e3c85ab631425e8ad"),
}
OFFICIAL: dict[str, tuple[str, str]] = {  # image name -> (archive URL, SHA-1)
    name: (f"{_ASSETS}/{name.split('-', 1)[0]}/{name}-{suffix}.zip", sha1)
    for name, (suffix, sha1) in _PUBLISHED.items()}
SHA1_HEX_DIGITS = 40


@dataclass(frozen=True)
class FirmwareEntry:
    """One published image: ``name`` (``<app>-<platform>-<accelerator>``), archive URL and its SHA-1."""

    name: str
    url: str
    sha1: str

    @property
    def image_file_name(self) -> str:
        return f"{self.name}.s37"  # the archive holds <name>.s37 (MLTK's get_image)


def image_name(app: str, platform: str, accelerator: str | None) -> str:
    return f"{app}-{platform}-{accelerator or 'none'}".lower()


def _extra_entries() -> dict[str, tuple[str, str]]:
    path = os.environ.get(CATALOG_ENV)
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"Cannot read the firmware catalog {path} (${CATALOG_ENV}): {exc}.") from None
    entries: dict[str, tuple[str, str]] = {}
    for name, item in (data.items() if isinstance(data, dict) else ()):
        url, sha1 = (item or {}).get("url"), str((item or {}).get("sha1", "")).lower()
        if not isinstance(url, str) or len(sha1) != SHA1_HEX_DIGITS:
            raise SettingsError(f"Firmware catalog {path}: entry {name!r} needs a url and a 40-digit sha1.")
        entries[str(name).lower()] = (url, sha1)
    return entries


def catalog() -> dict[str, FirmwareEntry]:
    """Every known image (official, then ``$KWS_FIRMWARE_CATALOG`` on top)."""
    merged = {**OFFICIAL, **_extra_entries()}
    return {name: FirmwareEntry(name, url, sha1) for name, (url, sha1) in merged.items()}


def find_entry(app: str, platform: str, accelerator: str | None) -> FirmwareEntry:
    """The published image of ``app`` for a board; a clear error when Silicon Labs publishes none."""
    entries = catalog()
    name = image_name(app, platform, accelerator)
    if name in entries:
        return entries[name]
    other = [n for n in entries if n.startswith(f"{app}-{platform.lower()}-")]
    what = "profiler" if app == PROFILER_APP else "audio classifier"
    if other:
        accelerators = ", ".join(n.rsplit("-", 1)[1] for n in other)
        raise WorkbenchError(f"There is no published {what} image for {platform} with accelerator "
                             f"{accelerator or 'none'} (available: {accelerators}).")
    raise WorkbenchError(f"MLTK publishes no {what} image for {platform}; build one and give it "
                         f"({FIRMWARE_HINT}).")
