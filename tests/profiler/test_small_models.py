"""Ops/MACs of small TensorFlow-built int8 models against counts worked out by hand (MLTK's rules)."""

from __future__ import annotations

import pytest

from workbench.core.model.tflite_graph import parse_model
from workbench.profiler.export import to_csv, to_markdown, to_text_table
from workbench.profiler.report import profile_model


def test_all_ops_model_hand_counts(tiny_all_ops_model):
    report = profile_model(tiny_all_ops_model)
    by_op = {layer.op: layer for layer in report.layers}
    assert list(by_op) == ["CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "MAX_POOL_2D", "AVERAGE_POOL_2D",
                           "FULLY_CONNECTED", "SOFTMAX"]
    # conv 3x3x2 filter, 4 channels, 6x6 output: MACs 3*3*2 * 6*6*4; ops 2*MACs + bias 144 + ReLU 2*144
    assert (by_op["CONV_2D"].macs, by_op["CONV_2D"].ops) == (2_592, 2 * 2_592 + 144 + 2 * 144)
    # depthwise 3x3, multiplier 1, 4 channels, 6x6 output: MACs 9 * 144; ops 2*MACs + bias 144
    assert (by_op["DEPTHWISE_CONV_2D"].macs, by_op["DEPTHWISE_CONV_2D"].ops) == (1_296, 2 * 1_296 + 144)
    # add: one op per input element of 6x6x4
    assert (by_op["ADD"].macs, by_op["ADD"].ops) == (0, 144)
    # max pool 2x2 -> 3x3x4 outputs, 4 compares each
    assert (by_op["MAX_POOL_2D"].macs, by_op["MAX_POOL_2D"].ops) == (0, 36 * 4)
    # average pool 3x3 -> 1x1x4 outputs, 9 adds + 1 divide each
    assert (by_op["AVERAGE_POOL_2D"].macs, by_op["AVERAGE_POOL_2D"].ops) == (0, 4 * (9 + 1))
    # dense 4 -> 3 (the converter drops the all-zero bias): 12 MACs, 24 ops
    fc = by_op["FULLY_CONNECTED"]
    graph = parse_model(tiny_all_ops_model)
    has_bias = len(graph.operators[fc.index].inputs) > 2 and graph.operators[fc.index].inputs[2] >= 0
    assert (fc.macs, fc.ops) == (12, 24 + (3 if has_bias else 0))
    # softmax over 3 classes: 5 ops each
    assert (by_op["SOFTMAX"].macs, by_op["SOFTMAX"].ops) == (0, 15)
    assert report.summary.total_macs == 2_592 + 1_296 + 12
    assert report.summary.unknown_layer_count == 0
    assert all(layer.supported for layer in report.layers)


def test_options_decoded(tiny_all_ops_model):
    ops = parse_model(tiny_all_ops_model).operators
    assert ops[0].options["padding"] == "VALID" and ops[0].options["activation"] == "RELU"
    assert ops[1].options["depth_multiplier"] == 1 and ops[1].options["padding"] == "SAME"
    assert (ops[3].options["filter_width"], ops[3].options["stride_width"]) == (2, 2)
    assert ops[4].options["filter_height"] == 3


def test_unknown_op_is_listed_not_fatal(leaky_relu_model):
    report = profile_model(leaky_relu_model)
    ops = [layer.op for layer in report.layers]
    assert ops == ["FULLY_CONNECTED", "LEAKY_RELU", "RESHAPE"]
    fc, leaky, reshape = report.layers
    assert (fc.macs, fc.ops) == (16 * 8, 2 * 16 * 8 + (8 if len(fc.input_shapes) > 2 else 0))
    assert leaky.known is False and leaky.ops is None and leaky.macs is None
    assert leaky.cpu_cycles is None and leaky.time_ms is None
    assert reshape.ops == 0 and reshape.macs == 0
    assert report.summary.unknown_layer_count == 1
    assert "unknown" in to_text_table(report)
    assert "LEAKY_RELU,unknown,unknown" in to_csv(report)
    assert "| leaky_relu | unknown | unknown |" in to_markdown(report)


@pytest.mark.parametrize("accelerator", ["none", "mvp"])
def test_json_round_trip(tiny_all_ops_model, accelerator):
    import json
    data = json.loads(profile_model(tiny_all_ops_model, accelerator=accelerator).to_json())
    assert {"index", "op", "ops", "macs", "supported", "reason", "cpu_cycles",
            "accelerator_cycles", "input_shapes", "output_shapes"} <= set(data["layers"][0])
    assert {"flash_bytes", "arena_bytes", "arena_bytes_mvp", "clock_hz", "estimated"} <= set(data["summary"])
    assert data["summary"]["accelerator"] == accelerator
