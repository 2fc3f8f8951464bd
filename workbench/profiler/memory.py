"""Flash and RAM a model needs under TensorFlow Lite Micro on an EFR32xG24.

Why: "does it fit?" is answered before anyone flashes a board. Flash is the .tflite file itself (it is
linked into flash as a const array). RAM is the TFLM tensor arena, estimated the way TFLM fills it:

1. Non-persistent part: every non-constant tensor gets a buffer (16-byte aligned) alive from the
   layer that first touches it to the last; per-layer scratch buffers live for one layer. Buffers are
   placed by a greedy first-fit planner modelled on TFLM's ``GreedyMemoryPlanner``: largest first,
   each at the lowest offset that does not collide with a buffer alive at the same time. The subgraphs a
   layer runs (a WHILE's condition and body: a Keras LSTM's loop) are planned in the same arena, their
   tensors alive while the calling layer runs, with the lifetimes TFLM gives them
   (:mod:`workbench.profiler.arena_lifetimes`).
2. Persistent part: TFLM's per-tensor and per-layer bookkeeping structures (32-bit sizes), each kernel's
   op data, plus a fixed interpreter part; for every subgraph.
3. The kernels' own buffers (:mod:`workbench.profiler.kernel_buffers`): scratch (CMSIS-NN's im2col on the
   CPU; the input as float16 for an MVP conv) and persistent (int32 multiplier/shift per channel on the CPU,
   float16 bias/scaler on the MVP), by which kernel runs the layer; the MVP kernels' op data is larger.

The fixed interpreter part is calibrated so the seed model lands on MLTK's simulator (9,248 bytes without the
MVP; its metadata records 9,032 and a board 9,040); the MVP's op-data sizes are fitted on 20 models. With the
MVP the seed comes to 11.3k (MLTK 11,376, a board 11,344). See docs/profiler.md. The MVP runs main-graph layers
only (``mvp_ops``): a subgraph's layers are priced on the CPU.

The plan also says which layer's moment needs the most RAM (:meth:`MemoryEstimate.live_bytes`, X-CUBE-AI's
per-layer activations): the arena can be no smaller than the buffers alive together there, so that layer (and
the tensors alive across it) is where a smaller arena must come from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from workbench.core.model.tflite_graph import ModelGraph
from workbench.profiler.arena_lifetimes import MAIN_SUBGRAPH, Lifetime, arena_timeline
from workbench.profiler.kernel_buffers import kernel_buffers

ARENA_ALIGNMENT = 16  # TFLM MicroArenaBufferAlignment()
# persistent bookkeeping, 32-bit TFLM
EVAL_TENSOR_BYTES = 12  # TfLiteEvalTensor: data*, dims*, type
NODE_AND_REGISTRATION_BYTES = 40  # TfLiteNode + registration pointer
BUILTIN_DATA_BYTES = 32  # parsed builtin options, per layer that has options
IO_TENSOR_BYTES = 80  # TfLiteTensor + quantisation kept for each graph input/output
OP_DATA_BYTES = {"CONV_2D": 48, "DEPTHWISE_CONV_2D": 48, "FULLY_CONNECTED": 48, "SOFTMAX": 64,
                 "AVERAGE_POOL_2D": 32, "MAX_POOL_2D": 32, "ADD": 64, "MUL": 48}
DEFAULT_OP_DATA_BYTES = 16
# MicroAllocator, memory planner object, subgraph allocations: calibrated so the seed lands on MLTK's simulator,
# 9,248 bytes without the MVP (docs/profiler.md)
INTERPRETER_FIXED_BYTES = 480
SUBGRAPH_ALLOCATION_BYTES = 8  # TFLM SubgraphAllocations (two pointers) of each subgraph after the main one
# The MVP kernels' op data is larger than TFLM's (each holds its MVP library parameter struct): bytes added per
# layer the MVP runs. Least-squares fit, rounded to the 16-byte arena alignment, of MLTK's simulator (with MVP
# minus without) over 20 models after the kernel buffers (docs/profiler.md); MUL has no model to fit on.
MVP_EXTRA_OP_DATA_BYTES = {"CONV_2D": 64, "DEPTHWISE_CONV_2D": 64, "TRANSPOSE_CONV": 64, "FULLY_CONNECTED": 80,
                           "AVERAGE_POOL_2D": 80, "MAX_POOL_2D": 48, "ADD": 80}
ALIASING_OPS: frozenset[str] = frozenset()  # TFLM copies RESHAPE output; nothing shares a buffer


def align(value: int, alignment: int = ARENA_ALIGNMENT) -> int:
    return (value + alignment - 1) // alignment * alignment


@dataclass(frozen=True)
class PlannedBuffer:
    """One arena buffer: a tensor (``tensor`` >= 0) or a layer's scratch (``tensor`` == -1) of ``subgraph`` (0 the
    main graph), alive from moment ``first`` to ``last`` (:mod:`workbench.profiler.arena_lifetimes`)."""

    size: int
    first: int
    last: int
    tensor: int = -1
    offset: int = -1
    subgraph: int = MAIN_SUBGRAPH

    def overlaps_in_time(self, other: "PlannedBuffer") -> bool:
        return self.first <= other.last and other.first <= self.last


@dataclass(frozen=True)
class MemoryEstimate:
    flash_bytes: int
    planned_bytes: int
    persistent_bytes: int
    arena_bytes: int
    buffers: tuple[PlannedBuffer, ...]
    layer_moments: tuple[Lifetime, ...]  # each main-graph layer's first and last moment
    moment_bytes: tuple[int, ...]  # bytes of the buffers alive at each moment

    def live_bytes(self, layer: int) -> int:
        """Bytes of the planned buffers alive while main-graph ``layer`` runs: its inputs and outputs, every tensor
        made earlier and read later (a graph input a later branch reads), and its scratch; each buffer as the arena
        holds it (16-byte aligned). A layer that runs subgraphs (a WHILE) holds all that through them, so it gets
        its busiest moment: its own buffers plus its condition's or body's tensors alive then. The planned part is
        at least the largest of these: the greedy placement may leave gaps."""
        first, last = self.layer_moments[layer]
        return max(self.moment_bytes[first:last + 1])


def greedy_plan(buffers: list[PlannedBuffer]) -> tuple[list[PlannedBuffer], int]:
    """Place buffers largest-first at the lowest non-colliding offset; returns (placed, peak bytes)."""
    order = sorted(buffers, key=lambda b: (-b.size, b.first, b.subgraph, b.tensor))
    placed: list[PlannedBuffer] = []
    for buf in order:
        live = sorted((p for p in placed if p.overlaps_in_time(buf)), key=lambda p: p.offset)
        offset = 0
        for other in live:
            if offset + buf.size <= other.offset:
                break
            offset = max(offset, other.offset + other.size)
        placed.append(replace(buf, offset=offset))
    peak = max((p.offset + p.size for p in placed), default=0)
    return placed, peak


def bytes_by_moment(buffers: list[PlannedBuffer], moment_count: int) -> tuple[int, ...]:
    """Bytes of the buffers alive at each of ``moment_count`` moments (one pass over their starts and ends)."""
    change = [0] * (moment_count + 1)
    for buf in buffers:
        change[buf.first] += buf.size
        change[buf.last + 1] -= buf.size
    alive, total = [], 0
    for step in change[:moment_count]:
        total += step
        alive.append(total)
    return tuple(alive)


def persistent_bytes(graph: ModelGraph, mvp_ops: frozenset[int] = frozenset()) -> int:
    """TFLM bookkeeping for this graph and its other subgraphs (TFLM allocates every subgraph's tensors and nodes);
    ``mvp_ops`` are the main-graph layer indices the MVP runs."""
    total = INTERPRETER_FIXED_BYTES + SUBGRAPH_ALLOCATION_BYTES * len(graph.subgraphs)
    total += IO_TENSOR_BYTES * (len(graph.inputs) + len(graph.outputs))
    for number, subgraph in enumerate((graph, *graph.subgraphs)):
        total += EVAL_TENSOR_BYTES * len(subgraph.tensors)
        for op in subgraph.operators:
            total += NODE_AND_REGISTRATION_BYTES + (BUILTIN_DATA_BYTES if op.options else 0)
            if op.op != "RESHAPE":
                total += OP_DATA_BYTES.get(op.op, DEFAULT_OP_DATA_BYTES)
            on_mvp = number == MAIN_SUBGRAPH and op.index in mvp_ops
            total += sum(align(size) for size in kernel_buffers(subgraph, op, on_mvp).persistent)
            total += MVP_EXTRA_OP_DATA_BYTES.get(op.op, 0) if on_mvp else 0
    return align(total)


def estimate_memory(graph: ModelGraph, mvp_ops: frozenset[int] | None = None) -> MemoryEstimate:
    """Arena estimate without accelerator (``mvp_ops`` None) or with the MVP running ``mvp_ops``."""
    on_mvp = mvp_ops if mvp_ops is not None else frozenset()
    graphs = (graph, *graph.subgraphs)
    timeline = arena_timeline(graph)
    buffers = [PlannedBuffer(align(graphs[sub].tensors[i].size_bytes), first, last, i, subgraph=sub)
               for (sub, i), (first, last) in timeline.tensors.items()]
    for (sub, layer), (first, last) in timeline.scratch.items():
        op = graphs[sub].operators[layer]
        scratch = kernel_buffers(graphs[sub], op, sub == MAIN_SUBGRAPH and layer in on_mvp).scratch
        if scratch:
            buffers.append(PlannedBuffer(align(scratch), first, last, subgraph=sub))
    placed, peak = greedy_plan(buffers)
    persistent = persistent_bytes(graph, on_mvp)
    return MemoryEstimate(flash_bytes=graph.size_bytes, planned_bytes=peak,
                          persistent_bytes=persistent, arena_bytes=peak + persistent,
                          buffers=tuple(sorted(placed, key=lambda b: (b.first, b.offset))),
                          layer_moments=tuple(timeline.main_layers),
                          moment_bytes=bytes_by_moment(placed, timeline.moment_count))
