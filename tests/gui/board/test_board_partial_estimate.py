"""The Board workspace's measured summary of a model the estimate does not cover whole (a layer of unknown cost: the
unrolled LSTM's UNPACK), profiled on the simulated board: it says the estimate is the least the model takes, as
``kws board profile`` does, and does not blame the estimate for the layer it left out with an error in %."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board_factory, commander, profiler_image  # noqa: E402,F401
from model_profiler_log import model_profiler_log  # noqa: E402

from tests.gui.board.board_workspace_steps import RUN_TIMEOUT_MS, board_workspace, use_board, wait_idle  # noqa: E402
from tests.unrolled_lstm_models import unrolled_lstm_model  # noqa: E402
from workbench.core.model.tflite_graph import parse_model  # noqa: E402
from workbench.profiler.export import render  # noqa: E402
from workbench.profiler.report import build_report  # noqa: E402

LSTM_FRAMES = 2  # a short sequence: one UNPACK, a few dozen layers


def test_a_partial_estimate_is_a_bound_beside_the_board_not_an_error(window, qtbot, tmp_path, board_factory,
                                                                     profiler_image) -> None:
    model_path = tmp_path / "lstm.tflite"
    model_path.write_bytes(unrolled_lstm_model(LSTM_FRAMES))
    estimate = build_report(parse_model(model_path.read_bytes()), name="lstm", accelerator="mvp")
    assert estimate.summary is not None and estimate.summary.untimed_layer_count == 1
    assert "Time (s), estimated: at least" in render(estimate, "table")  # what the command line says of it
    sim = board_factory(profiler_log=model_profiler_log(estimate, tmp_path / "lstm.log"))
    assert window.open_model(model_path), window.last_error
    for ws in board_workspace(window, qtbot, watch_ports=False):
        use_board(ws, sim, profiler=profiler_image)
        with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS):
            qtbot.mouseClick(ws.profile_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, ws)
        assert window.last_error is None
        timing = ws.measured.summary_text().split("\n")[1]
        assert f"(estimate at least {estimate.summary.total_time_ms:.3f} ms: 1 layer without an estimate)" in timing
        assert "%" not in timing
