"""A Keras LSTM's loop in the arena: the WHILE's condition and body are subgraphs (tests/loop_models.py) whose
tensors TFLite Micro plans in the one arena, alive while the WHILE runs (micro_allocation_info.cc), so the estimate
holds the main graph's buffers and the busiest moment of the loop together. Until they were planned, the body's
tensors were left out and the estimate was the main graph's alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.loop_models import lstm_model
from workbench.cli.main import main
from workbench.core.errors import ModelError
from workbench.core.model.model_params import pack_model, unpack_model
from workbench.core.model.tflite_graph import ModelGraph, OperatorInfo, parse_model
from workbench.profiler import arena_lifetimes
from workbench.profiler.memory import EVAL_TENSOR_BYTES, NODE_AND_REGISTRATION_BYTES, estimate_memory
from workbench.profiler.report import profile_model

MAIN = 0
TOO_FEW_MOMENTS = 10  # fewer than the LSTM's loop walks (its body alone has 19 layers)


@pytest.fixture(scope="module")
def lstm() -> ModelGraph:
    return parse_model(lstm_model())


def _loop(graph: ModelGraph) -> OperatorInfo:
    return next(op for op in graph.operators if op.op == "WHILE")


def _called(graph: ModelGraph) -> tuple[int, int]:
    """The model subgraph numbers of the WHILE's condition and body."""
    options = _loop(graph).options
    return options["cond_subgraph_index"], options["body_subgraph_index"]


def _main_graph_only(graph: ModelGraph) -> ModelGraph:
    """The model as the estimate used to see it: the main graph alone, its WHILE running nothing."""
    operators = tuple(replace(op, options={}) if op.op == "WHILE" else op for op in graph.operators)
    return replace(graph, operators=operators, subgraphs=())


def _busiest_layer(subgraph: ModelGraph) -> int:
    """The most a subgraph's layers hold at once, the subgraph planned as a model of its own."""
    alone = estimate_memory(subgraph)
    return max(alone.live_bytes(op.index) for op in subgraph.operators)


def test_the_loop_is_planned_on_top_of_what_the_while_holds(lstm):
    """While the WHILE runs, its own inputs and outputs stay in the arena, and its condition's or body's tensors
    come on top: its activation RAM is the main graph's figure plus the loop's busiest layer, and the planned part
    grows by at least that much. The report's arena is that estimate."""
    loop = _loop(lstm)
    nested, alone = estimate_memory(lstm), estimate_memory(_main_graph_only(lstm))
    busiest = max(_busiest_layer(lstm.subgraphs[number - 1]) for number in _called(lstm))
    assert busiest > 0
    assert nested.live_bytes(loop.index) == alone.live_bytes(loop.index) + busiest
    assert nested.planned_bytes >= alone.planned_bytes + busiest
    others = [op.index for op in lstm.operators if op is not loop]
    assert [nested.live_bytes(i) for i in others] == [alone.live_bytes(i) for i in others]  # outside the loop
    report = profile_model(lstm_model(), accelerator="none")
    assert report.summary.arena_bytes == nested.arena_bytes
    assert report.layers[loop.index].activation_bytes == nested.live_bytes(loop.index)
    assert report.summary.peak_activation_layer == loop.index


def test_the_loops_tensors_live_inside_the_while_and_the_condition_never_meets_the_body(lstm):
    """TFLite Micro walks the condition, then the body, inside the WHILE's moment: the WHILE's non-constant inputs
    and outputs are alive across all of it, every tensor of the loop within it, and the condition's tensors are gone
    before the body's come."""
    loop = _loop(lstm)
    plan = estimate_memory(lstm)
    start, end = plan.layer_moments[loop.index]
    held = [b for b in plan.buffers if b.subgraph == MAIN and b.tensor in (*loop.inputs, *loop.outputs)]
    assert held and all(b.first <= start and b.last >= end for b in held)
    cond, body = ([b for b in plan.buffers if b.subgraph == number] for number in _called(lstm))
    assert cond and body and all(start < b.first and b.last <= end for b in (*cond, *body))
    assert not any(c.overlaps_in_time(b) for c in cond for b in body)
    body_graph = lstm.subgraphs[_called(lstm)[1] - 1]
    touched = {i for op in body_graph.operators for i in (*op.inputs, *op.outputs) if i >= 0} | set(body_graph.inputs)
    assert {b.tensor for b in body if b.tensor >= 0} == {i for i in touched if not body_graph.tensors[i].is_constant}


def test_the_loops_bookkeeping_counts_too(lstm):
    """TFLite Micro allocates an eval tensor for every tensor and a node for every layer of every subgraph."""
    nested_tensors = sum(len(sub.tensors) for sub in lstm.subgraphs)
    nested_layers = sum(len(sub.operators) for sub in lstm.subgraphs)
    extra = estimate_memory(lstm).persistent_bytes - estimate_memory(_main_graph_only(lstm)).persistent_bytes
    assert extra >= EVAL_TENSOR_BYTES * nested_tensors + NODE_AND_REGISTRATION_BYTES * nested_layers


def _rewired_loop(cond: int) -> bytes:
    """The LSTM with its WHILE's condition pointed at subgraph ``cond``, as a hand-edited file may have it."""
    schema, model = unpack_model(lstm_model())
    loop = next(op for op in model.subgraphs[MAIN].operators
                if model.operatorCodes[op.opcodeIndex].builtinCode == schema.BuiltinOperator.WHILE)
    loop.builtinOptions.condSubgraphIndex = cond
    return pack_model(schema, model)


@pytest.mark.parametrize(("cond", "sentence"), [
    (MAIN, "Layer 1 (WHILE) of subgraph 0 runs subgraph 0, which is already running: "
           "TFLite Micro cannot run a subgraph inside itself."),
    (7, "Layer 1 (WHILE) of subgraph 0 runs subgraph 7, which the model does not have."),
])
def test_a_loop_tflite_micro_could_not_run_is_one_sentence(tmp_path, capsys, cond, sentence):
    """A WHILE running the graph it is in would make TFLite Micro's planner recurse until the stack overflows, and
    one running a subgraph that is not there read past the model: the profile says so (no RecursionError)."""
    path = tmp_path / "loop.tflite"
    path.write_bytes(_rewired_loop(cond))
    with pytest.raises(ModelError) as caught:
        estimate_memory(parse_model(path.read_bytes()))
    assert str(caught.value) == sentence
    assert main(["profile", str(path)]) != 0
    assert capsys.readouterr().err == f"kws: error: {sentence}\n"


def test_a_walk_past_the_limit_is_one_sentence(lstm, monkeypatch):
    """Subgraphs calling one another in a fan would walk 2^n moments: past the limit the planner stops."""
    monkeypatch.setattr(arena_lifetimes, "MAX_MOMENTS", TOO_FEW_MOMENTS)
    with pytest.raises(ModelError, match=f"more than {TOO_FEW_MOMENTS} layers deep"):
        estimate_memory(lstm)
