"""The profile of a model: per-layer rows and a summary, as plain dataclasses.

Why: the CLI, the GUI panel and the exports all show the same numbers, so they are computed once
here (:func:`profile_model`) and carried in objects that serialise to JSON without loss. Estimates
and measurements are kept apart on purpose: every computed figure sits under ``estimated=True``
fields, host timings are ``HostLatency`` (measured on this machine), and board measurements go into
``measured`` (``BoardMeasurement``), which stays ``None`` until a board run fills it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

from workbench.core.errors import SettingsError
from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo, TensorInfo, parse_model
from workbench.profiler.accelerators import ACCELERATORS, DEFAULT_ACCELERATOR, MVP, NO_ACCELERATOR
from workbench.profiler.cycles import DEFAULT_CLOCK_HZ, UNKNOWN_CYCLES, estimate_cycles
from workbench.profiler.device_limits import XG24_FLASH_BYTES, flash_problem, graph_tflm_problem, tflm_refusal
from workbench.profiler.graph_costs import op_cost
from workbench.profiler.memory import estimate_memory
from workbench.profiler.mvp_rules import mvp_verdict

MS_PER_S = 1000.0
TIME_DECIMALS = 6  # milliseconds to the nanosecond
RATE_DECIMALS = 3  # inferences per second
SIGNIFICANT_DIGITS = 6  # kept whatever the decimals: a small time (a fast clock) is small, never 0
# the inputs that are a compute layer's parameters (weights, bias), by position: what Keras and MLTK count as
# parameters; other constants (RESHAPE's shape, PAD's paddings, MEAN's axis, TRANSPOSE_CONV's output shape) are not
PARAMETER_INPUTS: dict[str, tuple[int, ...]] = {
    "CONV_2D": (1, 2), "DEPTHWISE_CONV_2D": (1, 2), "FULLY_CONNECTED": (1, 2), "TRANSPOSE_CONV": (1, 3),
    "PRELU": (1,),
}
ESTIMATE_BASIS = ("ops/MACs: MLTK's counting rules; cycles/time: linear model fitted to the seed "
                  "model's EFR32xG24 board figures; RAM: greedy arena plan + TFLM bookkeeping")
SCALAR_SHAPE_TEXT = "scalar"  # a tensor of no dimensions, as `kws info` writes it (TensorInfo.shape_str)
# what keeps a model off the board whatever its speed, as the summaries of `kws profile` and the window label it
TFLM_PROBLEM_LABEL = "Runs on TFLite Micro"
FLASH_PROBLEM_LABEL = "Fits in Flash"
# and whether an inference fits in the model's latency_ms (workbench.profiler.inference_pace)
LATENCY_PROBLEM_LABEL = "Keeps up with latency_ms"
# the SL_PARAMSv1 parameter holding the runtime memory (tensor arena) the firmware reserves for the model
RUNTIME_MEMORY_KEY = "runtime_memory_size"


def shape_text(shape: Sequence[int]) -> str:
    """``1x49x40x1``, and "scalar" for a tensor of no dimensions (a STRIDED_SLICE's output, CUMPROD's axis), which
    would otherwise print as nothing, or as a stray comma in a list of shapes."""
    return "x".join(map(str, shape)) if len(shape) else SCALAR_SHAPE_TEXT


def shapes_text(shapes: Sequence[Sequence[int]], separator: str = ",") -> str:
    """Several tensors' shapes, ``1x4,scalar``."""
    return separator.join(shape_text(shape) for shape in shapes)


@dataclass
class BoardMeasurement:
    """Figures of one layer measured on a real board (filled by the board tooling, never by the estimator).

    ``unsupported`` is the firmware's kernel message for the layer (e.g. ``weights_shape[1] (4000) > 2048``).
    """

    source: str
    cpu_cycles: int | None = None
    accelerator_cycles: int | None = None
    time_ms: float | None = None
    arena_bytes: int | None = None
    ops: int | None = None
    macs: int | None = None
    unsupported: str | None = None


@dataclass
class BoardSummaryMeasurement:
    """A board run's summary: the chip, its clock, the arena the firmware settled on, layer totals, the log."""

    source: str
    platform: str | None = None
    part_number: str | None = None
    clock_hz: int | None = None
    runtime_memory_bytes: int | None = None
    total_cpu_cycles: int | None = None
    total_accelerator_cycles: int | None = None
    total_time_ms: float | None = None
    log: str = ""


@dataclass
class HostLatency:
    """LiteRT invoke time measured on this computer (not the board)."""

    median_ms: float
    p90_ms: float
    runs: int
    pipeline_hop_median_ms: float | None = None
    pipeline_hop_p90_ms: float | None = None
    runtime: str = "ai-edge-litert"
    measured: bool = True


@dataclass
class LayerReport:
    index: int
    op: str
    ops: int | None
    macs: int | None
    input_shapes: list[list[int]]
    input_types: list[str]
    output_shapes: list[list[int]]
    output_types: list[str]
    options: dict[str, Any]
    options_text: str
    params: int  # weights and biases (:func:`parameter_elements`), as Keras counts them
    param_bytes: int  # bytes of all the layer's constant inputs (what it keeps in flash)
    cpu_cycles: int | None
    accelerator_cycles: int | None
    time_ms: float | None
    supported: bool
    reason: str
    runs_on_accelerator: bool
    known: bool = True
    estimated: bool = True
    measured: BoardMeasurement | None = None
    # False when TFLite Micro refuses the layer (a hybrid layer, a CONCATENATION of more than 10 inputs, a Flex or
    # other custom op without a kernel): no device cycles or time, ``reason`` says why
    runs_on_device: bool = True
    # how the cycles and time were estimated where MLTK's op count misses the layer's work (MEAN, CONCATENATION …:
    # workbench.profiler.cycles), e.g. "cycles from 56 bytes copied: MLTK counts 0 ops for CONCATENATION"; "" when
    # they follow from the ops and MACs
    cycles_basis: str = ""
    # activation RAM live while the layer runs (workbench.profiler.memory.MemoryEstimate.live_bytes): its inputs,
    # outputs, tensors kept for later layers and its scratch, in the arena plan of the profile's accelerator
    activation_bytes: int = 0

    @property
    def input_shape_text(self) -> str:
        return shapes_text(self.input_shapes)

    @property
    def output_shape_text(self) -> str:
        return shapes_text(self.output_shapes)


@dataclass
class ProfileSummary:
    name: str
    accelerator: str
    clock_hz: int
    flash_bytes: int
    arena_bytes: int
    arena_bytes_mvp: int
    total_ops: int
    total_macs: int
    total_cpu_cycles: int
    total_accelerator_cycles: int
    total_time_ms: float
    inferences_per_s: float
    layer_count: int
    unsupported_layer_count: int
    unknown_layer_count: int
    input_shape: list[int]
    input_type: str
    output_shape: list[int]  # the first output's (``output_shapes`` has every output's)
    output_type: str
    estimated: bool = True
    estimate_basis: str = ESTIMATE_BASIS
    host_latency: HostLatency | None = None
    measured: BoardSummaryMeasurement | None = None
    input_shapes: list[list[int]] = field(default_factory=list)  # every graph input, in order
    input_types: list[str] = field(default_factory=list)
    output_shapes: list[list[int]] = field(default_factory=list)  # every graph output, in order
    output_types: list[str] = field(default_factory=list)
    # does it fit and run at all (workbench.profiler.device_limits): a sentence each, "" when it does
    flash_capacity_bytes: int = XG24_FLASH_BYTES
    fits_in_flash: bool = True
    flash_problem: str = ""
    tflm_unsupported_layer_count: int = 0
    tflm_problem: str = ""
    # layers without a cycle or time estimate (an op of unknown cost, or one TFLite Micro refuses): the cycle and
    # time totals leave them out, so they are lower bounds (and the inference rate an upper one)
    untimed_layer_count: int = 0
    # the model's latency_ms (None: not given), whether an inference fits in it (None: not judged) and, when it does
    # not, the sentence saying why (the summary's line prefixes "no: "; workbench.profiler.inference_pace.note_latency
    # fills all three)
    latency_ms: int | None = None
    latency_problem: str = ""
    keeps_up: bool | None = None
    # the layer whose moment needs the most activation RAM (LayerReport.activation_bytes; the first such layer):
    # its index and op (None and "" for a graph without layers) and that figure
    peak_activation_bytes: int = 0
    peak_activation_layer: int | None = None
    peak_activation_op: str = ""
    # the runtime memory the model's parameters store (runtime_memory_size: what the firmware reserves), None when
    # they store none; note_stored_runtime_memory fills it, so that every view of the profile can say it beside the
    # estimate instead of one figure per view
    stored_runtime_memory_bytes: int | None = None


@dataclass
class ProfileReport:
    layers: list[LayerReport] = field(default_factory=list)
    summary: ProfileSummary | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"layers": [asdict(layer) for layer in self.layers],
                "summary": asdict(self.summary) if self.summary is not None else None}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def round_kept(value: float, decimals: int) -> float:
    """``round(value, decimals)``, with more decimals where fewer than :data:`SIGNIFICANT_DIGITS` would be left.

    Why: a report carries rounded figures, and a plain ``round(0.0000004, 6)`` is 0 -- a layer at a high
    clock would show 0 ms and its model 0 inferences per second, when both are merely small or large.
    """
    if value == 0 or not math.isfinite(value):
        return value
    needed = SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(abs(value)))
    return round(value, max(decimals, needed))


def _fmt_option(key: str, value: Any) -> str:
    return f"{key}:{str(value).lower()}"


def options_text(op: OperatorInfo) -> str:
    """MLTK-style one-line options, e.g. ``Padding:same stride:2x2 activation:relu``."""
    o = op.options
    parts: list[str] = []
    if "padding" in o:
        parts.append(_fmt_option("Padding", o["padding"]))
    if "stride_width" in o:
        parts.append(f"stride:{o['stride_width']}x{o.get('stride_height', o['stride_width'])}")
    if "filter_width" in o:
        parts.append(f"filter:{o['filter_width']}x{o.get('filter_height', o['filter_width'])}")
    if o.get("dilation_width", 1) != 1 or o.get("dilation_height", 1) != 1:
        parts.append(f"dilation:{o.get('dilation_width', 1)}x{o.get('dilation_height', 1)}")
    if "depth_multiplier" in o:
        parts.append(f"depth_multiplier:{o['depth_multiplier']}")
    if "activation" in o:
        parts.append(_fmt_option("activation" if parts else "Activation", o["activation"]))
    if o.get("keep_num_dims"):
        parts.append("keep_num_dims:true")
    if not parts:
        parts = [f"{k}:{v}" for k, v in o.items() if isinstance(v, (int, float, str, bool))]
    return " ".join(parts) if parts else "none"


def _shapes(tensors: list[TensorInfo | None]) -> tuple[list[list[int]], list[str]]:
    present = [t for t in tensors if t is not None]
    return [list(t.shape) for t in present], [t.dtype for t in present]


def parameter_elements(op: OperatorInfo, inputs: list[TensorInfo | None]) -> int:
    """Weights and biases of a compute layer (constant inputs at :data:`PARAMETER_INPUTS`' positions); 0 for
    any other layer, so the model's total matches Keras' and MLTK's parameter count."""
    positions = PARAMETER_INPUTS.get(op.op, ())
    return sum(t.elements for i, t in enumerate(inputs) if i in positions and t is not None and t.is_constant)


def peak_activation(layers: Sequence[LayerReport]) -> LayerReport | None:
    """The layer with the most activation RAM live while it runs (the first of equals), None without layers."""
    return max(layers, key=lambda layer: layer.activation_bytes, default=None)


def _layer(graph: ModelGraph, op: OperatorInfo, accelerator: str, clock_hz: int,
           activation_bytes: int) -> LayerReport:
    cost = op_cost(graph, op)
    verdict = mvp_verdict(graph, op)
    refusal = tflm_refusal(graph, op)
    on_mvp = accelerator == MVP and verdict.runs_on_accelerator and refusal is None
    cycles = UNKNOWN_CYCLES if refusal is not None else estimate_cycles(graph, op, cost, on_mvp)
    inputs, outputs = graph.op_inputs(op), graph.op_outputs(op)
    in_shapes, in_types = _shapes(inputs)
    out_shapes, out_types = _shapes(outputs)
    constants = [t for t in inputs if t is not None and t.is_constant]
    time_ms = cycles.time_ms(clock_hz)
    return LayerReport(
        index=op.index, op=op.op, ops=cost.ops, macs=cost.macs,
        input_shapes=in_shapes, input_types=in_types, output_shapes=out_shapes, output_types=out_types,
        options=dict(op.options), options_text=options_text(op),
        params=parameter_elements(op, inputs), param_bytes=sum(t.size_bytes for t in constants),
        cpu_cycles=cycles.cpu_cycles, accelerator_cycles=cycles.accelerator_cycles,
        time_ms=None if time_ms is None else round_kept(time_ms, TIME_DECIMALS),
        supported=verdict.supported and refusal is None,
        reason=verdict.reason if refusal is None else refusal, runs_on_accelerator=on_mvp,
        known=cost.known, runs_on_device=refusal is None, cycles_basis=cycles.basis,
        activation_bytes=activation_bytes)


def build_report(graph: ModelGraph, *, name: str = "", accelerator: str = DEFAULT_ACCELERATOR,
                 clock_hz: int = DEFAULT_CLOCK_HZ) -> ProfileReport:
    """Profile a parsed graph (see :func:`profile_model`)."""
    if accelerator not in ACCELERATORS:
        raise SettingsError(f"Unknown accelerator {accelerator!r}; choose one of {', '.join(ACCELERATORS)}.")
    if clock_hz <= 0:
        raise SettingsError(f"The clock must be positive, not {clock_hz} Hz.")
    mvp_layers = frozenset(op.index for op in graph.operators if mvp_verdict(graph, op).runs_on_accelerator)
    plain, with_mvp = estimate_memory(graph), estimate_memory(graph, mvp_layers)
    plan = plain if accelerator == NO_ACCELERATOR else with_mvp  # the arena of the layers where this profile runs them
    layers = [_layer(graph, op, accelerator, clock_hz, plan.live_bytes(op.index)) for op in graph.operators]
    peak = peak_activation(layers)
    time_ms = sum(layer.time_ms or 0.0 for layer in layers)
    first_in = graph.tensor(graph.inputs[0]) if graph.inputs else None
    first_out = graph.tensor(graph.outputs[0]) if graph.outputs else None
    in_shapes, in_types = _shapes([graph.tensor(i) for i in graph.inputs])
    out_shapes, out_types = _shapes([graph.tensor(i) for i in graph.outputs])
    too_big = flash_problem(graph.size_bytes)
    summary = ProfileSummary(
        name=name, accelerator=accelerator, clock_hz=int(clock_hz),
        flash_bytes=graph.size_bytes, arena_bytes=plain.arena_bytes,
        arena_bytes_mvp=with_mvp.arena_bytes,
        total_ops=sum(layer.ops or 0 for layer in layers),
        total_macs=sum(layer.macs or 0 for layer in layers),
        total_cpu_cycles=sum(layer.cpu_cycles or 0 for layer in layers),
        total_accelerator_cycles=sum(layer.accelerator_cycles or 0 for layer in layers),
        total_time_ms=round_kept(time_ms, TIME_DECIMALS),
        inferences_per_s=round_kept(MS_PER_S / time_ms, RATE_DECIMALS) if time_ms > 0 else 0.0,
        layer_count=len(layers),
        unsupported_layer_count=sum(not layer.supported for layer in layers),
        unknown_layer_count=sum(not layer.known for layer in layers),
        input_shape=list(first_in.shape) if first_in else [],
        input_type=first_in.dtype if first_in else "",
        output_shape=list(first_out.shape) if first_out else [],
        output_type=first_out.dtype if first_out else "",
        input_shapes=in_shapes, input_types=in_types, output_shapes=out_shapes, output_types=out_types,
        fits_in_flash=not too_big, flash_problem=too_big,
        tflm_unsupported_layer_count=sum(not layer.runs_on_device for layer in layers),
        tflm_problem=graph_tflm_problem(graph),
        untimed_layer_count=sum(layer.time_ms is None for layer in layers),
        peak_activation_bytes=peak.activation_bytes if peak else 0,
        peak_activation_layer=peak.index if peak else None, peak_activation_op=peak.op if peak else "")
    return ProfileReport(layers=layers, summary=summary)


def profile_model(tflite: bytes, *, name: str = "", accelerator: str = DEFAULT_ACCELERATOR,
                  clock_hz: int = DEFAULT_CLOCK_HZ) -> ProfileReport:
    """Estimate ops, MACs, memory, cycles and MVP support of a .tflite model.

    ``accelerator`` is ``"mvp"`` (layers the MVP takes run there) or ``"none"`` (CPU only);
    ``arena_bytes`` and ``arena_bytes_mvp`` are both always reported. Raises ``ModelError`` for bytes
    that are not a model and ``SettingsError`` for a bad accelerator or clock.
    """
    return build_report(parse_model(tflite), name=name, accelerator=accelerator, clock_hz=clock_hz)


def note_stored_runtime_memory(report: ProfileReport, params: Mapping[str, Any]) -> None:
    """Put the runtime memory the model's parameters store (``runtime_memory_size``) into ``report``'s summary.

    Why: ``kws info``, ``kws params`` and the Model workspace show the stored figure, the profile its own estimate;
    a profile that never named the stored one left two figures for one arena. A value the firmware would not take
    (absent, not a positive whole number) is left out, as the firmware ignores it; so is one noted before (a board
    report the Profile workspace keeps for the network is shown again for a copy with other parameters).
    """
    if report.summary is None:
        return
    value = params.get(RUNTIME_MEMORY_KEY)
    valid = isinstance(value, int) and not isinstance(value, bool) and value > 0
    report.summary.stored_runtime_memory_bytes = value if valid else None
