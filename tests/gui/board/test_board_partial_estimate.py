"""The Board workspace's measured summary of a model the estimate does not cover whole (a layer of unknown cost: a
LEAKY_RELU), profiled on the simulated board: it says the estimate is the least the model takes, as
``kws board profile`` does, and does not blame the estimate for the layer it left out with an error in %."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board_factory, commander, profiler_image  # noqa: E402,F401
from model_profiler_log import model_profiler_log  # noqa: E402

from tests.gui.board.board_workspace_steps import RUN_TIMEOUT_MS, board_workspace, use_board, wait_idle  # noqa: E402
from tests.int8_conversion import convert_int8  # noqa: E402
from workbench.core.model.tflite_graph import parse_model  # noqa: E402
from workbench.profiler.export import render  # noqa: E402
from workbench.profiler.report import build_report  # noqa: E402

INPUTS, UNITS = 16, 8


def leaky_relu_model() -> bytes:
    """dense(16 -> 8) -> LEAKY_RELU: an op neither MLTK nor the estimate has a cost for."""
    tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test model")
    tf.keras.utils.set_random_seed(2)
    inputs = tf.keras.Input((INPUTS,), batch_size=1)
    return convert_int8(tf.keras.Model(inputs, tf.keras.layers.LeakyReLU()(tf.keras.layers.Dense(UNITS)(inputs))))


def test_a_partial_estimate_is_a_bound_beside_the_board_not_an_error(window, qtbot, tmp_path, board_factory,
                                                                     profiler_image) -> None:
    model_path = tmp_path / "leaky.tflite"
    model_path.write_bytes(leaky_relu_model())
    estimate = build_report(parse_model(model_path.read_bytes()), name="leaky", accelerator="mvp")
    assert estimate.summary is not None and estimate.summary.untimed_layer_count == 1
    assert "Time (s), estimated: at least" in render(estimate, "table")  # what the command line says of it
    sim = board_factory(profiler_log=model_profiler_log(estimate, tmp_path / "leaky.log"))
    assert window.open_model(model_path), window.last_error
    for ws in board_workspace(window, qtbot, watch_ports=False):
        use_board(ws, sim, profiler=profiler_image)
        with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS):
            qtbot.mouseClick(ws.profile_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, ws)
        assert window.last_error is None
        timing = ws.measured.summary_text().split("\n")[1].split(", runtime memory")[0]  # (memory has its own %)
        assert f"(estimate at least {estimate.summary.total_time_ms:.3f} ms: 1 layer without an estimate)" in timing
        assert "%" not in timing
