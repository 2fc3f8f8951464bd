"""The seed model's profile against MLTK's published figures (tflite_micro_speech, EFR32xG24, MVP)."""

from __future__ import annotations

import pytest

from workbench.core.errors import ModelError, SettingsError
from workbench.core.model.tflite_graph import parse_model
from workbench.profiler.export import format_units, to_text_table
from workbench.profiler.report import profile_model

MLTK_ARENA_BYTES = 9_032  # runtime_memory_size in the model's SL_PARAMSv1 metadata
ARENA_TOLERANCE = 0.05


@pytest.fixture(scope="module")
def seed_bytes(reference_model_path):
    return reference_model_path.read_bytes()


@pytest.fixture(scope="module")
def report(seed_bytes):
    return profile_model(seed_bytes, name="tflite_micro_speech", accelerator="mvp")


def test_ops_and_macs_match_mltk_exactly(report):
    # hand counts: conv 10x8x1 filter over 25x20x8 outputs = 320,000 MACs; ops = 2*MACs + bias 4,000
    # + fused ReLU 2*4,000; FC 4x4000 = 16,000 MACs, ops 2*16,000 + bias 4; softmax 5 ops x 4 classes
    assert [layer.op for layer in report.layers] == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]
    assert [layer.macs for layer in report.layers] == [320_000, 0, 16_000, 0]
    assert [layer.ops for layer in report.layers] == [652_000, 0, 32_004, 20]
    assert report.summary.total_macs == 336_000
    assert report.summary.total_ops == 684_024
    assert [format_units(x.ops) for x in report.layers] == ["652.0k", "0", "32.0k", "20.0"]


def test_memory_matches_mltk(report, seed_bytes):
    s = report.summary
    assert s.flash_bytes == len(seed_bytes) == 21_616
    assert format_units(s.flash_bytes) == "21.6k"
    assert abs(s.arena_bytes - MLTK_ARENA_BYTES) / MLTK_ARENA_BYTES <= ARENA_TOLERANCE
    assert format_units(s.arena_bytes) == "9.2k"
    assert format_units(s.arena_bytes_mvp) == "11.3k"


def test_fully_connected_unsupported_on_mvp_with_mltk_reason(report):
    fc = report.layers[2]
    assert fc.supported is False
    assert fc.reason == "weights_shape[1] (4000) > 2048"
    assert fc.runs_on_accelerator  # the kernel's large-input path: the board measured MVP cycles
    assert all(layer.supported for layer in report.layers if layer.index != 2)
    assert report.summary.unsupported_layer_count == 1


def test_cycle_estimates_close_to_board_measurements(report):
    measured = {0: (380_500, 85_700, 5.4), 1: (0, 20_500, 0.27), 2: (24_100, 5_100, 0.36), 3: (0, 3_700, 0.06)}
    for layer in report.layers:
        acc, cpu, ms = measured[layer.index]
        assert layer.accelerator_cycles == pytest.approx(acc, rel=0.01, abs=1)
        assert layer.cpu_cycles == pytest.approx(cpu, rel=0.01)
        assert layer.time_ms == pytest.approx(ms, rel=0.10)
        assert layer.estimated is True and layer.measured is None
    assert report.summary.total_time_ms == pytest.approx(6.1, rel=0.02)
    assert report.summary.inferences_per_s == pytest.approx(164.2, rel=0.02)
    assert report.summary.estimated is True and report.summary.measured is None


@pytest.mark.parametrize(("accelerator", "cycles", "total_ms"), [
    ("mvp", [(85_700, 380_500, 5.436538), (20_500, 0, 0.271795), (5_100, 24_100, 0.350641), (3_700, 0, 0.0564103)],
     6.115384),
    ("none", [(722_181, 0, 9.267705), (20_500, 0, 0.271795), (33_581, 0, 0.4395), (3_700, 0, 0.0564103)], 10.03541)])
def test_the_seeds_estimates_are_exactly_what_the_model_was_fitted_to_give(seed_bytes, accelerator, cycles,
                                                                            total_ms):
    """Costing layers MLTK counts no work for from their elements must not move the seed's figures (docs: 6.12 ms at
    78 MHz): its RESHAPE keeps its fitted copy rate, its SOFTMAX's 4 classes are its 4 elements."""
    report = profile_model(seed_bytes, accelerator=accelerator)
    assert [(layer.cpu_cycles, layer.accelerator_cycles, layer.time_ms) for layer in report.layers] == cycles
    assert report.summary.total_time_ms == total_ms
    assert [layer.cycles_basis for layer in report.layers] == [
        "", "cycles from 4,000 bytes copied: MLTK counts 0 ops for RESHAPE", "", ""]


def test_cpu_only_profile_puts_everything_on_the_cpu(seed_bytes):
    report = profile_model(seed_bytes, accelerator="none")
    assert all(layer.accelerator_cycles == 0 for layer in report.layers)
    assert report.summary.total_cpu_cycles > profile_model(seed_bytes).summary.total_cpu_cycles
    table = to_text_table(report)
    assert "estimated" in table
    # nothing is asked of the MVP: no MVP verdict, reason, count or arena (the window says nothing of it either)
    for mvp_line in ("weights_shape[1] (4000) > 2048", "Unsupported Layer Count", "with MVP", "Supported?"):
        assert mvp_line not in table
    with_mvp = to_text_table(profile_model(seed_bytes))
    assert "weights_shape[1] (4000) > 2048" in with_mvp
    assert "RAM, Runtime Memory Size with MVP (bytes), estimated: 11.3k" in with_mvp


def test_graph_parse_shapes_and_options(seed_bytes):
    graph = parse_model(seed_bytes)
    conv = graph.operators[0]
    assert conv.options["padding"] == "SAME" and conv.options["activation"] == "RELU"
    assert (conv.options["stride_width"], conv.options["stride_height"]) == (2, 2)
    assert graph.tensor(conv.inputs[1]).shape == (8, 10, 8, 1)
    assert graph.tensor(conv.inputs[1]).is_constant and not graph.tensor(conv.inputs[0]).is_constant
    assert graph.tensor(graph.inputs[0]).scale and graph.tensor(graph.outputs[0]).zero_point == (-128,)


@pytest.mark.parametrize("data", [b"", b"not a model at all", b"\x00\x00\x00\x00TFL3" + b"\xff" * 40])
def test_bad_bytes_raise_model_error(data):
    with pytest.raises(ModelError):
        parse_model(data)


def test_truncated_model_raises_model_error(seed_bytes):
    with pytest.raises(ModelError):
        profile_model(seed_bytes[:2000])


def test_bad_settings_raise(seed_bytes):
    with pytest.raises(SettingsError):
        profile_model(seed_bytes, accelerator="gpu")
    with pytest.raises(SettingsError):
        profile_model(seed_bytes, clock_hz=0)
