"""Where MLTK's firmware looks for the model in flash, and whether image and model fit.

Why this layout: MLTK's profiler and classifier firmware read a 4-byte little-endian length at the very
end of flash (``FLASH_BASE + FLASH_SIZE - 4``) and the flatbuffer just before it
(``mltk_tflite_micro_model_helper.cc``). So the model is written as flatbuffer + length, ending exactly at
the flash end, with no alignment (``mltk/utils/firmware_apps``). The size check comes first so a model
that does not fit is refused before anything is written.

Why pages matter: Commander erases whole flash pages before it programs (FORMATS.md section 5), so writing
the model clears everything from the start of the model's first page -- up to a page before the model's
address. An image must end before that erase start, not merely before the model.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from workbench.board.flashing.firmware_image import ImageExtent
from workbench.board.platforms import DeviceInfo
from workbench.core.errors import DeviceError

LENGTH_TRAILER = struct.Struct("<L")  # the flatbuffer's length, after it
# Commander's erase unit on the xG24 (FORMATS.md section 5); older series have smaller pages, so assuming
# 8 KiB everywhere can only refuse more, never let an erase reach an image
FLASH_PAGE_BYTES = 8 * 1024


def model_flash_blob(tflite: bytes) -> bytes:
    """The bytes written for a model: the flatbuffer followed by its length (4 bytes, little-endian)."""
    return bytes(tflite) + LENGTH_TRAILER.pack(len(tflite))


def erase_start(device: DeviceInfo, address: int) -> int:
    """The start of the flash page holding ``address``: where Commander's erase for a write there begins."""
    return device.flash_base + (address - device.flash_base) // FLASH_PAGE_BYTES * FLASH_PAGE_BYTES


def commander_address(address: int) -> str:
    """``--address`` as Commander takes it: 8 hex digits, upper case, no ``0x``."""
    return f"{address:08X}"


@dataclass(frozen=True)
class FlashPlan:
    """Where the model goes and the figures the fit was checked with."""

    model_address: int
    model_bytes: int  # flatbuffer + trailer
    image_bytes: int  # 0 when no image is flashed
    flash_size: int
    flash_end: int
    erase_start: int  # the model's first page: everything from here to the flash end is erased

    @property
    def trailer_address(self) -> int:
        return self.flash_end - LENGTH_TRAILER.size

    @property
    def free_bytes(self) -> int:
        return self.flash_size - self.model_bytes - self.image_bytes


def check_image_in_flash(device: DeviceInfo, image: ImageExtent) -> None:
    """DeviceError (nothing written) when the image's data lie outside the chip's flash.

    Why its own check: an image linked for RAM or another chip (data at 0x20000000, or at 0 on a chip
    whose flash starts at 0x08000000) is not "too large"; saying so would send the user the wrong way.
    """
    if image.binary:
        return  # a raw .bin is written at the flash base: only its size matters
    if image.start < device.flash_base or image.start >= device.flash_end:
        raise DeviceError(f"The firmware image's data lie at 0x{image.start:08X}-0x{image.end:08X}, outside the "
                          f"board's flash (0x{device.flash_base:08X}-0x{device.flash_end:08X}): is it built for "
                          "this board? Nothing was written.")


def plan_model(device: DeviceInfo, tflite: bytes, image: ImageExtent | None = None) -> FlashPlan:
    """The model's place at the end of flash; DeviceError (nothing written) when it does not fit.

    With an ``image``, the image must lie in flash, MLTK's rule (image bytes + model bytes <= flash size)
    applies and the image must end before the model's page erase starts (:func:`erase_start`).
    """
    blob_bytes = len(tflite) + LENGTH_TRAILER.size
    image_bytes = image.data_bytes if image is not None else 0
    address = device.flash_end - blob_bytes
    flash_text = f"the board's {device.flash_size // 1024} kB flash ({device.flash_size} bytes)"
    if image is not None:
        check_image_in_flash(device, image)
    if image is None and blob_bytes > device.flash_size:
        raise DeviceError(f"The model ({blob_bytes} bytes with its length) exceeds {flash_text}; nothing was "
                          "written.")
    if image_bytes + blob_bytes > device.flash_size:
        raise DeviceError(f"The model ({blob_bytes} bytes with its length) and the firmware image ({image_bytes} "
                          f"bytes) exceed {flash_text}; nothing was written.")
    erased_from = erase_start(device, address)
    if image is not None and image.end > erased_from:
        raise DeviceError(f"The firmware image reaches 0x{image.end:08X}, past where the model must start "
                          f"(0x{address:08X}) once Commander erases its whole {FLASH_PAGE_BYTES // 1024} KiB pages "
                          f"from 0x{erased_from:08X}, which would erase the image's end: use a smaller model or "
                          "image; nothing was written.")
    return FlashPlan(address, blob_bytes, image_bytes, device.flash_size, device.flash_end, erased_from)
