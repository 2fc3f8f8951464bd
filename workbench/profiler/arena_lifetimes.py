"""When each arena buffer is alive, on TensorFlow Lite Micro's timeline, across the subgraphs a layer calls.

Why: a Keras LSTM converts to a WHILE whose condition and body are subgraphs of their own, and TFLite Micro plans
their tensors in the one arena with the main graph's. Its ``AllocationInfoBuilder`` (``micro_allocation_info.cc``)
walks the main graph counting "allocation scopes" -- here *moments*: one per layer, and one on entering each
subgraph a control-flow layer calls (a WHILE's condition, then its body; an IF's then and else branches; a
CALL_ONCE's initialiser), whose layers it walks right there, inside the calling layer. A tensor is alive from the
moment that first writes it to the last that reads it; a subgraph's inputs from the moment it is entered, its
outputs to the end of its walk; the graph's inputs from moment 0 and its outputs to the end. The calling layer
writes its outputs at its own moment and reads its inputs only after its subgraphs are walked, so its inputs,
outputs and scratch stay alive across every moment of its condition and body, while a condition's tensors never
share a moment with its body's. A subgraph called twice is walked twice: its tensors stay alive from the first call
to the last, as in TFLite Micro.

Without control flow the moments are the layers one after the other, so a single-subgraph model is planned as
before. A model whose layer calls a subgraph that is not there, or one already being walked (TFLite Micro would
read past its subgraph list or recurse until the stack overflows; LiteRT refuses to prepare either), or whose calls
would walk more than :data:`MAX_MOMENTS` moments, raises :class:`~workbench.core.errors.ModelError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.core.errors import ModelError
from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo

# op -> the options naming the subgraphs it runs, in the order TFLite Micro walks them
# (MarkSubgraphLifetimesIfNecessary)
CALLED_SUBGRAPH_OPTIONS: dict[str, tuple[str, ...]] = {
    "WHILE": ("cond_subgraph_index", "body_subgraph_index"),
    "IF": ("then_subgraph_index", "else_subgraph_index"),
    "CALL_ONCE": ("init_subgraph_index",),
}
# far above any real model (an LSTM's loop takes about 30), low enough that subgraphs calling one another in a
# fan (each IF's two branches calling the next IF) end in a sentence, not a walk of 2^n moments
MAX_MOMENTS = 100_000
MAIN_SUBGRAPH = 0

BufferKey = tuple[int, int]  # (subgraph, tensor) for a tensor's buffer, (subgraph, layer) for a layer's scratch
Lifetime = tuple[int, int]  # first and last moment alive


@dataclass
class ArenaTimeline:
    """Lifetimes of the buffers TFLite Micro plans, in moments (see the module docstring)."""

    tensors: dict[BufferKey, Lifetime] = field(default_factory=dict)  # non-constant, non-variable tensors
    scratch: dict[BufferKey, Lifetime] = field(default_factory=dict)  # every layer walked (its scratch, if any)
    main_layers: list[Lifetime] = field(default_factory=list)  # each main-graph layer, its subgraphs' moments inside
    moment_count: int = 1  # moments 0 .. moment_count - 1


def called_subgraphs(op: OperatorInfo) -> tuple[int, ...]:
    """The subgraphs ``op`` runs (model subgraph numbers: 1 is ``ModelGraph.subgraphs[0]``), in walking order."""
    named = (op.options.get(option) for option in CALLED_SUBGRAPH_OPTIONS.get(op.op, ()))
    return tuple(int(index) for index in named if index is not None)


class _TimelineWalk:
    """One walk of a model, as ``AllocationInfoBuilder::MarkAllocationLifetimes`` makes it."""

    def __init__(self, graph: ModelGraph) -> None:
        self.graphs = (graph, *graph.subgraphs)
        self.timeline = ArenaTimeline()
        self.moment = 0
        self.walking: list[int] = []

    def _planned(self, subgraph: int, index: int) -> bool:
        tensor = self.graphs[subgraph].tensor(index)
        return tensor is not None and not tensor.is_constant and not tensor.is_variable

    def _created(self, subgraph: int, index: int) -> None:
        if self._planned(subgraph, index):
            self.timeline.tensors.setdefault((subgraph, index), (self.moment, self.moment))

    def _used(self, subgraph: int, index: int) -> None:
        if self._planned(subgraph, index):
            first, _ = self.timeline.tensors.get((subgraph, index), (self.moment, self.moment))
            self.timeline.tensors[(subgraph, index)] = (first, self.moment)

    def _advance(self) -> None:
        self.moment += 1
        if self.moment >= MAX_MOMENTS:
            raise ModelError(f"The model's subgraphs call one another more than {MAX_MOMENTS:,} layers deep: "
                             "its arena cannot be planned.")

    def _enter(self, subgraph: int, caller: OperatorInfo, caller_subgraph: int) -> None:
        where = f"Layer {caller.index} ({caller.op}) of subgraph {caller_subgraph}"
        if not 0 <= subgraph < len(self.graphs):
            raise ModelError(f"{where} runs subgraph {subgraph}, which the model does not have.")
        if subgraph in self.walking:
            raise ModelError(f"{where} runs subgraph {subgraph}, which is already running: "
                             "TFLite Micro cannot run a subgraph inside itself.")
        self._advance()
        self.walk(subgraph)

    def walk(self, subgraph: int) -> None:
        graph = self.graphs[subgraph]
        self.walking.append(subgraph)
        for index in graph.inputs:
            self._created(subgraph, index)
            self._used(subgraph, index)
        for op in graph.operators:
            self._advance()
            for index in op.outputs:
                self._created(subgraph, index)
            start = self.moment
            for callee in called_subgraphs(op):
                self._enter(callee, op, subgraph)
            for index in (*op.inputs, *op.outputs):
                self._used(subgraph, index)
            first, _ = self.timeline.scratch.get((subgraph, op.index), (start, start))
            self.timeline.scratch[(subgraph, op.index)] = (first, self.moment)
            if subgraph == MAIN_SUBGRAPH:
                self.timeline.main_layers.append((start, self.moment))
        for index in graph.outputs:
            self._created(subgraph, index)
            self._used(subgraph, index)
        self.walking.pop()


def arena_timeline(graph: ModelGraph) -> ArenaTimeline:
    """Every planned buffer's lifetime in ``graph`` and the subgraphs its layers call, and each main-graph layer's
    moments; raises :class:`ModelError` for a call TFLite Micro could not make (module docstring)."""
    walk = _TimelineWalk(graph)
    walk.walk(MAIN_SUBGRAPH)
    walk.timeline.moment_count = walk.moment + 1
    return walk.timeline
