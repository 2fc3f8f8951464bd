"""Putting a firmware image and a model on the board, checked first, then written in MLTK's order.

Why one function: ``kws board flash``, ``profile`` and ``classify`` and the GUI all do the same steps --
ask the chip what it is, check that image + model fit (nothing is written when they do not), flash the
image, then the model as flatbuffer + length at the end of flash (``--binary --address``), the CPU
halted so it does not start before the serial port is opened.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from workbench.board.commander import Commander
from workbench.board.commander.output import FlashProgress
from workbench.board.flashing.firmware_image import ImageExtent, read_image_extent
from workbench.board.flashing.flash_layout import FlashPlan, check_image_in_flash, model_flash_blob, plan_model
from workbench.board.platforms import DeviceInfo
from workbench.core.errors import DeviceError

MODEL_FILE_NAME = "model.bin"
IMAGE_STEP, MODEL_STEP = "image", "model"

StepProgress = Callable[[str, FlashProgress], None]


@dataclass(frozen=True)
class ProgramResult:
    device: DeviceInfo
    image: ImageExtent | None
    plan: FlashPlan | None  # None when no model was written


def program_board(commander: Commander, *, image: Path | None = None, tflite: bytes | None = None,
                  device: DeviceInfo | None = None, halt: bool = True, on_progress: StepProgress | None = None,
                  cancel: threading.Event | None = None, model_name: str | None = None) -> ProgramResult:
    """Flash ``image`` and/or the model ``tflite``; ``on_progress(step, progress)`` with step ``image``/``model``.

    ``device`` skips the ``device info`` query when the caller already has it; ``model_name`` names the
    model in Commander's errors (the file Commander writes is a temporary one the user never saw).
    """
    device = device or commander.device_info(cancel=cancel)
    extent = read_image_extent(image, device.flash_base) if image is not None else None
    plan = plan_model(device, tflite, extent) if tflite is not None else None
    if plan is None and extent is not None:
        check_image_in_flash(device, extent)
        if extent.end > device.flash_end:
            raise DeviceError(f"The firmware image ({extent.data_bytes} bytes) does not fit in the board's "
                              f"{device.flash_size // 1024} kB flash; nothing was written.")

    def reporter(step: str) -> Callable[[FlashProgress], None] | None:
        if on_progress is None:
            return None
        return lambda progress: on_progress(step, progress)

    if image is not None:
        commander.flash(image, device=device.commander_device, binary=extent is not None and extent.binary,
                        address=device.flash_base if extent is not None and extent.binary else None,
                        halt=halt, on_progress=reporter(IMAGE_STEP), cancel=cancel)
    if tflite is not None and plan is not None:
        with tempfile.TemporaryDirectory(prefix="kws-board-") as folder:
            blob = Path(folder) / MODEL_FILE_NAME
            blob.write_bytes(model_flash_blob(tflite))
            commander.flash(blob, device=device.commander_device, binary=True, address=plan.model_address,
                            halt=halt, on_progress=reporter(MODEL_STEP), cancel=cancel,
                            label=f"the model {model_name}" if model_name else "the model")
    return ProgramResult(device, extent, plan)
