"""The Board workspace's measured summary says what the Profile workspace's headline says of the same model (the
simulated board, the real profiler): whether an inference keeps up with its ``latency_ms`` (judged by the time the
board measured) and the runtime memory it stores when that differs from the estimate, in the headline's words, and
neither when they do not apply."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board_factory, commander, profiler_image  # noqa: E402,F401
from model_profiler_log import model_profiler_log  # noqa: E402

from tests.gui.board.board_workspace_steps import RUN_TIMEOUT_MS, board_workspace, use_board, wait_idle  # noqa: E402
from workbench.core.model.model_params import read_params, write_params  # noqa: E402
from workbench.core.model.tflite_graph import parse_model  # noqa: E402
from workbench.profiler.export import comparable_arena_bytes  # noqa: E402
from workbench.profiler.report import LATENCY_PROBLEM_LABEL, RUNTIME_MEMORY_KEY, build_report  # noqa: E402

SHORT_LATENCY_MS = 5  # the seed model takes about 6.1 ms per inference on the MVP at 78 MHz
LONG_LATENCY_MS = 1000
STORED_LINE = "Runtime memory stored in the model: "


def _headline_lines(window) -> list[str]:  # type: ignore[no-untyped-def]
    """The Profile workspace's headline for the open model, a line per <br>, as plain text."""
    doc = QTextDocument()
    doc.setHtml(window.profile_view.headline.summary_label.text())
    return doc.toPlainText().splitlines()


def _board_summary(window, qtbot, tmp_path: Path, sim_factory, image: Path, tflite: bytes) -> str:  # type: ignore
    """The Board summary after profiling ``tflite`` on the simulated board, with the model open in ``window``."""
    path = tmp_path / "seed.tflite"
    path.write_bytes(tflite)
    estimate = build_report(parse_model(tflite), name="seed", accelerator="mvp")
    sim = sim_factory(profiler_log=model_profiler_log(estimate, tmp_path / "seed.log"))
    assert window.open_model(path), window.last_error
    for ws in board_workspace(window, qtbot, watch_ports=False):
        use_board(ws, sim, profiler=image)
        with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS):
            qtbot.mouseClick(ws.profile_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, ws)
        assert window.last_error is None
        return ws.measured.summary_text()
    raise AssertionError("no Board workspace")


def test_a_slow_model_storing_another_memory_is_said_so_as_in_the_profile_headline(
        window, qtbot, tmp_path: Path, board_factory, profiler_image, reference_model_path: Path) -> None:
    seed = reference_model_path.read_bytes()
    slow = write_params(seed, {**read_params(seed), "latency_ms": SHORT_LATENCY_MS})
    summary = _board_summary(window, qtbot, tmp_path, board_factory, profiler_image, slow)
    headline = _headline_lines(window)
    latency = [line for line in headline if line.startswith(f"{LATENCY_PROBLEM_LABEL}: no: ")]
    stored = [line for line in headline if line.startswith(STORED_LINE)]
    assert len(latency) == len(stored) == 1  # the headline says both, one line each
    lines = summary.split("\n")
    assert stored[0] in lines  # the same words, a line of their own
    # the verdict in the same words, a line of its own, but judged by the time the board measured
    board_latency = [line for line in lines if line.startswith(f"{LATENCY_PROBLEM_LABEL}: no: ")]
    assert len(board_latency) == 1 and "(measured on the board, MVP;" in board_latency[0]
    assert "(estimated, MVP;" in latency[0]
    for verdict in (latency[0], board_latency[0]):
        assert f"latency_ms {SHORT_LATENCY_MS} is shorter" in verdict
    assert f"{read_params(seed)[RUNTIME_MEMORY_KEY]:,} bytes" in stored[0]
    assert lines[-1].startswith("Source: ")


def test_a_model_that_keeps_up_and_stores_the_estimate_is_said_neither(
        window, qtbot, tmp_path: Path, board_factory, profiler_image, reference_model_path: Path) -> None:
    seed = reference_model_path.read_bytes()
    estimate = comparable_arena_bytes(build_report(parse_model(seed), accelerator="mvp").summary)
    fine = write_params(seed, {**read_params(seed), "latency_ms": LONG_LATENCY_MS, RUNTIME_MEMORY_KEY: estimate})
    summary = _board_summary(window, qtbot, tmp_path, board_factory, profiler_image, fine)
    headline = " ".join(_headline_lines(window))
    assert LATENCY_PROBLEM_LABEL not in headline and STORED_LINE not in headline
    assert LATENCY_PROBLEM_LABEL not in summary and STORED_LINE not in summary
    assert "runtime memory" in summary and summary.split("\n")[-1].startswith("Source: ")
