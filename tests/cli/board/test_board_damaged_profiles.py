"""``kws board …`` on serial output cut short or garbled, and on ports that are none: never a measurement of 0,
never one saved for the refit, one sentence each (the stand-in Commander, a simulated board on a pty)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board_factory, commander, profiler_image, profiler_mvp_log  # noqa: E402,F401
from damaged_logs import cut_after_conv_time, without_stats  # noqa: E402

from workbench.cli.main import main  # noqa: E402

RUN_AGAIN = "run the profile again, and check the baud rate and the cable."


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _board_printing(board_factory, tmp_path: Path, log: str):
    path = tmp_path / "board.log"
    path.write_text(log)
    return board_factory(profiler_log=path)


def test_a_cut_log_is_shown_with_unknown_figures_and_not_saved(board_factory, profiler_image: Path, capsys,
                                                               tmp_path: Path, profiler_mvp_log: str,
                                                               reference_model_path: Path) -> None:
    sim = _board_printing(board_factory, tmp_path, cut_after_conv_time(profiler_mvp_log))
    store = tmp_path / "store"
    code, out, err = _run(capsys, "board", "profile", str(reference_model_path), "--port", str(sim.port),
                          "--firmware", str(profiler_image), "--save", "--store", str(store))
    assert code == 2
    assert "Time (s), measured: unknown" in out and "CPU Cycle Count, measured: unknown" in out
    assert "measured: 0\n" not in out
    assert "board: warning: the board's log lacks the CPU cycles and accelerator cycles of layer 0 (CONV_2D)" in err
    assert err.splitlines()[-1] == ("kws: error: The measurement was not saved, as the refit must not learn from it: "
                                    "it lacks the CPU cycles and accelerator cycles of layer 0 (CONV_2D); every "
                                    "figure of layer 1 (RESHAPE); the time, CPU cycles and accelerator cycles of "
                                    f"layers 2 (FULLY_CONNECTED) and 3 (SOFTMAX); {RUN_AGAIN}")
    assert not list(store.glob("*.json"))


def _clock_zero(log: str) -> str:
    return log.replace("CPU clock: 78.0MHz", "CPU clock: 0.0MHz")


def _huge_cycles(log: str) -> str:
    return log.replace("85.71k CPU cycles", "99999.99G CPU cycles")


@pytest.mark.parametrize(("damage", "error"), [
    (without_stats, "The board's profiler log has no time or cycles for any layer (its statistics were cut short "
                    f"or garbled on the serial line): {RUN_AGAIN}"),
    (_clock_zero, "The board's profiler log has impossible figures (a CPU clock of 0 Hz): the serial data was "
                  f"garbled; {RUN_AGAIN}"),
    (_huge_cycles, "The board's profiler log has impossible figures (99999990000000 CPU cycles for layer 0 "
                   f"(CONV_2D) in 5.4 ms at 78 MHz): the serial data was garbled; {RUN_AGAIN}")],
    ids=["no stats", "clock 0", "huge cycles"])
def test_a_log_without_figures_or_with_impossible_ones_is_refused(board_factory, profiler_image: Path, capsys,
                                                                  tmp_path: Path, profiler_mvp_log: str,
                                                                  reference_model_path: Path,
                                                                  damage: Callable[[str], str], error: str) -> None:
    log = damage(profiler_mvp_log)
    sim = _board_printing(board_factory, tmp_path, log)
    store = tmp_path / "store"
    code, out, err = _run(capsys, "board", "profile", str(reference_model_path), "--port", str(sim.port),
                          "--firmware", str(profiler_image), "--save", "--store", str(store))
    assert (code, out) == (2, "") and err.splitlines()[-1] == f"kws: error: {error}"
    assert not store.exists() or not list(store.glob("*.json"))


def test_refit_skips_a_measurement_saved_with_a_lost_line_as_0(capsys, tmp_path: Path, profiler_mvp_log: str,
                                                                reference_model_path: Path) -> None:
    """What `--save` wrote before from the audit's cut log (CONV's accelerator cycles 0): never a factor x0."""
    from workbench.board.logs.profiler_log import parse_profiler_log
    from workbench.board.runs.measured_report import attach_measurements
    from workbench.profiler.report import profile_model

    document = attach_measurements(profile_model(reference_model_path.read_bytes(), name="seed"),
                                   parse_profiler_log(profiler_mvp_log), source="x").to_dict()
    document["layers"][0]["measured"].update(cpu_cycles=None, accelerator_cycles=0)
    store = tmp_path / "store"
    store.mkdir()
    (store / "old.json").write_text(json.dumps({"kind": "kws-board-measurement", "version": 1, "report": document}))
    code, out, err = _run(capsys, "board", "refit", "--store", str(store))
    assert code == 0 and out.startswith("0 saved measurements in ") and "x0.0000" not in out
    assert err == "board: skipped old.json: not used, as it lacks the CPU cycles of layer 0 (CONV_2D)\n"
    code, _, err = _run(capsys, "board", "refit", str(reference_model_path), "--store", str(store))
    assert code == 2 and "needs saved board measurements" in err


@pytest.mark.parametrize("what", ["null device", "folder"])
def test_console_on_a_path_that_is_no_serial_port(what: str, capsys, tmp_path: Path) -> None:
    port, kind = (os.devnull, "") if what == "null device" else (str(tmp_path), " (it is a folder)")
    code, out, err = _run(capsys, "board", "console", "--port", port, "--seconds", "1")
    assert (code, out) == (2, "")
    assert err == (f"kws: error: {port} is not a serial port{kind}: give the board's port (`kws board list` shows "
                   "the ports).\n")


def test_a_missing_port_is_not_listened_on(capsys, tmp_path: Path, reference_model_path: Path) -> None:
    port = tmp_path / "MISSING"
    code, out, err = _run(capsys, "board", "profile", str(reference_model_path), "--no-flash", "--port", str(port))
    assert (code, out) == (2, "")
    assert err == (f"kws: error: Serial port {port} does not exist (is the board connected? `kws board list` shows "
                   "the ports).\n")


def test_profile_help_gives_the_run_limit(capsys) -> None:
    from workbench.board.runs.job import PROFILE_RUN_TIMEOUTS

    with pytest.raises(SystemExit):
        main(["board", "profile", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"or when it has not said 'done' after {PROFILE_RUN_TIMEOUTS} times them in all" in help_text
