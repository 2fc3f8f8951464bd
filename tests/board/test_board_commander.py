"""Commander wrapper against the stand-in ``commander`` (a real executable speaking Commander's output)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sim_images import write_image  # tests/board/sim

from workbench.board.commander import Commander, find_commander
from workbench.board.commander.output import FlashProgressReader, failure_of, parse_device_info
from workbench.board.errors import Cancelled, CommanderError, CommanderNotFound, NoDebugger, SeveralDebuggers
from workbench.board.platforms import DeviceInfo, platform_of

DOC_INFO = """Reconfiguring debug connection with detected device part number: EFR32MG24B210F1536IM48
Part Number    : EFR32MG24B210F1536IM48
Die Revision   : A1
Production Ver : 2
Flash Size     : 1536 kB
SRAM Size      : 256 kB
Unique ID      : 881a14fffe2f49c6
DONE
"""
DOC_FLASH = """Writing 21612 bytes starting at address 0x0817ab94
Erasing range 0x0817A000 - 0x0817FFFF (3 sectors, 24 KiB)
Programming range 0x0817A000 - 0x0817BFFF (8 KiB)
Programming range 0x0817C000 - 0x0817DFFF (8 KiB)
Programming range 0x0817E000 - 0x0817FFFF (8 KiB)
Flashing completed successfully!
DONE
"""


@pytest.mark.parametrize(("part", "platform"), [
    ("EFR32MG24B310F1536IM48", "brd2601"), ("EFR32MG24B210F1536IM48", "brd4186"),
    ("EFR32MG24B110F1536GM48", "brd2601"), ("EFR32MG24A010F1536GM48", None),
    ("EFR32MG12P332F1024GL125", "brd4166"), ("EFM32GG11B820F2048GL192", "brd2204"),
    ("EFR32ZG28B322F1024IM68", "brd4401"), ("EFR32BG22C224F512IM40", None)])
def test_part_number_to_platform_as_mltk_maps_it(part: str, platform: str | None) -> None:
    assert platform_of(part) == platform


def test_documented_device_info_is_read() -> None:
    info = parse_device_info(DOC_INFO)
    assert info == DeviceInfo("EFR32MG24B210F1536IM48", "A1", 2, 1536 * 1024, 256 * 1024, "881a14fffe2f49c6")
    assert info.platform == "brd4186" and info.commander_device == "EFR32MG24AxxxF1536"
    assert (info.flash_base, info.flash_end) == (0x08000000, 0x08180000)
    assert info.to_dict()["flash_kb"] == 1536 and info.to_dict()["platform"] == "brd4186"
    with pytest.raises(CommanderError, match="could not be read"):
        parse_device_info("Something else\nDONE\n")


def test_documented_flash_output_gives_progress_to_the_end() -> None:
    reader = FlashProgressReader()
    updates = [p for p in map(reader.feed, DOC_FLASH.splitlines()) if p is not None]
    assert [u.phase for u in updates] == ["writing", "erasing", "programming", "programming", "programming", "done"]
    fractions = [u.fraction for u in updates if u.phase == "programming"]
    assert fractions == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert updates[-1].fraction == 1.0 and reader.bytes_to_write == 21612


def test_device_info_with_a_size_it_cannot_read_quotes_that_line() -> None:
    with pytest.raises(CommanderError) as caught:
        parse_device_info(DOC_INFO.replace("1536 kB", "1536 KB"))
    assert str(caught.value) == ("Commander's device info could not be read (its flash size is not understood: "
                                 "Flash Size     : 1536 KB).")
    with pytest.raises(CommanderError, match=r"\(no part number; it printed: Something else\)"):
        parse_device_info("Something else\nDONE\n")  # no line of its own: the first line says what came instead


def test_a_failed_verification_is_not_reported_done() -> None:
    """Commander ends every run with DONE: after an ERROR line it ends a failed one."""
    failed = DOC_FLASH.replace("Flashing completed successfully!", "ERROR: Verification failed!")
    reader = FlashProgressReader()
    phases = [p.phase for p in map(reader.feed, failed.splitlines()) if p is not None]
    assert phases == ["writing", "erasing", "programming", "programming", "programming"] and reader.failed
    dci = "WARNING: DCI communication failed\nERROR: DP write failed\n"  # MLTK ignores these
    reader = FlashProgressReader()
    phases = [p.phase for p in map(reader.feed, (dci + DOC_FLASH).splitlines()) if p is not None]
    assert phases[-1] == "done" and not reader.failed


def test_failure_reading_follows_commander_and_mltk() -> None:
    assert failure_of(0, DOC_FLASH, what="flash") is None
    assert failure_of(0, "WARNING: DCI communication failed\nERROR: DP write failed\nDONE", what="x") is None
    assert isinstance(failure_of(0, "ERROR: Verification failed!\nDONE", what="flash m.bin"), CommanderError)
    error = failure_of(254, "ERROR: Cannot connect to J-Link via USB.\nERROR: Could not open J-Link connection.\n"
                       "DONE", what="x")
    assert isinstance(error, NoDebugger) and "J-Link drivers" in str(error)
    error = failure_of(254, "ERROR: Unspecified error during flashing.\nDONE", what="flash model.bin")
    assert str(error) == "Commander could not flash model.bin: Unspecified error during flashing."
    assert "exit status 3" in str(failure_of(3, "DONE", what="x"))


def test_device_info_through_the_executable(commander) -> None:
    info = Commander.find().device_info()
    assert info.part_number == "EFR32MG24B310F1536IM48" and info.platform == "brd2601"
    assert info.flash_size == 1536 * 1024 and info.sram_size == 256 * 1024
    assert commander.calls() == [["device", "info", "-d", "efr32"]]


def test_flash_writes_the_image_and_reports_progress(commander, tmp_path: Path) -> None:
    image = write_image(tmp_path / "app.s37", "model_profiler", size=20_000)
    updates = []
    Commander.find().flash(image, device="EFR32MG24BxxxF1536", on_progress=updates.append)
    flash = commander.flash()
    assert flash[:len(b"MLTKAPP=model_profiler")] == b"MLTKAPP=model_profiler"
    assert updates[-1].phase == "done" and updates[-1].fraction == 1.0
    programming = [u.fraction for u in updates if u.phase == "programming"]
    assert programming == sorted(programming) and len(programming) == 3  # 20 000 bytes = 3 pages of 8 KiB
    assert commander.calls()[-1] == ["flash", "--force", "--halt", "--device", "EFR32MG24BxxxF1536", str(image)]


@pytest.mark.parametrize("fail", ["verify-error", "flash-error"])
def test_a_failed_flash_never_reports_done(commander, tmp_path: Path, fail: str) -> None:
    commander.configure(fail=fail)
    image = write_image(tmp_path / "app.s37", "model_profiler", size=20_000)
    updates = []
    with pytest.raises(CommanderError):
        Commander.find().flash(image, device="EFR32MG24BxxxF1536", on_progress=updates.append)
    assert updates and "done" not in [u.phase for u in updates]
    if fail == "verify-error":
        assert updates[-1].phase == "programming"  # it wrote everything, then it did not verify


def test_a_flash_reports_done_once_after_commander_succeeded(commander, tmp_path: Path) -> None:
    image = write_image(tmp_path / "app.s37", "model_profiler", size=20_000)
    updates = []
    Commander.find().flash(image, device="EFR32MG24BxxxF1536", on_progress=updates.append)
    assert [u.phase for u in updates].count("done") == 1 and updates[-1].phase == "done"


def test_reset_and_serial_number_are_passed(commander) -> None:
    commander.configure(debuggers=[{"serialno": "440000001"}, {"serialno": "440000002"}])
    with pytest.raises(SeveralDebuggers, match="--serialno"):
        Commander.find().device_info()
    Commander.find(serialno="440000002").reset(device="EFR32MG24BxxxF1536")
    assert commander.resets("440000002") == 1 and commander.resets("440000001") == 0
    assert commander.calls()[-1] == ["device", "reset", "--device", "EFR32MG24BxxxF1536", "--serialno", "440000002"]
    with pytest.raises(NoDebugger, match="No debugger with serial number 123"):
        Commander.find(serialno="123").device_info()


@pytest.mark.parametrize(("fail", "error", "words"), [
    ("no-debugger", NoDebugger, "No J-Link debugger found"),
    ("no-target", CommanderError, "cannot reach the chip"),
    ("flash-error", CommanderError, "Unspecified error during flashing"),
    ("verify-error", CommanderError, "did not verify")])
def test_failures_on_request(commander, tmp_path: Path, fail: str, error: type, words: str) -> None:
    commander.configure(fail=fail)
    image = write_image(tmp_path / "app.s37", "model_profiler")
    with pytest.raises(error, match=words):
        Commander.find().flash(image, device="EFR32MG24BxxxF1536")
    written = commander.state / "flash-440139581.bin"
    assert not written.exists() or written.read_bytes() == b"\xff" * (1536 * 1024)


def test_missing_commander_says_how_to_get_it(no_commander, tmp_path: Path) -> None:
    with pytest.raises(CommanderNotFound, match="install Simplicity Commander"):
        find_commander()
    with pytest.raises(CommanderNotFound, match=str(tmp_path / "nowhere")):
        find_commander(tmp_path / "nowhere")


def test_configured_path_and_environment_win(commander, monkeypatch, tmp_path: Path) -> None:
    exe = commander.bin_dir / "commander"
    assert find_commander(exe) == exe
    assert find_commander(commander.bin_dir) == exe  # a folder holding it is fine too
    monkeypatch.setenv("KWS_COMMANDER", str(exe))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_commander() == exe


def test_cancel_stops_a_slow_flash(commander, tmp_path: Path) -> None:
    commander.configure(line_delay_s=0.4)
    image = write_image(tmp_path / "app.s37", "model_profiler", size=60_000)
    cancel = threading.Event()
    updates = []

    def progress(update) -> None:
        updates.append(update)
        cancel.set()

    started = time.monotonic()
    with pytest.raises(Cancelled):
        Commander.find().flash(image, device="EFR32MG24BxxxF1536", on_progress=progress, cancel=cancel)
    assert updates and time.monotonic() - started < 8 * 0.4  # far before the ~10 lines the run prints
    assert not (commander.state / "flash-440139581.bin").exists()  # killed before it wrote anything


def test_a_failed_exit_after_progress_alone_names_the_exit_status() -> None:
    error = failure_of(1, DOC_FLASH.replace("Flashing completed successfully!\nDONE\n", ""), what="read x")
    assert str(error) == ("Commander stopped unexpectedly (exit status 1) while trying to read x: check the board's "
                          "USB connection and try again.")
    assert str(failure_of(2, "Unknown command: flsh\nDONE", what="flash m")) == "Commander could not flash m: " \
        "Unknown command: flsh."  # a reason without ERROR: is still a reason
