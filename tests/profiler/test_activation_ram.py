"""Each layer's activation RAM (the arena buffers alive while it runs) and the layer of the peak, worked out by hand
from the tensors' sizes, in every format of ``kws profile``."""

from __future__ import annotations

import csv
import io
import json

import pytest

from workbench.bundled_models import bundled_model_file
from workbench.cli.main import main
from workbench.core.model.tflite_graph import parse_model
from workbench.profiler.export import to_csv, to_markdown, to_text_table
from workbench.profiler.memory import align, estimate_memory
from workbench.profiler.report import profile_model

INT8 = 1  # bytes per element of every activation below
SEED_INPUT = 49 * 40 * 1 * INT8  # 1x49x40x1, 1,960 bytes: 1,968 in the 16-byte aligned arena
SEED_CONV_OUT = 25 * 20 * 8 * INT8  # 1x25x20x8
SEED_RESHAPE_OUT = 4000 * INT8  # 1x4000, a copy: TFLite Micro does not alias RESHAPE
SEED_CLASSES = 4 * INT8  # 1x4 out of the dense layer and out of the softmax: 16 bytes each in the arena
# CMSIS-NN's im2col scratch of the seed's conv on the CPU: 2 x in_channels 1 x filter 10x8 int16 values
SEED_CONV_SCRATCH = 2 * 1 * 10 * 8 * 2
# MLTK's MVP conv kernel (SL_MVP_OPTIMIZE_SPEED) holds the whole input as float16 while the conv runs
SEED_MVP_CONV_SCRATCH = 49 * 40 * 1 * 2
SEED_MVP_LAYERS = [9_888, 8_000, 4_016, 32]  # seed_layers_by_hand(SEED_MVP_CONV_SCRATCH)
# in the layer table's conventions: the figure as its cells write them, the op in lower case
PEAK_LINE = "Peak Activation RAM (bytes), estimated: 9.9k during 0: conv_2d"  # the MVP profile, the default


@pytest.fixture(scope="module")
def seed_bytes(reference_model_path):
    return reference_model_path.read_bytes()


def seed_layers_by_hand(scratch: int) -> list[int]:
    """conv: the input, its output, its scratch; reshape: the conv's output and its copy; dense: the copy and the
    classes; softmax: the classes in and out."""
    return [align(SEED_INPUT) + SEED_CONV_OUT + scratch, SEED_CONV_OUT + SEED_RESHAPE_OUT,
            SEED_RESHAPE_OUT + align(SEED_CLASSES), 2 * align(SEED_CLASSES)]


@pytest.mark.parametrize(("accelerator", "scratch", "peak"), [("none", SEED_CONV_SCRATCH, (8_000, 1, "RESHAPE")),
                                                              ("mvp", SEED_MVP_CONV_SCRATCH, (9_888, 0, "CONV_2D"))])
def test_the_seeds_layers_hold_their_tensors_and_the_peak_follows_the_conv_scratch(seed_bytes, accelerator, scratch,
                                                                                  peak):
    """On the CPU the reshape is the peak; the MVP's conv holds its input as float16, which makes the conv the peak:
    the layer figures follow the profile's accelerator."""
    report = profile_model(seed_bytes, name="seed", accelerator=accelerator)
    assert [layer.activation_bytes for layer in report.layers] == seed_layers_by_hand(scratch)
    assert seed_layers_by_hand(scratch)[:2] == [9_888 if accelerator == "mvp" else 6_288, 8_000]
    s = report.summary
    assert (s.peak_activation_bytes, s.peak_activation_layer, s.peak_activation_op) == peak
    # the arena's figures (docs/profiler.md): 8,000 planned + 1,248 persistent; 9,888 + 1,376 with the MVP
    assert (s.arena_bytes, s.arena_bytes_mvp) == (9_248, 11_264)
    assert estimate_memory(parse_model(seed_bytes)).planned_bytes == 8_000


def test_a_tensor_kept_for_a_later_layer_counts_where_it_waits(tiny_all_ops_model):
    """conv -> depthwise -> ADD(conv, depthwise): the conv's output waits through the depthwise layer for the ADD,
    which holds three 6x6x4 tensors at once and is the peak, the third of seven layers."""
    report = profile_model(tiny_all_ops_model, accelerator="none")
    assert [layer.op for layer in report.layers] == ["CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "MAX_POOL_2D",
                                                     "AVERAGE_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"]
    feature_map, pooled, averaged, classes = 6 * 6 * 4, align(3 * 3 * 4), align(4), align(3)
    conv_scratch = align(2 * 2 * 3 * 3 * 2)  # 2 x in_channels 2 x filter 3x3 int16 values
    depthwise_scratch = align(4 * 3 * 3 * 2)  # CMSIS-NN's optimised depthwise: in_channels 4 x filter 3x3 int16
    average_scratch = align(4 * 4)  # CMSIS-NN's average pooling: one int32 per channel
    assert [layer.activation_bytes for layer in report.layers] == [
        8 * 8 * 2 + feature_map + conv_scratch,  # the 8x8x2 input, the conv's output, its scratch
        2 * feature_map + depthwise_scratch,  # the conv's output (kept for the ADD), the depthwise output, scratch
        3 * feature_map,  # both ADD inputs and its output
        feature_map + pooled, pooled + averaged + average_scratch, averaged + classes, 2 * classes]
    s = report.summary
    assert (s.peak_activation_bytes, s.peak_activation_layer, s.peak_activation_op) == (432, 2, "ADD")
    assert "Peak Activation RAM (bytes), estimated: 432.0 during 2: add" in to_text_table(report)


def test_the_stream_models_input_waits_for_its_last_member():
    """kws_yes_no_stream runs six members on one input (an average of five, then MLTK's reference beside it): the
    1x49x40x1 spectrogram stays in the arena until the last member's conv (layer 29) reads it, so every layer before
    counts it; the peak is the first member's reshape, and the planned part of the arena is no smaller than it."""
    data = bundled_model_file("kws_yes_no_stream").read_bytes()  # type: ignore[union-attr]
    graph = parse_model(data)
    report = profile_model(data, accelerator="none")
    layers = report.layers
    assert [layers[i].op for i in (0, 1, 22, 28, 29, 30)] == ["CONV_2D", "RESHAPE", "CONV_2D", "MEAN", "CONV_2D",
                                                               "RESHAPE"]
    waiting_input = align(SEED_INPUT)
    assert layers[1].activation_bytes == 2 * 25 * 20 * 16 + waiting_input  # 16 filters: 8,000 bytes in and out
    assert report.summary.peak_activation_layer == 1 and report.summary.peak_activation_bytes == 17_968
    member_conv_out, member_scratch = 25 * 20 * 8, align(2 * 8 * 3 * 3 * 2)  # its second conv: 3x3 over 8 channels
    waiting_outputs = 4 * align(7)  # the inner members' 1x7 outputs, kept for their CONCATENATION (layer 27)
    assert layers[22].activation_bytes == (waiting_input + member_conv_out + 13 * 10 * 16 + member_scratch
                                           + waiting_outputs)  # the input still waits for layer 29
    inner_average = align(7)  # the MEAN's 1x7 (layer 28), kept for the outer CONCATENATION (layer 34)
    assert layers[29].activation_bytes == waiting_input + SEED_CONV_OUT + SEED_CONV_SCRATCH + inner_average
    assert layers[30].activation_bytes == SEED_CONV_OUT + SEED_RESHAPE_OUT + inner_average  # the input gone
    assert estimate_memory(graph).planned_bytes >= report.summary.peak_activation_bytes


def test_every_format_carries_the_figure(seed_bytes, reference_model_path, capsys):
    report = profile_model(seed_bytes, name="seed")
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert list(rows[0])[-1] == "activation_bytes"  # the last column: a spreadsheet's earlier columns stay put
    assert [int(row["activation_bytes"]) for row in rows] == SEED_MVP_LAYERS
    for text in (to_text_table(report), to_markdown(report).replace("**", "")):
        header = next(line for line in text.splitlines() if line.startswith("| Index"))
        assert PEAK_LINE in text and "Activation" not in header  # the layer table keeps MLTK's columns
    assert main(["profile", str(reference_model_path), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [layer["activation_bytes"] for layer in document["layers"]] == SEED_MVP_LAYERS
    summary = document["summary"]
    assert (summary["peak_activation_bytes"], summary["peak_activation_layer"], summary["peak_activation_op"]) == (
        9_888, 0, "CONV_2D")


def test_the_peak_line_follows_the_layer_tables_conventions(capsys):
    """"17,968 during 1: RESHAPE" above a table of "reshape" rows and "18.0k" figures read as another layer and
    another unit; the exact bytes stay in JSON."""
    assert main(["profile", "kws_yes_no_stream", "--accelerator", "none"]) == 0
    text = capsys.readouterr().out
    peak = "Peak Activation RAM (bytes), estimated: 18.0k during 1: reshape"
    assert peak in text.splitlines()
    row = next(line for line in text.splitlines() if line.startswith("| 1 "))
    assert row.split("|")[2].strip() == "reshape"  # the op as the row writes it
    assert main(["profile", "kws_yes_no_stream", "--accelerator", "none", "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["peak_activation_bytes"], summary["peak_activation_op"]) == (17_968, "RESHAPE")
