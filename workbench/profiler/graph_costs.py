"""Operation and multiply-accumulate counts per layer, counted exactly the way MLTK counts them.

Why: engineers compare our numbers with MLTK's ``profile``/``summarize`` reports, so the counts must
match MLTK to the unit, including its conventions (a MAC is 2 ops, bias adds 1 op per output, a fused
ReLU adds 2 ops per output, softmax is 5 ops per class, RESHAPE counts 0 because MLTK evaluates it
before the arena is planned and sees input and output at the same address). The formulas follow the
algorithm of MLTK's ``mltk_tflite_micro_profiler_metrics.cc``; the code here is our own.

Two ops MLTK has no formula for (it reports 0 ops for them) are counted from TFLite Micro's own kernels instead:
int8 LOGISTIC and TANH, whose kernels do a fixed amount of fixed-point arithmetic per element (the derivation is at
their constants). A sigmoid output or an LSTM's gates would otherwise leave every total of the model a bound. UNPACK
(an unrolled LSTM splits its input into frames with it) has no case in MLTK either, which reports it as its metrics'
default of 0 ops and 0 MACs; it is pure data movement like PACK, which MLTK lists as 0, so it counts 0 here too. Any
other op MLTK has no formula for gives ``known=False`` and ``None`` counts ("unknown"), never a crash.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable

from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo, TensorInfo

OPS_PER_MAC = 2  # one multiply + one add
FUSED_RELU_OPS_PER_OUTPUT = 2  # min(max(lower, x), upper)
FUSED_RELU_ACTIVATIONS = frozenset({"RELU", "RELU_N1_TO_1", "RELU6"})
SOFTMAX_OPS_PER_ELEMENT = 1 + 3 + 1  # max search, exp (3), normalise
ADD_OPS_PER_ELEMENT = 1  # one add per element of the first input
MUL_OPS_PER_ELEMENT = 1  # one multiply per output element
QUANTIZE_OPS_PER_ELEMENT = 4  # divide, add, min, max
DEQUANTIZE_OPS_PER_ELEMENT = 2  # subtract, multiply
PAD_OPS_PER_ELEMENT = 6  # one move + ~5 comparisons
RELU_OPS_PER_ELEMENT = 2
RESIZE_NEAREST_OPS_PER_LOOKUP = 8  # MLTK's approximation of GetNearestNeighbor()
INT32_BYTES = 4
# --- LOGISTIC and TANH (int8), counted from TFLite Micro's kernels: MLTK has no formula for them -------------------
# reference_integer_ops::Logistic / Tanh (micro/kernels/logistic.cc, tanh.cc) run gemmlowp's fixed-point logistic /
# tanh on each element. Counted as the C source writes it, one op per fixed-point multiply, rounding shift, add or
# subtract, compare or mask, and select (loads and stores are in the CPU's rate per op, as for the other ops), for an
# element inside the kernel's input range; one beyond it saturates after 3 ops, so a layer of such costs less.
# exp(x) for x < 0 (exp_on_negative_values): x mod 1/4 - 1/4 (2), to 0 integer bits (1), a 4th-order Taylor series
# on [-1/4, 0) (12: x + 1/8, x^2, x^3, x^4, x^4/4, + x^3, * 1/3, + x^2, / 2, + x, * e^-1/8, + e^-1/8), the remainder
# (1), and x == 0 (mask, select: 2); then one step per power of two of the input's range, from 1/4 up (bit, mask,
# multiply by e^-power, select: 4)
EXP_FIXED_OPS = 2 + 1 + 12 + 1 + 2
EXP_OPS_PER_POWER_OF_TWO = 4
# 1 / (1 + x) for x in (0, 1), Newton-Raphson: half the denominator (1), first estimate (multiply, add: 2), 3
# iterations of multiply, 1 - that, multiply, rescale, add (15), rescale (1)
NEWTON_DIVISION_OPS = 1 + 2 + 3 * 5 + 1
# the kernel around gemmlowp: subtract the input zero point (1), 2 compares with the input radius, rescale to Q4.27
# (MultiplyByQuantizedMultiplier: shift, multiply, rounding shift: 3), the result to int8 (rounding shift: 1), clamp (2)
INT8_ACTIVATION_KERNEL_OPS = 1 + 2 + 3 + 1 + 2
# LOGISTIC: add its output zero point (1); the sign: masks x > 0 and x == 0 (2), |x| (negate, select: 2), -|x| (1),
# 1 - the result (1), 2 selects (2): 8; exp(-|x|) of a 4-integer-bit input (6 powers of two: 1/4 .. 8);
# 1 / (1 + exp(-|x|))
LOGISTIC_OPS_PER_ELEMENT = (INT8_ACTIVATION_KERNEL_OPS + 1 + 8 + EXP_FIXED_OPS + 6 * EXP_OPS_PER_POWER_OF_TWO
                            + NEWTON_DIVISION_OPS)  # 79
# TANH: the sign: masks x < 0 and x == 0 (2), |x| (negate, select: 2), negate the result (1), 2 selects (2): 7;
# exp(-2|x|), the doubling exact, so its input has 5 integer bits (7 powers of two: 1/4 .. 16); (1 - e) / (1 + e):
# the division and 1 subtract more
TANH_OPS_PER_ELEMENT = (INT8_ACTIVATION_KERNEL_OPS + 7 + EXP_FIXED_OPS + 7 * EXP_OPS_PER_POWER_OF_TWO
                        + NEWTON_DIVISION_OPS + 1)  # 82
KERNEL_COUNTED_OPS_PER_ELEMENT = {"LOGISTIC": LOGISTIC_OPS_PER_ELEMENT, "TANH": TANH_OPS_PER_ELEMENT}
# only int8 has that kernel: int16 interpolates a 256-entry table and float calls expf/tanhf, work of another shape
KERNEL_COUNTED_TYPE = "int8"

# ops MLTK counts as 0: pure data movement or shape bookkeeping, and MEAN (a FIXME in MLTK); the cycle estimate
# costs them from the elements they read and write instead (workbench.profiler.cycles). UNPACK has no case in MLTK's
# calculator, so MLTK's report shows its metrics' default: 0 ops, 0 MACs (TFLite Micro's kernel only copies)
ZERO_COST_OPS = frozenset({"SHAPE", "STRIDED_SLICE", "PACK", "UNPACK", "SPLIT", "EXPAND_DIMS",
                           "CONCATENATION", "MEAN", "RESHAPE"})


@dataclass(frozen=True)
class OpCost:
    """Counts for one layer; ``None`` when the op is unknown to the cost model."""

    ops: int | None
    macs: int | None

    @property
    def known(self) -> bool:
        return self.ops is not None


UNKNOWN_COST = OpCost(ops=None, macs=None)


def _dims(t: TensorInfo | None) -> tuple[int, ...]:
    return t.shape if t is not None else ()


def _dim(t: TensorInfo | None, axis: int) -> int:
    shape = _dims(t)
    if not shape:
        return 1
    return shape[axis] if -len(shape) <= axis < len(shape) else 1


def _flat(t: TensorInfo | None) -> int:
    return t.elements if t is not None else 0


def _input(graph: ModelGraph, op: OperatorInfo, n: int) -> TensorInfo | None:
    return graph.tensor(op.inputs[n]) if n < len(op.inputs) else None


def _output(graph: ModelGraph, op: OperatorInfo, n: int = 0) -> TensorInfo | None:
    return graph.tensor(op.outputs[n]) if n < len(op.outputs) else None


def _activation_ops(op: OperatorInfo, count: int) -> int:
    return count * FUSED_RELU_OPS_PER_OUTPUT if op.options.get("activation") in FUSED_RELU_ACTIVATIONS else 0


def _conv_out_size(size: int, filt: int, stride: int, padding: str) -> int:
    """TFLite's output size rule (dilation 1), as MLTK uses it for TRANSPOSE_CONV."""
    stride = max(stride, 1)
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size + stride - filt) // stride


def _fully_connected(g: ModelGraph, op: OperatorInfo) -> OpCost:
    out, weights, bias = _output(g, op), _input(g, op, 1), _input(g, op, 2)
    output_depth, accum_depth = _dim(out, -1), _dim(weights, -1)
    macs = output_depth * accum_depth
    ops = macs * OPS_PER_MAC + (output_depth if bias is not None else 0)
    return OpCost(ops + _activation_ops(op, output_depth), macs)


def _conv2d(g: ModelGraph, op: OperatorInfo) -> OpCost:
    inp, filt, bias, out = _input(g, op, 0), _input(g, op, 1), _input(g, op, 2), _output(g, op)
    outputs = _dim(out, 1) * _dim(out, 2) * _dim(out, 3)
    macs = _dim(filt, 1) * _dim(filt, 2) * _dim(inp, 3) * outputs
    ops = macs * OPS_PER_MAC + (outputs if bias is not None else 0)
    return OpCost(ops + _activation_ops(op, outputs), macs)


def _depthwise_conv2d(g: ModelGraph, op: OperatorInfo) -> OpCost:
    inp, filt, bias, out = _input(g, op, 0), _input(g, op, 1), _input(g, op, 2), _output(g, op)
    multiplier = int(op.options.get("depth_multiplier", 1) or 1)
    outputs = multiplier * _dim(inp, 3) * _dim(out, 1) * _dim(out, 2)
    macs = _dim(filt, 1) * _dim(filt, 2) * outputs
    ops = macs * OPS_PER_MAC + (outputs if bias is not None else 0)
    return OpCost(ops + _activation_ops(op, outputs), macs)


def _transpose_conv(g: ModelGraph, op: OperatorInfo) -> OpCost:
    # inputs: output_shape, filter, input, [bias]
    filt, inp, bias, out = _input(g, op, 1), _input(g, op, 2), _input(g, op, 3), _output(g, op)
    in_h, in_w, f_h, f_w = _dim(inp, 1), _dim(inp, 2), _dim(filt, 1), _dim(filt, 2)
    out_depth = _dim(out, 3)
    macs = f_h * f_w * out_depth * in_w * in_h * _dim(inp, 3)
    ops = macs * OPS_PER_MAC
    if bias is not None:
        padding = str(op.options.get("padding", "SAME"))
        out_h = _conv_out_size(in_h, f_h, int(op.options.get("stride_height", 1)), padding)
        out_w = _conv_out_size(in_w, f_w, int(op.options.get("stride_width", 1)), padding)
        ops += out_w * out_h * out_depth
    return OpCost(ops, macs)


def _pool(extra_per_output: int) -> Callable[[ModelGraph, OperatorInfo], OpCost]:
    def count(g: ModelGraph, op: OperatorInfo) -> OpCost:
        out = _output(g, op)
        outputs = _dim(out, 1) * _dim(out, 2) * _dim(out, 3)
        window = int(op.options.get("filter_width", 1)) * int(op.options.get("filter_height", 1))
        return OpCost(outputs * (window + extra_per_output) + _activation_ops(op, outputs), 0)
    return count


def _softmax(g: ModelGraph, op: OperatorInfo) -> OpCost:
    shape = _dims(_input(g, op, 0))
    size = shape[1] if len(shape) == 2 else (shape[0] if shape else 1)  # MLTK's choice of dimension
    return OpCost(size * SOFTMAX_OPS_PER_ELEMENT, 0)


def _per_input_element(ops_per_element: int) -> Callable[[ModelGraph, OperatorInfo], OpCost]:
    return lambda g, op: OpCost(_flat(_input(g, op, 0)) * ops_per_element, 0)


def _kernel_counted(ops_per_element: int) -> Callable[[ModelGraph, OperatorInfo], OpCost]:
    """Ops of an int8 LOGISTIC or TANH, per element of its input (see their constants); unknown for other types."""
    def count(g: ModelGraph, op: OperatorInfo) -> OpCost:
        inp = _input(g, op, 0)
        if inp is None or inp.dtype != KERNEL_COUNTED_TYPE:
            return UNKNOWN_COST
        return OpCost(inp.elements * ops_per_element, 0)
    return count


def _pad(g: ModelGraph, op: OperatorInfo) -> OpCost:
    return OpCost(_flat(_output(g, op)) * PAD_OPS_PER_ELEMENT, 0)


def _mul(g: ModelGraph, op: OperatorInfo) -> OpCost:
    return OpCost(_flat(_output(g, op)) * MUL_OPS_PER_ELEMENT, 0)


def _resize_nearest(g: ModelGraph, op: OperatorInfo) -> OpCost:
    size = _input(g, op, 1)
    if size is None or size.data is None or len(size.data) < 2 * INT32_BYTES:
        return UNKNOWN_COST  # MLTK reads the constant size tensor; without it we cannot count
    height, width = struct.unpack_from("<2i", size.data)
    return OpCost(height * (RESIZE_NEAREST_OPS_PER_LOOKUP + width * RESIZE_NEAREST_OPS_PER_LOOKUP), 0)


def _zero(g: ModelGraph, op: OperatorInfo) -> OpCost:
    return OpCost(0, 0)


_COUNTERS: dict[str, Callable[[ModelGraph, OperatorInfo], OpCost]] = {
    "FULLY_CONNECTED": _fully_connected,
    "CONV_2D": _conv2d,
    "DEPTHWISE_CONV_2D": _depthwise_conv2d,
    "TRANSPOSE_CONV": _transpose_conv,
    "MAX_POOL_2D": _pool(0),
    "AVERAGE_POOL_2D": _pool(1),  # + one divide per output
    "SOFTMAX": _softmax,
    "ADD": _per_input_element(ADD_OPS_PER_ELEMENT),
    "RELU": _per_input_element(RELU_OPS_PER_ELEMENT),
    "RELU6": _per_input_element(RELU_OPS_PER_ELEMENT),
    "QUANTIZE": _per_input_element(QUANTIZE_OPS_PER_ELEMENT),
    "DEQUANTIZE": _per_input_element(DEQUANTIZE_OPS_PER_ELEMENT),
    "PAD": _pad,
    "MUL": _mul,
    "RESIZE_NEAREST_NEIGHBOR": _resize_nearest,
    **{name: _kernel_counted(per_element) for name, per_element in KERNEL_COUNTED_OPS_PER_ELEMENT.items()},
    **{name: _zero for name in ZERO_COST_OPS},
}

KNOWN_OPS = frozenset(_COUNTERS)


def op_cost(graph: ModelGraph, op: OperatorInfo) -> OpCost:
    """Ops and MACs of one layer as MLTK reports them; :data:`UNKNOWN_COST` for other ops."""
    counter = _COUNTERS.get(op.op)
    if counter is None:
        return UNKNOWN_COST
    try:
        return counter(graph, op)
    except (IndexError, ValueError, TypeError, struct.error):
        return UNKNOWN_COST  # malformed layer: report it as unknown rather than fail the whole profile
