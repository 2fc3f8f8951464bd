"""Layers MLTK's op count misses (a MEAN's 0 ops, data movement, one row of a SOFTMAX, a resize's channels) cost
cycles that grow with the elements they read and write, and say so; their ops stay MLTK's.

The models are real: a DS-CNN converted from its spec (a global average pool becomes MEAN over 1x13x10x32), the
bundled models averaged as ``kws average`` averages them (CONCATENATION and MEAN), and small TensorFlow models.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.assets import asset_path, reference_model_path
from workbench.cli.main import main
from workbench.core.model.model_average import Member, average_models
from workbench.core.model.model_file import load_model
from workbench.profiler.report import LayerReport, profile_model

tf = pytest.importorskip("tensorflow")

from workbench.training.model.conversion import to_tflite  # noqa: E402
from workbench.training.model.keras_builder import build_model  # noqa: E402
from workbench.training.spec.model_spec import load_spec  # noqa: E402

CALIBRATION_WINDOWS = 8
DSCNN_MEAN_BASIS = "cycles from 4,160 input and 32 output elements: MLTK counts 0 ops for MEAN"


def only(tflite: bytes, op: str) -> LayerReport:
    """The last layer of kind ``op`` in the model's profile (the averaging ones come last)."""
    return [layer for layer in profile_model(tflite).layers if layer.op == op][-1]


@pytest.fixture(scope="module")
def dscnn() -> bytes:
    spec = load_spec("ds_cnn_small")
    windows = np.random.default_rng(0).integers(-128, 128, (CALIBRATION_WINDOWS, *spec.input_shape[:2]))
    return to_tflite(build_model(spec), windows.astype(np.int8))


@pytest.fixture(scope="module")
def averages() -> dict[tuple[int, int], bytes]:
    """``kws average kws_yes_no:W1 tflite_micro_speech:W2``: one CONCATENATION of W1 + W2 outputs and a MEAN."""
    members = load_model(yes_no_model_path()), load_model(reference_model_path())
    return {weights: average_models([Member(members[0], weights[0]), Member(members[1], weights[1])])
            for weights in ((1, 1), (7, 3))}


def test_a_dscnn_global_average_costs_more_than_the_small_means_of_an_average(dscnn, averages) -> None:
    """The audit: a MEAN over 4,160 values took 1.5k cycles, as the 5x7 MEAN of the bundled averaged model."""
    big = only(dscnn, "MEAN")
    stream = only(asset_path("models/kws_yes_no_stream.tflite").read_bytes(), "MEAN")
    small = only(averages[(1, 1)], "MEAN")
    assert (big.input_shapes[0], stream.input_shapes[0], small.input_shapes[0]) == ([1, 13, 10, 32], [5, 7], [2, 4])
    assert (big.ops, big.macs, stream.ops, small.ops) == (0, 0, 0, 0)  # MLTK's count, kept
    assert big.cpu_cycles > stream.cpu_cycles > small.cpu_cycles
    assert big.time_ms > stream.time_ms > small.time_ms
    assert big.cycles_basis == DSCNN_MEAN_BASIS
    # a reduction over 4,160 values costs about what the seed's RESHAPE copying 4,000 bytes does, not a tenth of it
    reshape = only(reference_model_path().read_bytes(), "RESHAPE")
    assert big.cpu_cycles > reshape.cpu_cycles / 2


def test_a_concatenation_and_a_mean_of_more_members_cost_more(averages) -> None:
    pair, ten = averages[(1, 1)], averages[(7, 3)]
    assert only(pair, "MEAN").input_shapes[0] == [2, 4] and only(ten, "MEAN").input_shapes[0] == [10, 4]
    for op in ("CONCATENATION", "MEAN"):
        fewer, more = only(pair, op), only(ten, op)
        assert fewer.ops == more.ops == 0
        assert more.cpu_cycles > fewer.cpu_cycles and more.time_ms > fewer.time_ms
    assert only(ten, "CONCATENATION").cycles_basis == "cycles from 40 bytes copied: MLTK counts 0 ops for CONCATENATION"


def test_the_basis_is_in_the_json_and_csv_profiles(dscnn, tmp_path: Path, capsys) -> None:
    path = tmp_path / "dscnn.tflite"
    path.write_bytes(dscnn)
    assert main(["profile", str(path), "--format", "json"]) == 0
    layers = json.loads(capsys.readouterr().out)["layers"]
    assert [layer["cycles_basis"] for layer in layers if layer["op"] == "MEAN"] == [DSCNN_MEAN_BASIS]
    assert all(layer["cycles_basis"] == "" for layer in layers if layer["op"] in ("CONV_2D", "FULLY_CONNECTED"))
    assert main(["profile", str(path), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["cycles_basis"] for row in rows if row["op"] == "MEAN"] == [DSCNN_MEAN_BASIS]


def padded_softmax(build_int8, pad: int) -> bytes:
    """A 6x5x3 input padded by ``pad`` on every side, a 1x1 conv, and a SOFTMAX over its 4-D output."""
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(3)
    inp = layers.Input(shape=(6, 5, 3), batch_size=1)
    x = layers.ZeroPadding2D(pad)(inp)
    out = layers.Softmax()(layers.Conv2D(2, 1)(x))
    return build_int8(tf.keras.Model(inp, out))


def test_pad_and_a_four_dimensional_softmax_cost_more_on_larger_tensors(build_int8) -> None:
    small, large = padded_softmax(build_int8, 1), padded_softmax(build_int8, 4)
    pads = only(small, "PAD"), only(large, "PAD")
    assert [pad.output_shapes[0] for pad in pads] == [[1, 8, 7, 3], [1, 14, 13, 3]]
    assert [pad.ops for pad in pads] == [6 * 8 * 7 * 3, 6 * 14 * 13 * 3]  # MLTK: 6 per output element
    assert pads[1].cpu_cycles > pads[0].cpu_cycles and pads[1].time_ms > pads[0].time_ms
    softmaxes = only(small, "SOFTMAX"), only(large, "SOFTMAX")
    assert [softmax.ops for softmax in softmaxes] == [5, 5]  # MLTK counts the first dimension of a 4-D input
    assert softmaxes[1].cpu_cycles > softmaxes[0].cpu_cycles and softmaxes[1].time_ms > softmaxes[0].time_ms
    assert softmaxes[1].cycles_basis == "cycles from 364 elements: MLTK's 5 ops for SOFTMAX count 1 of them"


def resized(build_int8, channels: int) -> bytes:
    """A 6x5 image of ``channels`` channels resized (nearest neighbour) to 12x10."""
    layers = tf.keras.layers
    inp = layers.Input(shape=(6, 5, channels), batch_size=1)
    return build_int8(tf.keras.Model(inp, layers.Resizing(12, 10, interpolation="nearest")(inp)))


def test_a_resize_costs_more_with_more_channels_to_copy(build_int8) -> None:
    narrow, wide = (only(resized(build_int8, channels), "RESIZE_NEAREST_NEIGHBOR") for channels in (1, 8))
    assert narrow.ops == wide.ops == 12 * (8 + 10 * 8)  # MLTK: the pixel lookups, whatever the channels
    assert wide.cpu_cycles > narrow.cpu_cycles and wide.time_ms > narrow.time_ms
    assert wide.cycles_basis == ("cycles from MLTK's 1,056 ops and 960 bytes copied: MLTK counts the pixel lookups "
                                 "of RESIZE_NEAREST_NEIGHBOR, not the channels it copies")
