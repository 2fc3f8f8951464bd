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
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo
from workbench.profiler.graph_costs import SOFTMAX_OPS_PER_ELEMENT, OpCost

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
COPY_OPS = frozenset({"RESHAPE", "SQUEEZE", "EXPAND_DIMS"})
MAC_OPS = frozenset({"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV"})
# --- time -----------------------------------------------------------------------------------------
# the CPU overlaps part of its work with the MVP: time = acc + fraction * cpu (+ fixed per layer);
# fitted so conv/FC/reshape/softmax land within a few % of 5.4 ms / 360 us / 270 us / 60 us
CPU_VISIBLE_FRACTION_WITH_MVP = 0.5
LAYER_TIMING_OVERHEAD_CYCLES = 700


@dataclass(frozen=True)
class CycleEstimate:
    """Estimated cycles of one layer; ``None`` everywhere when the op's cost is unknown."""

    cpu_cycles: int | None
    accelerator_cycles: int | None
    time_cycles: int | None

    def time_ms(self, clock_hz: float) -> float | None:
        return None if self.time_cycles is None else self.time_cycles / clock_hz * 1e3


UNKNOWN_CYCLES = CycleEstimate(None, None, None)


def _output_elements(graph: ModelGraph, op: OperatorInfo) -> int:
    out = graph.tensor(op.outputs[0]) if op.outputs else None
    return out.elements if out is not None else 0


def _input_bytes(graph: ModelGraph, op: OperatorInfo) -> int:
    inp = graph.tensor(op.inputs[0]) if op.inputs else None
    return inp.size_bytes if inp is not None else 0


def _time(cpu: float, acc: float) -> int:
    if acc > 0:
        return round(acc + CPU_VISIBLE_FRACTION_WITH_MVP * cpu + LAYER_TIMING_OVERHEAD_CYCLES)
    return round(cpu + LAYER_TIMING_OVERHEAD_CYCLES)


def _cpu_cycles(graph: ModelGraph, op: OperatorInfo, cost: OpCost) -> float:
    assert cost.ops is not None and cost.macs is not None
    if op.op in MAC_OPS:
        return (CPU_LAYER_BASE_CYCLES + CPU_CYCLES_PER_MAC * cost.macs
                + CPU_REQUANT_CYCLES_PER_OUTPUT * _output_elements(graph, op))
    if op.op in COPY_OPS:
        return CPU_LAYER_BASE_CYCLES + COPY_CYCLES_PER_BYTE * _input_bytes(graph, op)
    if op.op == "SOFTMAX":
        return CPU_LAYER_BASE_CYCLES + SOFTMAX_CYCLES_PER_ELEMENT * (cost.ops / SOFTMAX_OPS_PER_ELEMENT)
    return CPU_LAYER_BASE_CYCLES + CPU_CYCLES_PER_OP * cost.ops


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
    cpu = _cpu_cycles(graph, op, cost)
    return CycleEstimate(round(cpu), 0, _time(cpu, 0))
