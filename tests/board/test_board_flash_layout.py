"""Firmware image extents, the model's place at the end of flash, and programming through the stand-in."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from sim_images import s37_text, write_image  # tests/board/sim

from workbench.board.commander import Commander
from workbench.board.flashing.firmware_image import ImageExtent, read_image_extent
from workbench.board.flashing.flash_layout import commander_address, model_flash_blob, plan_model
from workbench.board.platforms import DeviceInfo
from workbench.board.flashing.programming import program_board
from workbench.core.errors import DeviceError

XG24 = DeviceInfo("EFR32MG24B310F1536IM48", "A1", 2, 1536 * 1024, 256 * 1024, "881a14fffe2f49c6")
SEED_MODEL_BYTES = 21_608  # FORMATS.md: such a model is found at 0x0817AB94


def test_model_blob_and_address_match_what_the_firmware_reads() -> None:
    tflite = bytes(range(256)) * 84 + b"\x01" * (SEED_MODEL_BYTES - 256 * 84)
    blob = model_flash_blob(tflite)
    assert blob[:-4] == tflite and struct.unpack("<L", blob[-4:]) == (SEED_MODEL_BYTES,)
    plan = plan_model(XG24, tflite)
    # FORMATS.md: Commander writes 21612 bytes at 0817AB94; the firmware finds the .tflite at 0x0817AB94
    assert plan.model_address == 0x0817AB94 and plan.model_bytes == 21_612
    assert plan.model_address + plan.model_bytes == 0x08180000 and plan.trailer_address == 0x0817FFFC
    assert commander_address(plan.model_address) == "0817AB94"


def test_flash_base_follows_the_series() -> None:
    series1 = DeviceInfo("EFR32MG12P332F1024GL125", "A1", 2, 1024 * 1024, 256 * 1024, "1")
    assert series1.flash_base == 0 and plan_model(series1, b"\0" * 96).model_address == 1024 * 1024 - 100


def test_s37_and_hex_extents(tmp_path: Path) -> None:
    image = write_image(tmp_path / "a.s37", "x", size=5000)
    extent = read_image_extent(image)
    assert (extent.data_bytes, extent.start, extent.end) == (5000, 0x08000000, 0x08000000 + 5000)
    hex_file = tmp_path / "a.hex"
    hex_file.write_text(":020000040800F2\n:10000000000102030405060708090A0B0C0D0E0F78\n:00000001FF\n")
    extent = read_image_extent(hex_file)
    assert (extent.data_bytes, extent.start) == (16, 0x08000000)
    binary = tmp_path / "a.bin"
    binary.write_bytes(b"\0" * 100)
    assert read_image_extent(binary, 0x08000000).end == 0x08000064
    s19 = tmp_path / "a.s19"  # 16-bit addresses: S1 records, ended by S9
    s19.write_text("S1130100000102030405060708090A0B0C0D0E0F73\nS9030100FB\n")
    assert (read_image_extent(s19).start, read_image_extent(s19).end) == (0x100, 0x110)


@pytest.mark.parametrize(("name", "text", "words"), [
    ("bad.s37", "S3FF0800\n", "wrong length"),
    ("sum.s37", s37_text(b"abcdefgh").replace("S3", "S3", 1)[:-3] + "00\n", "checksum"),
    ("junk.s37", "hello\n", "not an S-record"),
    ("bad.hex", ":0100000000FE\n", "checksum"),
    ("a.elf", "x", "unknown firmware image type"),
    ("empty.s37", "", "no data"),
    ("empty.bin", "", "holds no data to flash"),
    ("cut.s37", "".join(s37_text(b"abcdefgh" * 8).splitlines(keepends=True)[:-1]),
     "cut short: it ends at line 3 without the S7/S8/S9 termination record"),
    ("header.s37", s37_text(b"").splitlines()[0] + "\n", "cut short: it ends at line 1"),
    ("cut.hex", ":020000040800F2\n:10000000000102030405060708090A0B0C0D0E0F78\n",
     "cut short: it ends at line 2 without the end-of-file record"),
    ("joined.s37", s37_text(b"abcdefgh") + s37_text(b"ijklmnop"),
     r"goes on after its S7/S8/S9 termination record \(line 4\): it is not one image"),
    ("joined.hex", ":10000000000102030405060708090A0B0C0D0E0F78\n:00000001FF\n"
                   ":10000000000102030405060708090A0B0C0D0E0F78\n",
     r"goes on after its end-of-file record \(:00000001FF\) \(line 3\)")])
def test_bad_images_are_refused_with_the_reason(tmp_path: Path, name: str, text: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(DeviceError, match=words):
        read_image_extent(path)
    with pytest.raises(DeviceError, match="not found"):
        read_image_extent(tmp_path / "missing.s37")


def test_too_large_is_refused_before_writing(commander, tmp_path: Path) -> None:
    image = write_image(tmp_path / "big.s37", "model_profiler", size=1536 * 1024 - 1000)
    with pytest.raises(DeviceError, match="exceed the board's 1536 kB flash"):
        program_board(Commander.find(), image=image, tflite=b"\0" * 2000)
    assert [c[0] for c in commander.calls()] == ["device"]  # only the device info: nothing flashed
    high = tmp_path / "high.s37"
    high.write_text(s37_text(b"\1" * 64, 0x0817FF00))
    with pytest.raises(DeviceError, match="past where the model must start"):
        program_board(Commander.find(), image=high, tflite=b"\0" * 2000)


def test_program_image_and_model_through_commander(commander, tmp_path: Path, reference_model_path: Path) -> None:
    tflite = reference_model_path.read_bytes()
    image = write_image(tmp_path / "mltk_model_profiler-brd2601-mvp.s37", "model_profiler", size=300_000)
    steps = []
    result = program_board(Commander.find(), image=image, tflite=tflite,
                           on_progress=lambda step, p: steps.append((step, p.phase)))
    assert result.device.platform == "brd2601" and result.image.data_bytes == 300_000
    address = 0x08180000 - len(tflite) - 4
    assert result.plan.model_address == address
    flash = commander.flash()
    offset = address - 0x08000000
    assert flash[offset:offset + len(tflite)] == tflite
    assert struct.unpack("<L", flash[-4:]) == (len(tflite),)
    assert flash[:len(b"MLTKAPP=model_profiler")] == b"MLTKAPP=model_profiler"
    calls = commander.calls()
    assert calls[1][-1] == str(image) and "--halt" in calls[1]
    model_call = calls[2]
    assert model_call[:3] == ["flash", "--force", "--binary"]
    assert model_call[model_call.index("--address") + 1] == f"{address:08X}"
    assert model_call[model_call.index("--device") + 1] == "EFR32MG24BxxxF1536"
    assert ("image", "done") in steps and ("model", "done") in steps
    assert steps.index(("image", "done")) < steps.index(("model", "done"))


def test_an_image_ending_in_the_models_first_page_is_refused() -> None:
    """Commander erases whole 8 KiB pages: the image must end before the model's page, not only before it."""
    board = DeviceInfo("EFR32MG24B310F1536IM48", "A1", 2, 217 * 1024, 256 * 1024, "881a14fffe2f49c6")
    tflite = b"\0" * (SEED_MODEL_BYTES + 8)  # the reference model's 21 616 bytes: at 0x08030F8C
    image = ImageExtent(200_000, 0x08000000, 0x08030D40)
    with pytest.raises(DeviceError, match="erases its whole 8 KiB pages from 0x08030000"):
        plan_model(board, tflite, image)
    below = ImageExtent(0x30000, 0x08000000, 0x08030000)  # ends exactly where the erase starts
    plan = plan_model(board, tflite, below)
    assert (plan.model_address, plan.erase_start) == (0x08030F8C, 0x08030000)
