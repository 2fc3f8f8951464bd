"""output_kind on real converted models: a Dense layer's int8 logits, the same with a Softmax (int8 and float
output), a one-unit sigmoid, and the bundled model; and the quantisation rule on a graph whose last op says
nothing."""

from __future__ import annotations

import dataclasses

import pytest

from tests.bundled_model_paths import yes_no_model_path
from tests.tiny_models import logits_model, sigmoid_model, softmax_model
from workbench.core.model.output_kind import PROBABILITY_SCALE, output_kind
from workbench.core.model.tflite_graph import ModelGraph, parse_model


@pytest.fixture(scope="module")
def logits_graph() -> ModelGraph:
    return parse_model(logits_model())


def test_a_dense_layers_output_is_logits_and_said_so(logits_graph: ModelGraph) -> None:
    kind = output_kind(logits_graph)
    assert kind.logits and kind.last_op == "FULLY_CONNECTED" and kind.units == 4
    notice = kind.notice()
    assert notice.startswith("the model's output is not a softmax (its last op is FULLY_CONNECTED): its scores "
                             "are logits, not probabilities")
    assert "add a Softmax layer before converting" in notice and "\n" not in notice


@pytest.mark.parametrize("build, last_op, units", [
    (softmax_model, "SOFTMAX", 4),
    (lambda: softmax_model(float_output=True), "SOFTMAX", 4),  # SOFTMAX then DEQUANTIZE: looked through
    (sigmoid_model, "LOGISTIC", 1),
    (lambda: yes_no_model_path().read_bytes(), "SOFTMAX", 4),
])
def test_softmax_and_sigmoid_outputs_are_probabilities(build, last_op: str,  # type: ignore[no-untyped-def]
                                                        units: int) -> None:
    kind = output_kind(parse_model(build()))
    assert kind.probabilities and not kind.logits
    assert (kind.last_op, kind.units, kind.notice()) == (last_op, units, "")


def _with_output_quantisation(graph: ModelGraph, dtype: str, scale: float, zero_point: int) -> ModelGraph:
    out = graph.outputs[0]
    tensor = dataclasses.replace(graph.tensors[out], dtype=dtype, scale=(scale,), zero_point=(zero_point,))
    return dataclasses.replace(graph, tensors=graph.tensors[:out] + (tensor,) + graph.tensors[out + 1:])


@pytest.mark.parametrize("dtype, scale, zero_point, probabilities", [
    ("int8", PROBABILITY_SCALE, -128, True),
    ("uint8", PROBABILITY_SCALE, 0, True),
    ("int8", PROBABILITY_SCALE, 0, False),  # the scale alone is not a probability's quantisation
    ("uint8", PROBABILITY_SCALE, -128, False),
    ("int8", 0.5, -128, False),
])
def test_a_probabilitys_quantisation_counts_whatever_the_last_op(logits_graph: ModelGraph, dtype: str, scale: float,
                                                                 zero_point: int, probabilities: bool) -> None:
    kind = output_kind(_with_output_quantisation(logits_graph, dtype, scale, zero_point))
    assert kind.probabilities is probabilities and kind.last_op == "FULLY_CONNECTED"
    assert bool(kind.notice()) is not probabilities


def test_one_half_is_where_a_one_unit_model_says_its_class(logits_graph: ModelGraph) -> None:
    assert output_kind(parse_model(sigmoid_model())).decision_score == 0.5
    assert output_kind(logits_graph).decision_score == 0.0  # the logit of one half
