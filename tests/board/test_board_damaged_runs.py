"""Board runs on the simulated board (a real pty) whose serial output is cut short, garbled, endless or a fault:
the Python API the CLI and the GUI drive."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from damaged_logs import cut_after_conv_time, without_stats  # tests/board/sim

from workbench.board.errors import BoardTimeout, FirmwareFailure
from workbench.board.logs.classifier_log import BoardDetection, BoardNotice
from workbench.board.runs.classify_run import ClassifyHandlers, classify_on_board
from workbench.board.runs.job import PROFILE_RUN_TIMEOUTS, BoardCallbacks, BoardOptions
from workbench.board.runs.profile_run import profile_on_board
from workbench.core.errors import DeviceError

TIMEOUT_S = 0.5


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_cut_log_is_reported_with_its_figures_unknown(board_factory, profiler_image: Path, tmp_path: Path,
                                                        profiler_mvp_log: str, reference_model_path: Path) -> None:
    sim = board_factory(profiler_log=_write(tmp_path, "cut.log", cut_after_conv_time(profiler_mvp_log)))
    status: list[str] = []
    result = profile_on_board(reference_model_path.read_bytes(), "seed",
                              BoardOptions(port=str(sim.port), firmware=profiler_image, timeout_s=30),
                              BoardCallbacks(status=status.append))
    conv = result.report.layers[0].measured
    assert (conv.time_ms, conv.cpu_cycles, conv.accelerator_cycles) == (5.4, None, None)
    assert result.report.summary.measured.total_time_ms is None
    warnings = [s for s in status if s.startswith("warning: ")]
    assert len(warnings) == 1 and "lacks the CPU cycles and accelerator cycles of layer 0 (CONV_2D)" in warnings[0]


def test_a_log_without_statistics_is_refused(board_factory, profiler_image: Path, tmp_path: Path,
                                             profiler_mvp_log: str, reference_model_path: Path) -> None:
    sim = board_factory(profiler_log=_write(tmp_path, "nostats.log", without_stats(profiler_mvp_log)))
    with pytest.raises(DeviceError, match="has no time or cycles for any layer"):
        profile_on_board(reference_model_path.read_bytes(), "seed",
                         BoardOptions(port=str(sim.port), firmware=profiler_image, timeout_s=30))


def test_a_profiler_that_never_says_done_meets_the_run_limit(board_factory, profiler_image: Path,
                                                             reference_model_path: Path) -> None:
    sim = board_factory(fault="endless")
    lines: list[str] = []
    started = time.monotonic()
    with pytest.raises(BoardTimeout) as caught:
        profile_on_board(reference_model_path.read_bytes(), "seed",
                         BoardOptions(port=str(sim.port), firmware=profiler_image, timeout_s=TIMEOUT_S),
                         BoardCallbacks(line=lines.append))
    limit = TIMEOUT_S * PROFILE_RUN_TIMEOUTS
    assert str(caught.value) == (f"Timed out: the board's profiler printed for {limit:g} s ({PROFILE_RUN_TIMEOUTS} "
                                 "times the timeout) without finishing (no 'done'; its last line: 'Op2-FULLY_CONNECTED "
                                 "not supported: weights_shape[1] (4000) > 2048'): reset the board and run again, or "
                                 "give a longer timeout.")
    assert len(lines) > 20 and time.monotonic() - started < limit + 20  # it kept printing; the run still ended


def test_listening_is_said_only_once_the_port_is_open(reference_model_path: Path, tmp_path: Path) -> None:
    status: list[str] = []
    missing = tmp_path / "MISSING"
    with pytest.raises(DeviceError, match="does not exist"):
        profile_on_board(reference_model_path.read_bytes(), "seed", BoardOptions(port=str(missing), flash=False),
                         BoardCallbacks(status=status.append))
    assert status == []


FAULT_LOOP = """\
Detected class=7 label=zebra score=204 @4000ms
Detected class=1 label=zebra score=204 @4100ms
Detected class=1 label=no score=210 @5000ms


Cortex IRQ HardFault triggered!

Registers dump:
PC         = 0x00000000


Details: Forced hard fault (escalated from a configurable fault)

*** Fault triggered
"""


def test_classify_quotes_a_fault_as_profile_does_and_drops_garbled_detections(
        board_factory, classifier_image: Path, tmp_path: Path, reference_model_path: Path) -> None:
    sim = board_factory(classifier_loop=_write(tmp_path, "fault.txt", FAULT_LOOP))
    events: list[object] = []
    with pytest.raises(FirmwareFailure) as caught:
        classify_on_board(reference_model_path.read_bytes(),
                          BoardOptions(port=str(sim.port), firmware=classifier_image, timeout_s=30),
                          handlers=ClassifyHandlers(event=events.append))
    assert str(caught.value) == ("The board's audio classifier failed: Cortex IRQ HardFault triggered!; Details: "
                                 "Forced hard fault (escalated from a configurable fault); *** Fault triggered")
    assert [e for e in events if isinstance(e, BoardDetection)] == [BoardDetection(5000, 1, "no", 210)]
    garbled = [e.text for e in events if isinstance(e, BoardNotice)]
    assert garbled == [
        "a garbled line, not a detection: 'Detected class=7 label=zebra score=204 @4000ms' (the model has 4 "
        "classes: yes, no, _unknown_, _silence_)",
        "a garbled line, not a detection: 'Detected class=1 label=zebra score=204 @4100ms' (class 1 of the model "
        "is 'no')"]
