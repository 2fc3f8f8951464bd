"""Each kernel's scratch and persistent buffers, worked out by hand from MLTK's kernel sources for the DS-CNN of
conftest (49x10x1 -> conv 10x4/2 -> 25x5x32 -> 2 x (depthwise 3x3, pointwise 1x1) -> average pool -> dense 4)."""

from __future__ import annotations

import pytest

from workbench.core.model.tflite_graph import parse_model
from workbench.profiler.kernel_buffers import KernelBuffers, kernel_buffers, same_padding

CHANNELS = 32
FEATURE_MAP = 25 * 5 * CHANNELS  # elements of every 25x5x32 activation
INPUT = 49 * 10 * 1


@pytest.fixture(scope="module")
def graph(ds_cnn):
    return parse_model(ds_cnn)


def test_cpu_kernels_ask_for_cmsis_nn_scratch_and_int32_multiplier_and_shift(graph):
    got = [kernel_buffers(graph, op, on_mvp=False) for op in graph.operators]
    per_channel = (4 * CHANNELS, 4 * CHANNELS)
    assert got[0] == KernelBuffers(2 * 1 * 10 * 4 * 2, per_channel)  # im2col: 2 columns of in_ch x 10x4 int16
    assert got[1] == KernelBuffers(CHANNELS * 3 * 3 * 2, per_channel)  # optimised depthwise: in_ch x 3x3 int16
    assert got[2] == KernelBuffers(0, per_channel)  # 1x1, stride 1, unpadded, in_ch % 4 == 0: the fast kernel
    assert got[5] == KernelBuffers(CHANNELS * 4)  # average pooling: one int32 per channel
    assert got[6] == got[7] == KernelBuffers()  # dense and softmax: op data only


def test_mvp_kernels_hold_the_conv_input_as_float16_and_float16_bias_and_scaler(graph):
    got = [kernel_buffers(graph, op, on_mvp=True) for op in graph.operators]
    per_channel = (2 * CHANNELS, 2 * CHANNELS)
    assert got[0] == KernelBuffers(INPUT * 2, per_channel)
    assert got[1] == KernelBuffers(0, per_channel)  # the MVP depthwise kernel needs no scratch
    assert got[2] == KernelBuffers(FEATURE_MAP * 2, per_channel)  # the pointwise conv's 25x5x32 input
    assert got[5] == KernelBuffers()  # the MVP pools without scratch
    assert got[6] == KernelBuffers()  # the converter dropped this dense layer's all-zero bias: nothing to convert


def test_an_mvp_dense_layer_keeps_its_biases_as_float16(reference_model_path):
    seed = parse_model(reference_model_path.read_bytes())
    dense = seed.operators[2]
    assert dense.op == "FULLY_CONNECTED"
    assert kernel_buffers(seed, dense, on_mvp=True) == KernelBuffers(0, (4 * 2,))  # 4 classes, float16 each
    assert kernel_buffers(seed, dense, on_mvp=False) == KernelBuffers()


@pytest.mark.parametrize(("in_size", "out_size", "filter_size", "stride", "pad"), [
    (49, 25, 10, 2, 4),  # the DS-CNN's first conv: (25 - 1) * 2 + 10 - 49 = 9 -> 4 before, 5 after
    (25, 25, 3, 1, 1),
    (25, 25, 1, 1, 0),
])
def test_same_padding_is_tflms(in_size, out_size, filter_size, stride, pad):
    assert same_padding(in_size, out_size, filter_size, stride, dilation=1) == pad
