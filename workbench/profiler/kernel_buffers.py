"""The arena buffers each TFLM kernel asks for beyond its tensors: scratch and persistent, by layer shape.

Why: the tensor arena is not only tensors. In ``Prepare`` a kernel may request a scratch buffer
(``RequestScratchBufferInArena``, planned like a tensor alive for that one layer) and persistent buffers
(``AllocatePersistentBuffer``, kept for the model's life, each 16-byte aligned). Which ones, and how big,
depends on whether the layer runs on the MVP or falls back to the CPU kernel, so the two are modelled here
by rule from the layer's shapes; :mod:`workbench.profiler.memory` plans them.

Sources (read from MLTK 0.20.0's tree, github.com/SiliconLabs/mltk):

- MVP kernels, ``cpp/shared/gecko_sdk/tflite_micro_mvp_kernels/kernels/``:
  ``conv.cc`` -- on the MVP: float16 bias + float16 output scaler per output channel (persistent) and the
  scratch of ``sli_mvp_ml_conv2d_s8_get_scratch_buffer_size()``: the whole input as float16 when
  ``SL_MVP_OPTIMIZE_SPEED`` is 1 (it is in ``platforms/silabs/brd2601/config/sl_mvp_config.h`` and in the
  simulator's ``platforms/linux/sl_mvp_config.h``); on the CPU: int32 multiplier + int32 shift per channel
  and CMSIS-NN's ``arm_convolve_wrapper_s8_get_buffer_size()``.
  ``depthwise_conv.cc`` -- the same persistent buffers, no scratch on the MVP; CMSIS-NN's
  ``arm_depthwise_conv_wrapper_s8_get_buffer_size()`` on the CPU.
  ``fully_connected.cc`` -- on the MVP only: float16 bias (when the layer has one); no scratch either way.
  ``pooling.cc`` -- no buffers on the MVP; average pooling on the CPU: ``arm_avgpool_s8_get_buffer_size()``.
  ``transpose_conv.cc`` -- on the MVP: the output as float16 (scratch) + float16 bias/scaler; on the CPU:
  the output as int32 (scratch) + int32 multiplier/shift.
  ``add.cc``, ``mul.cc`` -- nothing beyond their op data.
- CMSIS-NN buffer sizes as the simulator computes them (``ARM_MATH_DSP``, Cortex-M33):
  ``cpp/shared/cmsis/wrapper/get_buffer_size.c``. Without an accelerator TFLM's own CMSIS-NN kernels use the
  same functions, so the CPU rules below serve both cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo, TensorInfo

FLOAT16_BYTES = 2  # float16_t
INT16_BYTES = 2  # CMSIS-NN im2col buffers hold int16
INT32_BYTES = 4  # per-channel multiplier / shift, transpose-conv and avgpool accumulators
CMSIS_CONV_IM2COL_COLUMNS = 2  # arm_convolve_s8 / 1_x_n: two im2col columns
CMSIS_FAST_1X1_CHANNEL_MULTIPLE = 4  # arm_convolve_1x1_s8_fast needs in_channels % 4 == 0
QUANTIZED_DTYPE = "int8"
PER_CHANNEL_BUFFERS = 2  # multiplier + shift on the CPU, bias + scaler on the MVP
CONV_OPS = frozenset({"CONV_2D", "DEPTHWISE_CONV_2D", "TRANSPOSE_CONV"})
FILTER_INPUT = 1
TRANSPOSE_CONV_DATA_INPUT = 2  # TRANSPOSE_CONV inputs: output shape, filter, data, bias


@dataclass(frozen=True)
class KernelBuffers:
    """What one layer's kernel requests: ``scratch`` bytes for the layer's run (0: none) and the sizes of its
    extra persistent allocations (beyond its op data), each of which the arena aligns on its own."""

    scratch: int = 0
    persistent: tuple[int, ...] = ()


NO_BUFFERS = KernelBuffers()


def _tensor(graph: ModelGraph, indices: tuple[int, ...], position: int) -> TensorInfo | None:
    return graph.tensor(indices[position]) if len(indices) > position and indices[position] >= 0 else None


def _dims4(t: TensorInfo | None) -> tuple[int, int, int, int] | None:
    return (t.shape[0], t.shape[1], t.shape[2], t.shape[3]) if t is not None and len(t.shape) == 4 else None


def same_padding(in_size: int, out_size: int, filter_size: int, stride: int, dilation: int) -> int:
    """TFLM ``ComputePaddingHeightWidth`` for SAME padding: the leading pad along one axis."""
    effective_filter = (filter_size - 1) * dilation + 1
    return max((out_size - 1) * stride + effective_filter - in_size, 0) // 2


def _padded(op: OperatorInfo, inp: tuple[int, ...], out: tuple[int, ...], filt: tuple[int, ...]) -> bool:
    if str(op.options.get("padding", "VALID")).upper() != "SAME":
        return False
    pads = (same_padding(inp[axis], out[axis], filt[axis], int(op.options.get(f"stride_{name}", 1)),
                         int(op.options.get(f"dilation_{name}", 1)))
            for axis, name in ((1, "height"), (2, "width")))
    return any(pad > 0 for pad in pads)


def cmsis_conv_scratch(op: OperatorInfo, inp: tuple[int, ...], filt: tuple[int, ...],
                       out: tuple[int, ...]) -> int:
    """``arm_convolve_wrapper_s8_get_buffer_size``: nothing for an unpadded stride-1 1x1 conv whose input
    channels are a multiple of 4 (the fast 1x1 kernel), else two int16 im2col columns of in_ch x fh x fw."""
    strides = int(op.options.get("stride_width", 1)), int(op.options.get("stride_height", 1))
    fast_1x1 = (filt[1] == 1 and filt[2] == 1 and strides == (1, 1) and not _padded(op, inp, out, filt)
                and inp[3] % CMSIS_FAST_1X1_CHANNEL_MULTIPLE == 0)
    return 0 if fast_1x1 else CMSIS_CONV_IM2COL_COLUMNS * inp[3] * filt[1] * filt[2] * INT16_BYTES


def cmsis_depthwise_scratch(inp: tuple[int, ...], filt: tuple[int, ...], out: tuple[int, ...]) -> int:
    """``arm_depthwise_conv_wrapper_s8_get_buffer_size``: the optimised kernel's int16 in_ch x fh x fw buffer
    when channels in == out (depth multiplier 1) and batch 1, else nothing."""
    return inp[3] * filt[1] * filt[2] * INT16_BYTES if inp[3] == out[3] and inp[0] == 1 else 0


def data_input(op: OperatorInfo) -> int:
    """The position of the layer's data (activation) input: 0, but 2 for TRANSPOSE_CONV, whose input 0 is the
    int32 output shape."""
    return TRANSPOSE_CONV_DATA_INPUT if op.op == "TRANSPOSE_CONV" else 0


def _conv_buffers(graph: ModelGraph, op: OperatorInfo, on_mvp: bool) -> KernelBuffers:
    inp_t, filt_t = _tensor(graph, op.inputs, data_input(op)), _tensor(graph, op.inputs, FILTER_INPUT)
    out_t = _tensor(graph, op.outputs, 0)
    inp, out, filt = _dims4(inp_t), _dims4(out_t), _dims4(filt_t)
    if inp_t is None or out_t is None or inp is None or out is None or filt is None:
        return NO_BUFFERS
    channels = out[3]
    if on_mvp:
        per_channel = (FLOAT16_BYTES * channels,) * PER_CHANNEL_BUFFERS
        scratch = {"CONV_2D": inp_t.elements * FLOAT16_BYTES,
                   "TRANSPOSE_CONV": out_t.elements * FLOAT16_BYTES}.get(op.op, 0)
        return KernelBuffers(scratch, per_channel)
    per_channel = (INT32_BYTES * channels,) * PER_CHANNEL_BUFFERS
    if inp_t.dtype != QUANTIZED_DTYPE:
        return KernelBuffers(0, per_channel)
    if op.op == "CONV_2D":
        return KernelBuffers(cmsis_conv_scratch(op, inp, filt, out), per_channel)
    if op.op == "DEPTHWISE_CONV_2D":
        return KernelBuffers(cmsis_depthwise_scratch(inp, filt, out), per_channel)
    return KernelBuffers(out_t.elements * INT32_BYTES, per_channel)  # reference TRANSPOSE_CONV accumulators


def _fully_connected_buffers(graph: ModelGraph, op: OperatorInfo, on_mvp: bool) -> KernelBuffers:
    bias = _tensor(graph, op.inputs, 2)
    return KernelBuffers(0, (bias.elements * FLOAT16_BYTES,)) if on_mvp and bias is not None else NO_BUFFERS


def _average_pool_buffers(graph: ModelGraph, op: OperatorInfo, on_mvp: bool) -> KernelBuffers:
    inp_t = _tensor(graph, op.inputs, 0)
    if on_mvp or inp_t is None or inp_t.dtype != QUANTIZED_DTYPE or not inp_t.shape:
        return NO_BUFFERS
    return KernelBuffers(inp_t.shape[-1] * INT32_BYTES)  # arm_avgpool_s8_get_buffer_size: one int32 per channel


def kernel_buffers(graph: ModelGraph, op: OperatorInfo, on_mvp: bool) -> KernelBuffers:
    """The scratch and extra persistent buffers ``op``'s kernel requests; ``on_mvp``: the MVP kernel takes it
    (MLTK's ``sli_mvp_ml_*_is_supported``), else the CPU (CMSIS-NN / reference) kernel does."""
    if op.op in CONV_OPS:
        return _conv_buffers(graph, op, on_mvp)
    if op.op == "FULLY_CONNECTED":
        return _fully_connected_buffers(graph, op, on_mvp)
    if op.op == "AVERAGE_POOL_2D":
        return _average_pool_buffers(graph, op, on_mvp)
    return NO_BUFFERS
