"""``kws board console``, ``classify``, ``flash``, ``info`` and ``profile`` stopped by Ctrl+C or SIGTERM: real child
processes on real ptys (the firmware on the board simulator, the stand-in Commander), a real log file."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
import tty
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board_factory, classifier_image, commander, profiler_image, server  # noqa: E402,F401
from hung_commanders import CLOSES_OUTPUT_AND_HANGS, EXITS_LEAVING_A_CHILD_ON_ITS_OUTPUT  # noqa: E402

from workbench.child_command import EXIT_CANCELLED, kws_command  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="ptys and SIGTERM are POSIX")

BOARD_LINES = ("hello board", "line two")
EXIT_WAIT_S = 60  # a safety net for a hung child, not a timing assertion
POLL_S = 0.02
MODEL_FLASH_RUN_OF_FLASH = 2  # kws board flash --model: device info, then the model
MODEL_FLASH_RUN_OF_PROFILE = 3  # kws board profile: device info, the firmware image, then the model
IMAGE_FLASH_RUN_OF_FLASH = 2  # kws board flash IMAGE --model: device info, the image, then the model


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_console_stops_cleanly_writes_the_log_and_exits_130(tmp_path: Path, stop: signal.Signals) -> None:
    master, slave = pty.openpty()
    tty.setraw(slave)
    log = tmp_path / "console.log"
    proc = subprocess.Popen(kws_command("board", "console", "--port", os.ttyname(slave), "--log", str(log)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        while "listening on" not in (line := proc.stderr.readline()):
            assert line, "kws board console ended before it listened"
        os.write(master, ("\r\n".join(BOARD_LINES) + "\r\n").encode())
        shown = [proc.stdout.readline().rstrip("\n") for _ in BOARD_LINES]
        assert shown == list(BOARD_LINES)
        proc.send_signal(stop)
        _, err = proc.communicate(timeout=EXIT_WAIT_S)
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
        os.close(slave)
    assert proc.returncode == EXIT_CANCELLED, err
    assert "Traceback" not in err and "board: stopped" in err
    assert log.read_text() == "".join(f"{text}\n" for text in BOARD_LINES)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_classify_stops_cleanly_and_exits_130(board_factory, commander, classifier_image,  # noqa: F811
                                              reference_model_path: Path, stop: signal.Signals) -> None:
    from workbench.board.commander import Commander
    from workbench.board.flashing.programming import program_board

    sim = board_factory(time_scale=0.01, passes=1)
    program_board(Commander.find(), image=classifier_image, tflite=reference_model_path.read_bytes())
    proc = subprocess.Popen(kws_command("board", "classify", str(reference_model_path), "--port", str(sim.port),
                                        "--no-flash"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        while "press the board's reset button" not in (line := proc.stderr.readline()):
            assert line, "kws board classify ended before it waited for the board"
        sim.press_reset()
        while "detected" not in (line := proc.stdout.readline()):
            assert line, "kws board classify ended before the first detection"
        proc.send_signal(stop)
        _, err = proc.communicate(timeout=EXIT_WAIT_S)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == EXIT_CANCELLED, err
    assert "Traceback" not in err and "board: stopped" in err


# -- flash, info, profile: SIGTERM while Commander runs -------------------------------------------------------
COMMANDER_LINE_DELAY_S = 0.3  # each Commander line takes this long: a run lasts seconds, long enough to stop
PIDS_FILE = "commander-pids"


def _recording_commander(commander) -> Path:  # noqa: F811
    """The stand-in Commander, slowed down, writing each run's process id to a file as it starts (``exec``
    keeps the id): the processes that must be gone after the stop."""
    commander.configure(line_delay_s=COMMANDER_LINE_DELAY_S)
    pids = commander.state / PIDS_FILE
    wrapper = commander.bin_dir / "commander"
    real = wrapper.read_text().splitlines()[-1]  # exec "<python>" "<commander_sim.py>" "$@"
    wrapper.write_text(f'#!/bin/sh\necho $$ >> "{pids}"\n{real}\n')
    return pids


def _pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def _stop_during_commander_run(argv: list[str], commander, run: int, tmp_path: Path,  # noqa: F811
                               stop: signal.Signals) -> tuple[subprocess.Popen[str], str, Path]:
    """Start ``kws argv`` with its own TMPDIR, send ``stop`` once Commander's ``run``-th run is under way (it
    logged its call: the interpreter it runs in has started, so kws is reading its output)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen(kws_command(*argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(temp)})
    try:
        deadline = time.monotonic() + EXIT_WAIT_S
        while len(commander.calls()) < run:
            assert proc.poll() is None, f"kws ended before Commander's run {run}: {proc.communicate()}"
            assert time.monotonic() < deadline, f"Commander's run {run} did not start"
            time.sleep(POLL_S)
        proc.send_signal(stop)
        _, err = proc.communicate(timeout=EXIT_WAIT_S)
    finally:
        proc.kill()
        proc.wait()
    return proc, err, temp


def _assert_stopped_cleanly(proc: subprocess.Popen[str], err: str, temp: Path, pids: Path) -> None:
    assert proc.returncode == EXIT_CANCELLED, err
    assert "Traceback" not in err and err.splitlines()[-1] == "board: stopped"
    assert list(temp.iterdir()) == []  # no kws-board-*/model.bin
    for pid in _pids(pids):  # Commander runs in a session of its own: it is killed, not left flashing
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_flash_stops_cleanly_while_commander_writes_the_model(commander, reference_model_path: Path,  # noqa: F811
                                                              tmp_path: Path, stop: signal.Signals) -> None:
    pids = _recording_commander(commander)
    proc, err, temp = _stop_during_commander_run(["board", "flash", "--model", str(reference_model_path)], commander,
                                                 MODEL_FLASH_RUN_OF_FLASH, tmp_path, stop)
    _assert_stopped_cleanly(proc, err, temp, pids)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_flash_stopped_while_commander_writes_the_image_says_what_is_left(  # noqa: F811
        commander, profiler_image: Path, reference_model_path: Path, tmp_path: Path,  # noqa: F811
        stop: signal.Signals) -> None:
    pids = _recording_commander(commander)
    argv = ["board", "flash", str(profiler_image), "--model", str(reference_model_path)]
    proc, err, temp = _stop_during_commander_run(argv, commander, IMAGE_FLASH_RUN_OF_FLASH, tmp_path, stop)
    _assert_stopped_cleanly(proc, err, temp, pids)
    said = err.splitlines()[-2]
    assert said.startswith("board: the flash is incomplete: ")
    assert f"{profiler_image.name} may be only partly written" in said
    assert "the model was not written" in said and "flash the board again" in said


def test_flash_stopped_while_commander_writes_the_model_says_the_model_is_partial(  # noqa: F811
        commander, reference_model_path: Path, tmp_path: Path) -> None:  # noqa: F811
    _recording_commander(commander)
    _, err, _ = _stop_during_commander_run(["board", "flash", "--model", str(reference_model_path)], commander,
                                           MODEL_FLASH_RUN_OF_FLASH, tmp_path, signal.SIGTERM)
    assert "the model may be only partly written" in err.splitlines()[-2] and "flash the model again" in err


def test_info_stops_cleanly_while_commander_runs(commander, tmp_path: Path) -> None:  # noqa: F811
    pids = _recording_commander(commander)
    proc, err, temp = _stop_during_commander_run(["board", "info"], commander, 1, tmp_path, signal.SIGTERM)
    _assert_stopped_cleanly(proc, err, temp, pids)


def test_profile_stops_cleanly_while_commander_writes_the_model(board_factory, commander,  # noqa: F811
                                                                profiler_image: Path,  # noqa: F811
                                                                reference_model_path: Path, tmp_path: Path) -> None:
    sim = board_factory()
    pids = _recording_commander(commander)
    argv = ["board", "profile", str(reference_model_path), "--port", str(sim.port), "--firmware", str(profiler_image)]
    proc, err, temp = _stop_during_commander_run(argv, commander, MODEL_FLASH_RUN_OF_PROFILE, tmp_path, signal.SIGTERM)
    _assert_stopped_cleanly(proc, err, temp, pids)


def test_profile_stops_cleanly_while_it_waits_for_the_board(board_factory, commander,  # noqa: F811
                                                            reference_model_path: Path) -> None:
    sim = board_factory()
    proc = subprocess.Popen(kws_command("board", "profile", str(reference_model_path), "--port", str(sim.port),
                                        "--no-flash"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        while "press the board's reset button" not in (line := proc.stderr.readline()):
            assert line, "kws board profile ended before it waited for the board"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=EXIT_WAIT_S)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == EXIT_CANCELLED, err
    assert "Traceback" not in err and err.splitlines()[-1] == "board: stopped" and out == ""


# -- info: Commander's process, not only its output, ends the run ---------------------------------------------
AFTER_OUTPUT_END_S = 0.5  # long enough for kws to read the end of Commander's output and wait for its exit


def _stand_in(tmp_path: Path, script: str) -> tuple[Path, Path]:
    """A Commander script (standing for a hung or misbehaving one) and the file it writes its process ids to."""
    pids = tmp_path / "script-pids"
    exe = tmp_path / "commander"
    exe.write_text(script.format(pidfile=pids))
    exe.chmod(0o755)
    return exe, pids


def _kill_left(pids: Path) -> None:
    """The test started these: never leave them running, whatever kws did."""
    for pid in _pids(pids):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _ended(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # a zombie its parent has not reaped has ended too


def test_info_stops_on_ctrl_c_while_commander_hangs_after_closing_its_output(tmp_path: Path) -> None:
    exe, pids = _stand_in(tmp_path, CLOSES_OUTPUT_AND_HANGS)
    proc = subprocess.Popen(kws_command("board", "info", "--commander", str(exe)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + EXIT_WAIT_S
        while len(_pids(pids)) < 2:  # written once it has closed its output
            assert proc.poll() is None, f"kws ended before Commander closed its output: {proc.communicate()}"
            assert time.monotonic() < deadline, "the stand-in Commander did not start"
            time.sleep(POLL_S)
        time.sleep(AFTER_OUTPUT_END_S)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=EXIT_WAIT_S)
    finally:
        proc.kill()
        proc.wait()
        _kill_left(pids)
    assert proc.returncode == EXIT_CANCELLED, err
    assert "Traceback" not in err and err.splitlines()[-1] == "board: stopped"


def test_info_ends_when_commander_exits_though_its_child_holds_the_output(tmp_path: Path) -> None:
    exe, pids = _stand_in(tmp_path, EXITS_LEAVING_A_CHILD_ON_ITS_OUTPUT)
    proc = subprocess.Popen(kws_command("board", "info", "--commander", str(exe)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=EXIT_WAIT_S)  # not after the device info deadline
        child = _pids(pids)[1]
        deadline = time.monotonic() + EXIT_WAIT_S
        while not _ended(child) and time.monotonic() < deadline:
            time.sleep(POLL_S)
        assert _ended(child), "the child holding Commander's output was left running"
    finally:
        proc.kill()
        proc.wait()
        _kill_left(pids)
    assert proc.returncode == 0, err
    assert out.splitlines()[0].split() == ["Part", "number:", "EFR32MG24B310F1536IM48"]
