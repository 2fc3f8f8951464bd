"""Test firmware images: real Motorola S-record (``.s37``) files, as Commander and MLTK take them.

The simulated board decides what to run from an ``MLTKAPP=<app>;ACC=<accelerator>`` tag at the start of
the image's data, the way a real image's code decides what the chip does.
"""

from __future__ import annotations

from pathlib import Path

RECORD_DATA = 32
FLASH_BASE = 0x08000000


def app_tag(app: str, accelerator: str = "mvp") -> bytes:
    return f"MLTKAPP={app};ACC={accelerator};".encode("ascii")


def _record(kind: str, address: int, width: int, data: bytes) -> str:
    body = bytes([width + len(data) + 1]) + address.to_bytes(width, "big") + data
    return f"{kind}{body.hex().upper()}{(~sum(body)) & 0xFF:02X}"


def s37_text(data: bytes, address: int = FLASH_BASE) -> str:
    lines = [_record("S0", 0, 2, b"kws-test")]
    for offset in range(0, len(data), RECORD_DATA):
        lines.append(_record("S3", address + offset, 4, data[offset:offset + RECORD_DATA]))
    lines.append(_record("S7", address, 4, b""))
    return "\n".join(lines) + "\n"


def write_image(path: Path, app: str, accelerator: str = "mvp", size: int = 4096,
                address: int = FLASH_BASE) -> Path:
    """An .s37 of ``size`` data bytes starting with the app tag (the rest a fixed pattern)."""
    tag = app_tag(app, accelerator)
    data = tag + bytes((i * 7 + 3) & 0xFF for i in range(size - len(tag)))
    path.write_text(s37_text(data, address))
    return path


def s19_text(data: bytes, address: int = 0) -> str:
    """``data`` as S1 records (16-bit addresses, an ``.s19`` file) from ``address``."""
    lines = [_record("S0", 0, 2, b"kws-test")]
    for offset in range(0, len(data), RECORD_DATA):
        lines.append(_record("S1", address + offset, 2, data[offset:offset + RECORD_DATA]))
    lines.append(_record("S9", address, 2, b""))
    return "\n".join(lines) + "\n"
