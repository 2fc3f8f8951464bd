"""How many bytes a firmware image puts in flash, and where: ``.s37`` (S-records), ``.hex`` and ``.bin``.

Why: the model goes at the end of flash, so before anything is written we must know whether the image
and the model fit together (MLTK's rule: image bytes + model bytes <= flash size) and that the image
does not reach into the model's place. MLTK reads ``.s37`` files with ``bincopy``; this is a small
reader of the two text formats Commander takes (Motorola S-records, Intel HEX), checksums included,
so a truncated or corrupt image is refused with the line that is wrong -- or, for a file cut at a line
boundary, with its missing end record (S7/S8/S9, Intel HEX's EOF), which every complete image ends with.
Records after the end record are refused too (two images joined into one file, or a damaged one): whether they
would be written is the programmer's guess, and the size check would count bytes that may not be flashed. An
empty file of any kind is refused: there is nothing to flash.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.core.errors import DeviceError

S37_SUFFIXES = (".s37", ".srec", ".s19", ".s28", ".mot")
HEX_SUFFIXES = (".hex", ".ihex")
BIN_SUFFIX = ".bin"
# what a file dialog offers for an image ("*.s37 *.srec … *.bin")
IMAGE_PATTERNS = " ".join(f"*{suffix}" for suffix in (*S37_SUFFIXES, *HEX_SUFFIXES, BIN_SUFFIX))
MAX_IMAGE_BYTES = 64 * 1024 * 1024  # no microcontroller image is larger; refuses the wrong file early
_SREC_ADDRESS_BYTES = {"1": 2, "2": 3, "3": 4}  # data records S1/S2/S3
_SREC_TERMINATION = ("7", "8", "9")  # S7/S8/S9 end the S3/S2/S1 records of a file
SREC_END = "S7/S8/S9 termination record"
HEX_END = "end-of-file record (:00000001FF)"
_HEX_DATA, _HEX_EOF, _HEX_SEGMENT, _HEX_LINEAR = 0, 1, 2, 4
_SEGMENT_SHIFT, _LINEAR_SHIFT = 4, 16


@dataclass(frozen=True)
class ImageExtent:
    """Data bytes of an image and the address range they cover (``end`` exclusive)."""

    data_bytes: int
    start: int
    end: int
    binary: bool = False  # a raw .bin: written with ``--binary`` at the flash base


def _hex_bytes(text: str, path: Path, line_no: int) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise DeviceError(f"{path} is not a valid firmware image (line {line_no} is not hexadecimal).") from None


def _no_data(path: Path) -> DeviceError:
    return DeviceError(f"{path} holds no data to flash.")


def _cut_short(path: Path, last_line: int, end_record: str) -> DeviceError:
    return DeviceError(f"{path} is cut short: it ends at line {last_line} without the {end_record} a complete "
                       "image ends with; get the whole file again.")


def _after_end(path: Path, line_no: int, end_record: str) -> DeviceError:
    return DeviceError(f"{path} goes on after its {end_record} (line {line_no}): it is not one image (two files "
                       "joined, or a damaged one); get the image again.")


def _extent(path: Path, ranges: list[tuple[int, int]]) -> ImageExtent:
    if not ranges:
        raise _no_data(path)
    return ImageExtent(sum(length for _, length in ranges), min(a for a, _ in ranges),
                       max(a + length for a, length in ranges))


def read_srec(path: Path, text: str) -> ImageExtent:
    ranges: list[tuple[int, int]] = []
    last_line, terminated = 0, False
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        last_line = line_no
        if terminated:
            raise _after_end(path, line_no, SREC_END)
        if len(line) < 4 or line[0] != "S":
            raise DeviceError(f"{path} is not a valid .s37 image (line {line_no} is not an S-record).")
        record = _hex_bytes(line[2:], path, line_no)
        if len(record) < 1 or record[0] != len(record) - 1:
            raise DeviceError(f"{path} is not a valid .s37 image (line {line_no} has the wrong length).")
        if (sum(record) & 0xFF) != 0xFF:
            raise DeviceError(f"{path} is corrupt (checksum error on line {line_no}).")
        address_bytes = _SREC_ADDRESS_BYTES.get(line[1])
        if address_bytes is not None:
            address = int.from_bytes(record[1:1 + address_bytes], "big")
            ranges.append((address, len(record) - 2 - address_bytes))
        terminated = terminated or line[1] in _SREC_TERMINATION
    if last_line and not terminated:
        raise _cut_short(path, last_line, SREC_END)
    return _extent(path, ranges)


def read_intel_hex(path: Path, text: str) -> ImageExtent:
    ranges: list[tuple[int, int]] = []
    base = 0
    last_line, ended = 0, False
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        last_line = line_no
        if ended:
            raise _after_end(path, line_no, HEX_END)
        if line[0] != ":":
            raise DeviceError(f"{path} is not a valid .hex image (line {line_no} does not start with ':').")
        record = _hex_bytes(line[1:], path, line_no)
        if len(record) < 5 or record[0] != len(record) - 5:
            raise DeviceError(f"{path} is not a valid .hex image (line {line_no} has the wrong length).")
        if sum(record) & 0xFF:
            raise DeviceError(f"{path} is corrupt (checksum error on line {line_no}).")
        kind, data = record[3], record[4:-1]
        if kind == _HEX_DATA:
            ranges.append((base + int.from_bytes(record[1:3], "big"), len(data)))
        elif kind == _HEX_SEGMENT:
            base = int.from_bytes(data, "big") << _SEGMENT_SHIFT
        elif kind == _HEX_LINEAR:
            base = int.from_bytes(data, "big") << _LINEAR_SHIFT
        elif kind == _HEX_EOF:
            ended = True
    if last_line and not ended:
        raise _cut_short(path, last_line, HEX_END)
    return _extent(path, ranges)


def read_image_extent(path: str | Path, flash_base: int = 0) -> ImageExtent:
    """The extent of a ``.s37``/``.hex``/``.bin`` image; DeviceError for a missing or invalid file."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DeviceError(f"Firmware image not found: {path}") from None
    except OSError as exc:
        raise DeviceError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if path.is_dir():
        raise DeviceError(f"{path} is a folder, not a firmware image.")
    if size > MAX_IMAGE_BYTES:
        raise DeviceError(f"{path} is {size} bytes: too large to be a firmware image.")
    suffix = path.suffix.lower()
    if suffix == BIN_SUFFIX:
        if size == 0:
            raise _no_data(path)
        return ImageExtent(size, flash_base, flash_base + size, binary=True)
    if suffix not in S37_SUFFIXES + HEX_SUFFIXES:
        raise DeviceError(f"{path}: unknown firmware image type {suffix or '(none)'}; use a .s37, .hex or .bin file.")
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        raise DeviceError(f"{path} is not a valid firmware image (not text).") from None
    except OSError as exc:
        raise DeviceError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    return read_srec(path, text) if suffix in S37_SUFFIXES else read_intel_hex(path, text)
