"""Commander as a process: one that dies, hangs after closing its output, or leaves children behind. Real
processes (shell scripts) stand in for Commander as a hung debugger or a misbehaving install would leave it."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Callable

import pytest
from hung_commanders import CLOSES_OUTPUT_AND_HANGS, EXITS_LEAVING_A_CHILD_ON_ITS_OUTPUT  # tests/board/sim
from sim_images import write_image  # tests/board/sim

from workbench.board.commander import Commander
from workbench.board.commander.client import CommanderResult
from workbench.board.commander.output import parse_device_info
from workbench.board.errors import Cancelled, CommanderError, CommanderTimeout

POSIX_ONLY = pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
DEVICE = "EFR32MG24BxxxF1536"

KILLED_MID_FLASH = """#!/bin/sh
echo "Parsing file {image}..."
echo "Writing 131072 bytes starting at address 0x08000000"
echo "Erasing range 0x08000000 - 0x0801FFFF (16 sectors, 128 KiB)"
echo "Programming range 0x08000000 - 0x08001FFF (8 KiB)"
echo "Programming range 0x0801E000 - 0x0801FFFF (8 KiB)"
{before_death}
kill -9 $$
"""


def _script(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o755)
    return path


def test_commander_killed_mid_flash_is_not_blamed_on_a_progress_line(tmp_path: Path) -> None:
    image = write_image(tmp_path / "app.s37", "model_profiler")
    exe = _script(tmp_path / "commander", KILLED_MID_FLASH.format(image=image, before_death=""))
    with pytest.raises(CommanderError) as caught:
        Commander(exe).flash(image, device=DEVICE)
    assert str(caught.value) == ("Commander stopped unexpectedly (exit status -9: signal 9, SIGKILL) while trying "
                                 "to flash app.s37; the flash may be incomplete: flash again.")
    exe = _script(tmp_path / "commander", KILLED_MID_FLASH.format(
        image=image, before_death='echo "ERROR: Flash write failed at 0x0801E000." >&2'))
    with pytest.raises(CommanderError) as caught:
        Commander(exe).flash(image, device=DEVICE)
    assert str(caught.value) == "Commander could not flash app.s37: Flash write failed at 0x0801E000."  # its reason


LEAVES_A_CHILD = """#!/bin/sh
sleep 300 &
echo $! > "{pidfile}"
echo "Helper started"
wait
"""


def _gone(pid: int) -> bool:
    """The process has ended (a zombie nobody reaps has ended too)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + 10  # SIGKILL takes effect at once; this only bounds a failing test
    while not _gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@POSIX_ONLY
@pytest.mark.parametrize("stop", ["cancel", "timeout"])
def test_cancel_and_timeout_stop_what_commander_started(tmp_path: Path, stop: str) -> None:
    pidfile = tmp_path / "child.pid"
    exe = _script(tmp_path / "commander", LEAVES_A_CHILD.format(pidfile=pidfile))
    cancel = threading.Event()
    commander = Commander(exe, timeout_s=2 if stop == "timeout" else 60)  # 2 s: time to start its child
    expected = Cancelled if stop == "cancel" else CommanderTimeout
    try:
        with pytest.raises(expected):
            commander.run(["device", "info"], what="read the device info", cancel=cancel,
                          on_line=lambda line: cancel.set() if stop == "cancel" and "started" in line else None)
        child = int(pidfile.read_text())
        assert _wait_gone(child), "Commander's child outlived the cancel"
    finally:
        if pidfile.exists() and not _gone(int(pidfile.read_text())):
            os.kill(int(pidfile.read_text()), signal.SIGKILL)  # the test started it: do not leave it behind


# -- a Commander whose output ends before it does, or outlives it -----------------------------------------------
RETURN_BOUND_S = 30  # bounds a failing test only: the runs below end within seconds, or never
AFTER_OUTPUT_END_S = 0.5  # long enough for the run to read the end of the output, then wait for the process
HANGS_SILENT = """#!/bin/sh
echo $$ >> "{pidfile}"
exec sleep 300
"""


def _pids(pidfile: Path) -> list[int]:
    """The processes a script wrote down (itself, its child); none before it got there."""
    return [int(pid) for pid in pidfile.read_text().split()] if pidfile.exists() else []


def _kill_left(pidfile: Path) -> None:
    """The test started these processes: never leave them behind, whatever the code under test did."""
    for pid in _pids(pidfile):
        if not _gone(pid):
            os.kill(pid, signal.SIGKILL)


def _in_thread(call: Callable[[], object]) -> tuple[threading.Thread, dict[str, object]]:
    """``call()`` on a thread, so a run that never returns fails the test instead of hanging it."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = call()
        except Exception as exc:  # noqa: BLE001 (the test checks which)
            outcome["error"] = exc

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread, outcome


@POSIX_ONLY
@pytest.mark.parametrize("stop", ["cancel", "timeout"])
def test_a_commander_that_closes_its_output_and_hangs_is_stopped_with_its_child(tmp_path: Path, stop: str) -> None:
    """Its output ended but it has not exited: cancel and the deadline still hold, and kill it and its child."""
    pidfile = tmp_path / "pids"
    exe = _script(tmp_path / "commander", CLOSES_OUTPUT_AND_HANGS.format(pidfile=pidfile))
    cancel = threading.Event()
    commander = Commander(exe, timeout_s=2 if stop == "timeout" else RETURN_BOUND_S * 2)
    try:
        thread, outcome = _in_thread(lambda: commander.run(["device", "info"], what="read the device info",
                                                           cancel=cancel))
        if stop == "cancel":
            while len(_pids(pidfile)) < 2 and thread.is_alive():  # written once its output is closed
                time.sleep(0.05)
            time.sleep(AFTER_OUTPUT_END_S)
            cancel.set()
        thread.join(RETURN_BOUND_S)
        assert not thread.is_alive(), "the run still waits for Commander after its output ended"
        assert isinstance(outcome.get("error"), Cancelled if stop == "cancel" else CommanderTimeout), outcome
        assert len(_pids(pidfile)) == 2
        assert all(_wait_gone(pid) for pid in _pids(pidfile)), "Commander or its child outlived the stop"
    finally:
        _kill_left(pidfile)


@POSIX_ONLY
def test_a_commander_that_exited_is_not_waited_for_through_a_child_holding_its_output(tmp_path: Path) -> None:
    """It exited 0, leaving a child on its output: the run ends with what it printed, and the child is stopped."""
    pidfile = tmp_path / "pids"
    exe = _script(tmp_path / "commander", EXITS_LEAVING_A_CHILD_ON_ITS_OUTPUT.format(pidfile=pidfile))
    try:
        thread, outcome = _in_thread(lambda: Commander(exe).run(["device", "info"], what="read the device info",
                                                                timeout_s=RETURN_BOUND_S / 2))
        thread.join(RETURN_BOUND_S)
        assert not thread.is_alive()
        result = outcome.get("result")
        assert isinstance(result, CommanderResult), outcome  # not "did not read the device info within 15 s"
        assert result.returncode == 0 and result.lines[-1] == "DONE"
        assert parse_device_info(result.text).part_number == "EFR32MG24B310F1536IM48"
        assert _wait_gone(_pids(pidfile)[1]), "the child holding Commander's output was left running"
    finally:
        _kill_left(pidfile)


@POSIX_ONLY
def test_device_info_and_reset_have_a_deadline_of_their_own_and_a_flash_keeps_its_own(tmp_path: Path) -> None:
    """A debugger that stops answering: device info and reset give up after their deadline, not the flash's."""
    pidfile = tmp_path / "pids"
    exe = _script(tmp_path / "commander", HANGS_SILENT.format(pidfile=pidfile))
    image = write_image(tmp_path / "app.s37", "model_profiler")
    short, long = 1, RETURN_BOUND_S * 2  # waiting ``long`` once fails the time bound below
    try:
        started = time.monotonic()
        with pytest.raises(CommanderTimeout, match="did not read the device info within 1 s"):
            Commander(exe, timeout_s=long, info_timeout_s=short).device_info()
        with pytest.raises(CommanderTimeout, match="did not reset the device within 1 s"):
            Commander(exe, timeout_s=long, info_timeout_s=short).reset(device=DEVICE)
        with pytest.raises(CommanderTimeout, match="did not flash app.s37 within 1 s"):
            Commander(exe, timeout_s=short, info_timeout_s=long).flash(image, device=DEVICE)
        assert time.monotonic() - started < RETURN_BOUND_S
        assert len(_pids(pidfile)) == 3  # one run each: no efm32 retry after a timeout
        assert all(_wait_gone(pid) for pid in _pids(pidfile))
    finally:
        _kill_left(pidfile)
