"""Putting a firmware image and a model on the board, checked first, then written in MLTK's order.

Why one function: ``kws board flash``, ``profile`` and ``classify`` and the GUI all do the same steps --
ask the chip what it is, check that image + model fit (nothing is written when they do not), flash the
image, then the model as flatbuffer + length at the end of flash (``--binary --address``), the CPU
halted so it does not start before the serial port is opened. A model flashed alone is checked against the
image the workbench last flashed on that chip (:mod:`.flashed_images`); a stop during a write says what
is left on the board (:class:`~workbench.board.errors.FlashInterrupted`).
"""

from __future__ import annotations

import tempfile
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from workbench.board.commander import Commander
from workbench.board.commander.output import FlashProgress
from workbench.board.errors import Cancelled, FlashInterrupted
from workbench.board.flashing.firmware_image import ImageExtent, read_image_extent
from workbench.board.flashing.flash_layout import (FLASH_PAGE_BYTES, FlashPlan, check_image_in_flash,
                                                   model_flash_blob, plan_model)
from workbench.board.flashing.flashed_images import FlashedImages
from workbench.board.platforms import DeviceInfo
from workbench.core.errors import DeviceError, temp_folder_problem

MODEL_FILE_NAME = "model.bin"
IMAGE_STEP, MODEL_STEP = "image", "model"

StepProgress = Callable[[str, FlashProgress], None]
KIB = 1024


@dataclass(frozen=True)
class ProgramResult:
    device: DeviceInfo
    image: ImageExtent | None
    plan: FlashPlan | None  # None when no model was written


def check_resident_image(device: DeviceInfo, plan: FlashPlan, images: FlashedImages,
                         warn: Callable[[str], None] | None) -> None:
    """Before a model is flashed alone: DeviceError (nothing written) when its page erase would reach the image
    the workbench last flashed on this chip; a warning through ``warn`` when that image is unknown."""
    resident = images.get(device.unique_id) if device.unique_id else None
    pages = f"{FLASH_PAGE_BYTES // KIB} KiB"
    if resident is None:
        if warn is not None:
            warn(f"kws has no record of a complete firmware image on this board (flashed by another tool, or its "
                 f"write failed), so its end is unknown: if it reaches past 0x{plan.erase_start:08X}, where the "
                 f"model's {pages} page erase starts, its end will be erased (flash the image and the model "
                 "together to have this checked)")
        return
    if resident.end > plan.erase_start:
        raise DeviceError(f"The model's flash erase starts at 0x{plan.erase_start:08X} (whole {pages} pages), "
                          f"inside the firmware image {resident.name} flashed on this board on {resident.flashed} "
                          f"(it reaches 0x{resident.end:08X}): use a smaller model, or flash the image and the model "
                          "together; nothing was written.")


def _staged_model(stack: ExitStack, tflite: bytes) -> Path:
    """The model as the firmware reads it from flash, in a temporary file that lives as long as ``stack``;
    DeviceError saying where and why when the temp dir cannot take it (nothing is written to the board yet)."""
    try:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="kws-board-"))
        blob = Path(folder) / MODEL_FILE_NAME
        blob.write_bytes(model_flash_blob(tflite))
    except OSError as exc:
        raise DeviceError(temp_folder_problem("flashing the model", None, exc) + "; nothing was written to the "
                          "board.") from None
    return blob


def program_board(commander: Commander, *, image: Path | None = None, tflite: bytes | None = None,
                  device: DeviceInfo | None = None, halt: bool = True, on_progress: StepProgress | None = None,
                  cancel: threading.Event | None = None, model_name: str | None = None,
                  images: FlashedImages | None = None, warn: Callable[[str], None] | None = None) -> ProgramResult:
    """Flash ``image`` and/or the model ``tflite``; ``on_progress(step, progress)`` with step ``image``/``model``.

    ``device`` skips the ``device info`` query when the caller already has it; ``model_name`` names the
    model in Commander's errors (the file Commander writes is a temporary one the user never saw).
    ``images`` records what was flashed per chip (default: the user data folder); ``warn`` gets the
    warnings (a model flashed over an unknown image, a record that could not be written).
    """
    device = device or commander.device_info(cancel=cancel)
    images = images if images is not None else FlashedImages()
    extent = read_image_extent(image, device.flash_base) if image is not None else None
    plan = plan_model(device, tflite, extent) if tflite is not None else None
    if plan is None and extent is not None:
        check_image_in_flash(device, extent)
        if extent.end > device.flash_end:
            raise DeviceError(f"The firmware image ({extent.data_bytes} bytes) does not fit in the board's "
                              f"{device.flash_size // 1024} kB flash; nothing was written.")
    if plan is not None and extent is None:
        check_resident_image(device, plan, images, warn)

    def reporter(step: str) -> Callable[[FlashProgress], None] | None:
        if on_progress is None:
            return None
        return lambda progress: on_progress(step, progress)

    with ExitStack() as stack:
        # the model's flash blob is staged before anything is written: a full or read-only temp dir then leaves the
        # board as it was, instead of failing between the image and the model (a half-flashed board)
        blob = _staged_model(stack, tflite) if tflite is not None and plan is not None else None
        if image is not None and extent is not None:
            if device.unique_id:
                images.forget(device.unique_id)  # until the write completes, the board holds no known image
            try:
                commander.flash(image, device=device.commander_device, binary=extent.binary,
                                address=device.flash_base if extent.binary else None,
                                halt=halt, on_progress=reporter(IMAGE_STEP), cancel=cancel)
            except Cancelled:
                model = " and the model was not written" if tflite is not None else ""
                raise FlashInterrupted(f"the flash is incomplete: {image.name} may be only partly written{model}; "
                                       "flash the board again before using it") from None
            problem = images.remember(device.unique_id, image.name, extent) if device.unique_id else None
            if problem is not None and warn is not None:
                warn(problem)
        if blob is not None and plan is not None:
            try:
                commander.flash(blob, device=device.commander_device, binary=True, address=plan.model_address,
                                halt=halt, on_progress=reporter(MODEL_STEP), cancel=cancel,
                                label=f"the model {model_name}" if model_name else "the model")
            except Cancelled:
                done = f"{image.name} is complete, but " if image is not None else ""
                raise FlashInterrupted(f"the flash is incomplete: {done}the model may be only partly written (the "
                                       "firmware then uses its built-in model); flash the model again before "
                                       "using the board") from None
    return ProgramResult(device, extent, plan)
