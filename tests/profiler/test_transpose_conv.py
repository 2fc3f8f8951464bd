"""A TRANSPOSE_CONV layer, as a decoder or an upsampling block has it: the MVP takes it (its int8 data is input 2;
input 0 is the int32 output shape every such layer carries), with the MVP kernel's buffers.

MLTK 0.20.0's profile of the model below (``profile_model(path, accelerator="mvp")``) lists the layer without an
error message and gives 27,668 bytes of arena with the MVP (43,364 without): the MVP kernel keeps the layer's
output as float16, the CPU kernel as int32.
"""

from __future__ import annotations

import pytest

from workbench.core.model.tflite_graph import parse_model
from workbench.profiler.kernel_buffers import FLOAT16_BYTES, INT32_BYTES
from workbench.profiler.mvp_rules import mvp_verdict
from workbench.profiler.report import profile_model

tf = pytest.importorskip("tensorflow", reason="tensorflow builds the test model")

INPUT_SHAPE = (49, 40, 1)
CHANNELS = 4
UPSAMPLED_ELEMENTS = 50 * 40 * CHANNELS  # conv stride 2 -> 25x20x4, transpose conv stride 2 -> 50x40x4
MLTK_ARENA_MVP, MLTK_ARENA_CPU = 27_668, 43_364
ARENA_TOLERANCE = 0.02


@pytest.fixture(scope="module")
def upsampling_model(build_int8) -> bytes:
    """conv 3x3/2 -> transpose conv 3x3/2 -> flatten -> dense(4) -> softmax."""
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(1)
    inp = layers.Input(INPUT_SHAPE, batch_size=1)
    x = layers.Conv2D(CHANNELS, 3, strides=2, padding="same")(inp)
    x = layers.Conv2DTranspose(CHANNELS, 3, strides=2, padding="same")(x)
    out = layers.Dense(4, activation="softmax")(layers.Flatten()(x))
    return build_int8(tf.keras.Model(inp, out))


def test_the_mvp_takes_an_int8_transpose_conv(upsampling_model):
    graph = parse_model(upsampling_model)
    layer = next(op for op in graph.operators if op.op == "TRANSPOSE_CONV")
    assert graph.tensor(layer.inputs[0]).dtype == "int32"  # the output shape: no reason to refuse the layer
    verdict = mvp_verdict(graph, layer)
    assert (verdict.supported, verdict.reason, verdict.runs_on_accelerator) == (True, "", True)
    profiled = profile_model(upsampling_model).layers[layer.index]
    assert profiled.supported and profiled.runs_on_accelerator and profiled.accelerator_cycles > 0


def test_its_arena_with_the_mvp_holds_the_output_as_float16(upsampling_model):
    summary = profile_model(upsampling_model).summary
    for estimate, mltk in ((summary.arena_bytes_mvp, MLTK_ARENA_MVP), (summary.arena_bytes, MLTK_ARENA_CPU)):
        assert abs(estimate - mltk) <= mltk * ARENA_TOLERANCE, (estimate, mltk)
    scratch_saved = UPSAMPLED_ELEMENTS * (INT32_BYTES - FLOAT16_BYTES)
    assert summary.arena_bytes - summary.arena_bytes_mvp > scratch_saved * (1 - ARENA_TOLERANCE)
