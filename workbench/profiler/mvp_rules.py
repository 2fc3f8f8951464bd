"""Which layers the EFR32xG24 MVP accelerator runs, and why not when it does not.

Why: the first question about a model for an xG24 board is "will the MVP take this layer?". The
rules below are data: the hardware limits and per-op checks of Silicon Labs' MVP kernels, each with
the source it was read from, so a reader can verify a verdict and update a rule when the SDK moves.

Two answers per layer, because MLTK's report and the silicon can differ:

- ``supported``/``reason``: MLTK's verdict. A layer is "unsupported" when the kernel logs a limit
  message, e.g. FULLY_CONNECTED ``weights_shape[1] (4000) > 2048``.
- ``runs_on_accelerator``: what the kernel then does. For a FULLY_CONNECTED whose accumulation depth
  exceeds 2048, the Gecko SDK kernel logs that message and then still uses its MVP "large input"
  algorithm when the loop count factorises into two factors <= 1024 -- which is why the seed model's
  FC layer was measured with 24.1k accelerator cycles although MLTK lists it as unsupported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo, TensorInfo
from workbench.profiler.kernel_buffers import data_input

SRC_DOCS = ("Silicon Labs, 'MVP Accelerator' (docs.silabs.com/machine-learning/latest/"
            "aiml-fundamentals/mvp-accelerator)")
SRC_FC = ("Gecko SDK tflite_micro_mvp_kernels: compute/nn/mvp/src/sl_mvp_ml_fully_connected.cc, "
          "sli_mvp_ml_fully_connected_s8_is_supported()")
SRC_CONV = ("Gecko SDK tflite_micro_mvp_kernels: compute/nn/mvp/src/sl_mvp_ml_conv2d.cc "
            "(conv2d(): dilation and stride checks)")
SRC_DWCONV = ("Gecko SDK tflite_micro_mvp_kernels: compute/nn/mvp/src/sli_mvp_ml_depthwise_conv2d.cc "
              "(batches == 1, input dimensions <= SLI_MVP_MAX_VECTOR_COUNT)")
SRC_POOL = ("Gecko SDK tflite_micro_mvp_kernels: compute/nn/mvp/src/sl_mvp_ml_pooling.cc "
            "(stride_width * depth <= SLI_MVP_MAX_VECTOR_STRIDE)")
SRC_ELEMENTWISE = ("Gecko SDK tflite_micro_mvp_kernels: compute/nn/mvp/src/sl_mvp_ml_add.cc, "
                   "sl_mvp_ml_mul.cc ('everything is supported')")
SRC_TRANSPOSE = "Gecko SDK tflite_micro_mvp_kernels: compute/nn/mvp/src/sl_mvp_ml_transpose_conv2d.cc"
SRC_DRIVER = "Gecko SDK tflite_micro_mvp_kernels: compute/driver/mvp/inc/sl_mvp.h, src/sl_mvp_util.cc"

# Hardware limits (sl_mvp.h; the docs page: "each dimension is limited to 1024 elements, with a
# stride between each element of 2047"; an even inner dimension packs two int8 -> 2048 values)
MVP_MAX_DIM = 1024  # SLI_MVP_MAX_COLUMN_LENGTH / SLI_MVP_MAX_VECTOR_COUNT
MVP_MAX_STRIDE = 2047  # SLI_MVP_MAX_VECTOR_STRIDE
MVP_PARALLEL_FACTOR = 2  # even inner dimension: two int8 per complex element
MVP_FACTOR_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31)  # sli_mvp_util_factorize_number()
MVP_DTYPE = "int8"  # "All MVP-accelerated operations take signed 8-bit integers"


@dataclass(frozen=True)
class MvpVerdict:
    supported: bool
    reason: str
    runs_on_accelerator: bool


@dataclass(frozen=True)
class MvpRule:
    """The check for one op type and where it comes from."""

    op: str
    summary: str
    source: str
    check: Callable[[ModelGraph, OperatorInfo], MvpVerdict]


def _t(graph: ModelGraph, index_list: tuple[int, ...], n: int) -> TensorInfo | None:
    return graph.tensor(index_list[n]) if n < len(index_list) else None


def _dim(t: TensorInfo | None, axis: int) -> int:
    if t is None or not t.shape or not -len(t.shape) <= axis < len(t.shape):
        return 1
    return t.shape[axis]


def factorize(number: int, limit: int) -> tuple[int, int] | None:
    """Split ``number`` into ``a * b`` with both <= ``limit`` the way the MVP driver does; None if not."""
    a, b = 1, number
    while a > limit or b > limit:
        for prime in MVP_FACTOR_PRIMES:
            if b % prime == 0:
                a, b = a * prime, b // prime
                break
        else:
            return None
    return a, b


def _type_check(graph: ModelGraph, op: OperatorInfo) -> MvpVerdict | None:
    """The MVP takes int8 data only: the layer's data input (not a TRANSPOSE_CONV's int32 output-shape input,
    which every such layer has) and its output."""
    inp, out = _t(graph, op.inputs, data_input(op)), _t(graph, op.outputs, 0)
    for label, tensor in (("input", inp), ("output", out)):
        if tensor is not None and tensor.dtype != MVP_DTYPE:
            return MvpVerdict(False, f"{label} type {tensor.dtype} is not {MVP_DTYPE}", False)
    return None


def _fully_connected(graph: ModelGraph, op: OperatorInfo) -> MvpVerdict:
    out, weights, bias = _t(graph, op.outputs, 0), _t(graph, op.inputs, 1), _t(graph, op.inputs, 2)
    batches = _dim(out, 0) if out is not None and len(out.shape) > 1 else 1
    output_depth, accum_depth = _dim(out, -1), _dim(weights, -1)
    max_accum, loops = MVP_MAX_DIM, accum_depth
    if accum_depth % 2 == 0:
        max_accum, loops = MVP_MAX_DIM * MVP_PARALLEL_FACTOR, accum_depth // MVP_PARALLEL_FACTOR
    if accum_depth > max_accum:
        reason = f"weights_shape[1] ({accum_depth}) > {max_accum}"
        return MvpVerdict(False, reason, factorize(loops, MVP_MAX_DIM) is not None)
    if output_depth > MVP_MAX_DIM:
        return MvpVerdict(False, f"output_shape[1] ({output_depth}) > {MVP_MAX_DIM}", False)
    bias_len = bias.elements if bias is not None else 0
    if not (1 <= batches <= MVP_MAX_DIM and accum_depth >= 1 and bias_len <= MVP_MAX_DIM):
        return MvpVerdict(False, "Hardware limits exceeded", False)
    return MvpVerdict(True, "", True)


def _conv2d(graph: ModelGraph, op: OperatorInfo) -> MvpVerdict:
    inp, out = _t(graph, op.inputs, 0), _t(graph, op.outputs, 0)
    if int(op.options.get("dilation_width", 1)) != 1 or int(op.options.get("dilation_height", 1)) != 1:
        return MvpVerdict(False, "dilation > 1 is not supported", False)
    in_ch, out_ch = _dim(inp, 3), _dim(out, 3)
    if in_ch > MVP_MAX_STRIDE or out_ch > MVP_MAX_STRIDE:
        return MvpVerdict(False, f"channels ({max(in_ch, out_ch)}) > {MVP_MAX_STRIDE}", False)
    stride_w = int(op.options.get("stride_width", 1))
    if stride_w * in_ch > MVP_MAX_STRIDE:
        return MvpVerdict(False, f"stride_width * in_channels ({stride_w * in_ch}) > {MVP_MAX_STRIDE}",
                          False)
    return MvpVerdict(True, "", True)


def _depthwise(graph: ModelGraph, op: OperatorInfo) -> MvpVerdict:
    inp = _t(graph, op.inputs, 0)
    if _dim(inp, 0) != 1:
        return MvpVerdict(False, f"batches ({_dim(inp, 0)}) != 1", False)
    for axis in (1, 2, 3):
        if _dim(inp, axis) > MVP_MAX_DIM:
            return MvpVerdict(False, f"input_shape[{axis}] ({_dim(inp, axis)}) > {MVP_MAX_DIM}", False)
    return MvpVerdict(True, "", True)


def _pooling(graph: ModelGraph, op: OperatorInfo) -> MvpVerdict:
    depth = _dim(_t(graph, op.inputs, 0), 3)
    stride_w = int(op.options.get("stride_width", 1))
    if stride_w * depth > MVP_MAX_STRIDE:
        return MvpVerdict(False, f"stride_width * depth ({stride_w * depth}) > {MVP_MAX_STRIDE}", False)
    return MvpVerdict(True, "", True)


def _always(graph: ModelGraph, op: OperatorInfo) -> MvpVerdict:
    return MvpVerdict(True, "", True)


MVP_RULES: dict[str, MvpRule] = {r.op: r for r in (
    MvpRule("FULLY_CONNECTED", "accum depth <= 1024 (2048 if even) else large-input path if the loop "
            "count factorises into two factors <= 1024; output depth, batches, bias <= 1024",
            SRC_FC, _fully_connected),
    MvpRule("CONV_2D", "int8, dilation 1, channels and stride*channels <= 2047 (rows split to fit)",
            SRC_CONV, _conv2d),
    MvpRule("DEPTHWISE_CONV_2D", "int8, batch 1, each input dimension <= 1024", SRC_DWCONV, _depthwise),
    MvpRule("AVERAGE_POOL_2D", "int8, stride_width * depth <= 2047", SRC_POOL, _pooling),
    MvpRule("MAX_POOL_2D", "int8, stride_width * depth <= 2047", SRC_POOL, _pooling),
    MvpRule("ADD", "int8, any shape", SRC_ELEMENTWISE, _always),
    MvpRule("MUL", "int8, any shape", SRC_ELEMENTWISE, _always),
    MvpRule("TRANSPOSE_CONV", "int8 (detailed limits not modelled)", SRC_TRANSPOSE, _always),
)}

CPU_ONLY = MvpVerdict(True, "", False)  # not an MVP op: runs on the CPU, which is not a failure


def mvp_verdict(graph: ModelGraph, op: OperatorInfo) -> MvpVerdict:
    """MLTK-style verdict and where the layer actually executes with the MVP enabled."""
    rule = MVP_RULES.get(op.op)
    if rule is None:
        return CPU_ONLY
    wrong_type = _type_check(graph, op)
    if wrong_type is not None:
        return wrong_type
    try:
        return rule.check(graph, op)
    except (IndexError, ValueError, TypeError):
        return MvpVerdict(False, "layer shape not understood", False)
