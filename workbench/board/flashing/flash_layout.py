"""Where MLTK's firmware looks for the model in flash, and whether image and model fit.

Why this layout: MLTK's profiler and classifier firmware read a 4-byte little-endian length at the very
end of flash (``FLASH_BASE + FLASH_SIZE - 4``) and the flatbuffer just before it
(``mltk_tflite_micro_model_helper.cc``). So the model is written as flatbuffer + length, ending exactly at
the flash end, with no alignment (``mltk/utils/firmware_apps``). The size check comes first so a model
that does not fit is refused before anything is written.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from workbench.board.flashing.firmware_image import ImageExtent
from workbench.board.platforms import DeviceInfo
from workbench.core.errors import DeviceError

LENGTH_TRAILER = struct.Struct("<L")  # the flatbuffer's length, after it


def model_flash_blob(tflite: bytes) -> bytes:
    """The bytes written for a model: the flatbuffer followed by its length (4 bytes, little-endian)."""
    return bytes(tflite) + LENGTH_TRAILER.pack(len(tflite))


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

    @property
    def trailer_address(self) -> int:
        return self.flash_end - LENGTH_TRAILER.size

    @property
    def free_bytes(self) -> int:
        return self.flash_size - self.model_bytes - self.image_bytes


def plan_model(device: DeviceInfo, tflite: bytes, image: ImageExtent | None = None) -> FlashPlan:
    """The model's place at the end of flash; DeviceError (nothing written) when it does not fit.

    With an ``image``, both MLTK's rule (image bytes + model bytes <= flash size) and an overlap check
    (the image must end before the model starts) apply.
    """
    blob_bytes = len(tflite) + LENGTH_TRAILER.size
    image_bytes = image.data_bytes if image is not None else 0
    address = device.flash_end - blob_bytes
    if image_bytes + blob_bytes > device.flash_size:
        raise DeviceError(f"The model ({blob_bytes} bytes with its length) and the firmware image ({image_bytes} "
                          f"bytes) exceed the board's {device.flash_size // 1024} kB flash "
                          f"({device.flash_size} bytes); nothing was written.")
    if image is not None and image.end > address:
        raise DeviceError(f"The firmware image reaches 0x{image.end:08X}, past where the model must start "
                          f"(0x{address:08X}); nothing was written.")
    if image is not None and image.start < device.flash_base:
        raise DeviceError(f"The firmware image starts at 0x{image.start:08X}, below the flash "
                          f"(0x{device.flash_base:08X}): is it built for this board? Nothing was written.")
    return FlashPlan(address, blob_bytes, image_bytes, device.flash_size, device.flash_end)
