"""Which MLTK platform a chip is, from the part number Simplicity Commander reports.

Why: MLTK's firmware images are built per board (``mltk_model_profiler-brd2601-mvp``), and Commander's
``--device`` argument is per platform, but all the tool can ask the chip is its part number. MLTK maps
one to the other by comparing four fields of the part number with a short table; this module keeps
that table and that rule (``mltk/utils/commander/commander.py``: ``DEVICE_MAPPING``, ``query_platform``)
so a board is identified exactly as ``mltk profile --device`` identifies it. Notably the xG24 radio
board's part ``EFR32MG24B210F1536IM48`` maps to ``brd4186`` and the BRD2601B's ``EFR32MG24B310F1536IM48``
to ``brd2601``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from workbench.core.errors import DeviceError

KIB = 1024
# series >= 23 (xG23, xG24, xG28 ...) map flash at 0x08000000; older parts at 0
FLASH_BASE_SERIES_2 = 0x0800_0000
FLASH_BASE_SERIES_1 = 0x0000_0000
FIRST_SERIES_WITH_HIGH_FLASH_BASE = 23
# where a user gives an image of their own, in the command line's words (the Board tab names the run's image box:
# gui/board/board_outcomes.in_window_terms)
FIRMWARE_HINT = "kws board profile/classify --firmware FILE"

# platform -> Commander device names; the first entry is what ``--device`` gets (MLTK's table)
DEVICE_MAPPING: dict[str, tuple[str, ...]] = {
    "brd4166": ("EFR32MG12P332F1024GL125",),
    "brd4186": ("EFR32MG24AxxxF1536", "EFR32MG24B210F1536IM48"),
    "brd2601": ("EFR32MG24BxxxF1536", "EFR32MG24B110F1536GM48", "EFR32MG24B310F1536IM48"),
    "brd2204": ("EFM32GG11B820F2048GL192",),
    "brd4401": ("EFR32XG28BxxxF1024", "EFR32ZG28B322F1024IM68"),
    "brd2705": ("EFR32XG28BxxxF1024", "EFR32ZG28B312F1024IM48"),
}

# family, sub-family, series, revision letter, feature code, flash kB, package
_PART_NUMBER = re.compile(r"(EFM32|EFR32)([A-Z]{2})(\d{2})([A-Z])(\d{3})F(\d+)([A-Z0-9]+)", re.IGNORECASE)


@dataclass(frozen=True)
class PartNumber:
    """The fields of an EFM32/EFR32 part number, e.g. ``EFR32MG24B310F1536IM48``."""

    text: str
    family: str
    subfamily: str
    series: str
    revision: str
    feature: str
    flash_kb: int
    package: str

    @classmethod
    def parse(cls, text: str) -> "PartNumber":
        match = _PART_NUMBER.search(text)
        if match is None:
            raise DeviceError(f"{text!r} is not an EFM32/EFR32 part number.")
        family, sub, series, rev, feature, flash, package = match.groups()
        return cls(text, family.upper(), sub.upper(), series, rev.upper(), feature, int(flash), package.upper())


def platform_of(part_number: str) -> str | None:
    """MLTK's platform name for a part number, or None when MLTK has no firmware for it.

    The rule is MLTK's: a table entry matches when its family (characters 0-5), series ([7:9]),
    revision letter ([9]) and feature code ([10:13]) equal the part number's, in table order.
    """
    try:
        part = PartNumber.parse(part_number)
    except DeviceError:
        return None  # e.g. a BGM/MGM module: not a part MLTK has firmware for
    for platform, names in DEVICE_MAPPING.items():
        for name in names:
            if (name[:5].upper() == part.family and name[7:9] == part.series
                    and name[9].upper() == part.revision and name[10:13] == part.feature):
                return platform
    return None


def commander_device(platform: str) -> str:
    """The ``--device`` name Commander gets for a platform (the first entry of MLTK's table)."""
    try:
        return DEVICE_MAPPING[platform.lower()][0]
    except KeyError:
        raise DeviceError(f"Unknown board platform {platform!r}; known: {', '.join(DEVICE_MAPPING)}.") from None


def supported_platforms_text() -> str:
    return ", ".join(f"{p} ({names[-1]})" for p, names in DEVICE_MAPPING.items())


@dataclass(frozen=True)
class DeviceInfo:
    """What ``commander device info`` reports about the chip, and what follows from it."""

    part_number: str
    die_revision: str
    production_version: int
    flash_size: int  # bytes
    sram_size: int  # bytes
    unique_id: str

    @property
    def platform(self) -> str | None:
        return platform_of(self.part_number)

    @property
    def flash_base(self) -> int:
        series = int(PartNumber.parse(self.part_number).series)
        return FLASH_BASE_SERIES_2 if series >= FIRST_SERIES_WITH_HIGH_FLASH_BASE else FLASH_BASE_SERIES_1

    @property
    def flash_end(self) -> int:
        return self.flash_base + self.flash_size

    @property
    def commander_device(self) -> str:
        """``--device`` for Commander: the platform's name in MLTK's table, else the part number itself."""
        platform = self.platform
        return commander_device(platform) if platform is not None else self.part_number

    def require_platform(self) -> str:
        """The platform, or a clear error naming the boards MLTK has firmware for."""
        platform = self.platform
        if platform is None:
            raise DeviceError(f"The connected chip {self.part_number} is not a board MLTK has firmware for "
                              f"(supported: {supported_platforms_text()}); give your own image ({FIRMWARE_HINT}).")
        return platform

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        try:
            base: str | None = f"0x{self.flash_base:08X}"
        except DeviceError:
            base = None
        data.update(flash_kb=self.flash_size // KIB, sram_kb=self.sram_size // KIB, platform=self.platform,
                    flash_base=base)
        return data
