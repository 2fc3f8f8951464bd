"""Estimated EFR32xG24 cycles and time per layer (Cortex-M33 CPU and MVP accelerator).

Why: an engineer wants a latency figure before flashing a board. This is a deliberately simple,
documented linear model -- not a simulator. Its coefficients are fitted to the seed model's
measured board figures (MLTK ``profile --device --accelerator MVP``, EFR32xG24 at 78 MHz):

====================  ==================  ===============  ==========
layer                 accelerator cycles  CPU cycles       time
====================  ==================  ===============  ==========
CONV_2D               380.5k              85.7k            5.4 ms
RESHAPE               0                   20.5k            270 us
FULLY_CONNECTED       24.1k               5.1k             360 us
SOFTMAX               0                   3.7k             60 us
====================  ==================  ===============  ==========

so for the seed the model reproduces those numbers by construction; for other models it is an
extrapolation (see docs/profiler.md for the per-op formulas and which coefficients are assumptions).
Every figure produced here is an *estimate*; measured values live in separate report fields.

Most layers are costed from MLTK's op count, but MLTK counts 0 ops for MEAN (a FIXME in its
``mltk_tflite_micro_profiler_metrics.cc``) and for data movement (CONCATENATION, SPLIT, UNPACK …), and its count of a
SOFTMAX or a RESIZE_NEAREST_NEIGHBOR leaves out part of the tensor. Costed from those counts, such a layer would
take the same time whatever its size, so these are costed from the elements they read and write, at rates
taken from the other layers' (RESHAPE's copy, ADD's and MUL's per-element op); :attr:`CycleEstimate.basis`
says so, in words the profile shows beside the layer. The ops column stays MLTK's, but for int8 LOGISTIC and TANH,
which MLTK does not count at all: their ops are counted from TFLite Micro's kernels (graph_costs) and costed like
any other op's, and the basis says where the count comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo
from workbench.core.wording import plural
from workbench.profiler.graph_costs import (ADD_OPS_PER_ELEMENT, KERNEL_COUNTED_OPS_PER_ELEMENT, MUL_OPS_PER_ELEMENT,
                                            SOFTMAX_OPS_PER_ELEMENT, OpCost)

DEFAULT_CLOCK_HZ = 78_000_000  # EFR32xG24 HFXO-derived core clock used by MLTK's board profile

# --- MVP-accelerated layers ------------------------------------------------------------------
# accelerator cycles per MAC, fitted: conv 380.5k / 320.0k MACs, FC 24.1k / 16.0k MACs (large-input path)
MVP_CYCLES_PER_MAC = {"CONV_2D": 380_500 / 320_000, "FULLY_CONNECTED": 24_100 / 16_000,
                      "DEPTHWISE_CONV_2D": 380_500 / 320_000,  # assumption: like CONV_2D
                      "TRANSPOSE_CONV": 380_500 / 320_000}  # assumption: like CONV_2D
MVP_CYCLES_PER_OP = 1.0  # pooling/add/mul on the MVP, per MLTK op (assumption)
# CPU work for an MVP layer = program setup + per output element; two-point fit:
# conv 85.7k CPU for 4000 outputs, FC 5.1k CPU for 4 outputs
MVP_CPU_CYCLES_PER_OUTPUT = (85_700 - 5_100) / (4_000 - 4)
MVP_CPU_SETUP_CYCLES = 5_100 - 4 * MVP_CPU_CYCLES_PER_OUTPUT
# --- CPU layers ---------------------------------------------------------------------------------
CPU_LAYER_BASE_CYCLES = 1_500  # interpreter dispatch + kernel entry (assumption)
COPY_CYCLES_PER_BYTE = (20_500 - CPU_LAYER_BASE_CYCLES) / 4_000  # fitted: RESHAPE of 4000 bytes
SOFTMAX_CYCLES_PER_ELEMENT = (3_700 - CPU_LAYER_BASE_CYCLES) / 4  # fitted: SOFTMAX over 4 classes
CPU_CYCLES_PER_MAC = 2.0  # CMSIS-NN int8 on Cortex-M33 with DSP extension (assumption, not fitted)
CPU_REQUANT_CYCLES_PER_OUTPUT = MVP_CPU_CYCLES_PER_OUTPUT  # per-output requantisation (assumption)
CPU_CYCLES_PER_OP = 4.0  # element-wise kernels, per MLTK op (assumption)
COPY_OPS = frozenset({"RESHAPE", "SQUEEZE", "EXPAND_DIMS"})  # a copy of the input's bytes
MAC_OPS = frozenset({"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV"})
# --- layers MLTK's op count misses: costed from the elements they read and write ----------------------------------
# pure data movement, 0 ops in MLTK: every byte written to the outputs is copied once, at RESHAPE's fitted rate
# (TFLite Micro's UNPACK copies each output's slices of the input in turn: every input byte once)
DATA_MOVEMENT_OPS = frozenset({"CONCATENATION", "PACK", "UNPACK", "SPLIT", "STRIDED_SLICE", "SHAPE"})
# MEAN (0 ops in MLTK): one add per input element, costed as ADD's op per element, and one multiply/requantise per
# output element, as MUL's; both at CPU_CYCLES_PER_OP, whose rate covers the element's loads and stores
MEAN_CYCLES_PER_INPUT_ELEMENT = CPU_CYCLES_PER_OP * ADD_OPS_PER_ELEMENT
MEAN_CYCLES_PER_OUTPUT_ELEMENT = CPU_CYCLES_PER_OP * MUL_OPS_PER_ELEMENT
# RESIZE_NEAREST_NEIGHBOR: MLTK counts its pixel lookups (CPU_CYCLES_PER_OP each), not the channels each lookup
# copies, which are charged at RESHAPE's copy rate per byte written
LOOKUP_COPY_OPS = frozenset({"RESIZE_NEAREST_NEIGHBOR"})
# --- time -----------------------------------------------------------------------------------------
# the CPU overlaps part of its work with the MVP: time = acc + fraction * cpu (+ fixed per layer);
# fitted so conv/FC/reshape/softmax land within a few % of 5.4 ms / 360 us / 270 us / 60 us
CPU_VISIBLE_FRACTION_WITH_MVP = 0.5
LAYER_TIMING_OVERHEAD_CYCLES = 700


@dataclass(frozen=True)
class CycleEstimate:
    """Estimated cycles of one layer; ``None`` everywhere when the op's cost is unknown.

    ``basis`` says how the cycles were estimated when not from MLTK's op count (which misses the layer's work),
    e.g. "cycles from 4,160 input and 32 output elements: MLTK counts 0 ops for MEAN"; "" otherwise.
    """

    cpu_cycles: int | None
    accelerator_cycles: int | None
    time_cycles: int | None
    basis: str = ""

    def time_ms(self, clock_hz: float) -> float | None:
        return None if self.time_cycles is None else self.time_cycles / clock_hz * 1e3


UNKNOWN_CYCLES = CycleEstimate(None, None, None)


def _output_elements(graph: ModelGraph, op: OperatorInfo) -> int:
    out = graph.tensor(op.outputs[0]) if op.outputs else None
    return out.elements if out is not None else 0


def _input_elements(graph: ModelGraph, op: OperatorInfo) -> int:
    inp = graph.tensor(op.inputs[0]) if op.inputs else None
    return inp.elements if inp is not None else 0


def _input_bytes(graph: ModelGraph, op: OperatorInfo) -> int:
    inp = graph.tensor(op.inputs[0]) if op.inputs else None
    return inp.size_bytes if inp is not None else 0


def _bytes_written(graph: ModelGraph, op: OperatorInfo) -> int:
    return sum(t.size_bytes for t in graph.op_outputs(op) if t is not None)


def _time(cpu: float, acc: float) -> int:
    if acc > 0:
        return round(acc + CPU_VISIBLE_FRACTION_WITH_MVP * cpu + LAYER_TIMING_OVERHEAD_CYCLES)
    return round(cpu + LAYER_TIMING_OVERHEAD_CYCLES)


def _copy(op: OperatorInfo, copied: int) -> tuple[float, str]:
    return (CPU_LAYER_BASE_CYCLES + COPY_CYCLES_PER_BYTE * copied,
            f"cycles from {copied:,} bytes copied: MLTK counts 0 ops for {op.op}")


def _mean(graph: ModelGraph, op: OperatorInfo) -> tuple[float, str]:
    inputs, outputs = _input_elements(graph, op), _output_elements(graph, op)
    cycles = (CPU_LAYER_BASE_CYCLES + MEAN_CYCLES_PER_INPUT_ELEMENT * inputs
              + MEAN_CYCLES_PER_OUTPUT_ELEMENT * outputs)
    return cycles, f"cycles from {inputs:,} input and {outputs:,} output elements: MLTK counts 0 ops for MEAN"


def _softmax(graph: ModelGraph, op: OperatorInfo, ops: int) -> tuple[float, str]:
    """Per element of the input: MLTK counts one dimension only (the classes of a 1xN input; 1 of a 1x1x1xN)."""
    elements, counted = _input_elements(graph, op), ops // SOFTMAX_OPS_PER_ELEMENT
    basis = "" if elements == counted else (f"cycles from {elements:,} elements: MLTK's {ops:,} ops for SOFTMAX "
                                            f"count {counted:,} of them")
    return CPU_LAYER_BASE_CYCLES + SOFTMAX_CYCLES_PER_ELEMENT * elements, basis


def _lookup_copy(graph: ModelGraph, op: OperatorInfo, ops: int) -> tuple[float, str]:
    copied = _bytes_written(graph, op)
    return (CPU_LAYER_BASE_CYCLES + CPU_CYCLES_PER_OP * ops + COPY_CYCLES_PER_BYTE * copied,
            f"cycles from MLTK's {ops:,} ops and {copied:,} bytes copied: MLTK counts the pixel lookups of "
            f"{op.op}, not the channels it copies")


def _kernel_counted(graph: ModelGraph, op: OperatorInfo, ops: int) -> tuple[float, str]:
    """An int8 LOGISTIC or TANH: its ops (counted from TFLite Micro's kernel) at the rate of every other op."""
    elements, per_element = _input_elements(graph, op), KERNEL_COUNTED_OPS_PER_ELEMENT[op.op]
    return (CPU_LAYER_BASE_CYCLES + CPU_CYCLES_PER_OP * ops,
            f"ops and cycles from {elements:,} {plural(elements, 'element')}, {per_element} ops each as TFLite Micro's "
            f"int8 kernel computes them: MLTK counts 0 ops for {op.op}")


def _cpu_cycles(graph: ModelGraph, op: OperatorInfo, cost: OpCost) -> tuple[float, str]:
    """CPU cycles of a layer off the MVP, and how they were estimated where MLTK's ops miss the work ("" if not)."""
    assert cost.ops is not None and cost.macs is not None
    if op.op in MAC_OPS:
        return (CPU_LAYER_BASE_CYCLES + CPU_CYCLES_PER_MAC * cost.macs
                + CPU_REQUANT_CYCLES_PER_OUTPUT * _output_elements(graph, op)), ""
    if op.op in COPY_OPS:
        return _copy(op, _input_bytes(graph, op))
    if op.op in DATA_MOVEMENT_OPS:
        return _copy(op, _bytes_written(graph, op))
    if op.op == "MEAN":
        return _mean(graph, op)
    if op.op == "SOFTMAX":
        return _softmax(graph, op, cost.ops)
    if op.op in LOOKUP_COPY_OPS:
        return _lookup_copy(graph, op, cost.ops)
    if op.op in KERNEL_COUNTED_OPS_PER_ELEMENT:
        return _kernel_counted(graph, op, cost.ops)
    return CPU_LAYER_BASE_CYCLES + CPU_CYCLES_PER_OP * cost.ops, ""


def estimate_cycles(graph: ModelGraph, op: OperatorInfo, cost: OpCost, on_mvp: bool) -> CycleEstimate:
    """Cycles of ``op`` on the CPU alone, or split between CPU and MVP when ``on_mvp``."""
    if not cost.known:
        return UNKNOWN_CYCLES
    if on_mvp:
        assert cost.ops is not None and cost.macs is not None
        per_mac = MVP_CYCLES_PER_MAC.get(op.op)
        acc = per_mac * cost.macs if per_mac is not None else MVP_CYCLES_PER_OP * cost.ops
        cpu = MVP_CPU_SETUP_CYCLES + MVP_CPU_CYCLES_PER_OUTPUT * _output_elements(graph, op)
        return CycleEstimate(round(cpu), round(acc), _time(cpu, acc))
    cpu, basis = _cpu_cycles(graph, op, cost)
    return CycleEstimate(round(cpu), 0, _time(cpu, 0), basis)
