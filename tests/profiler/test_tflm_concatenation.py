"""A CONCATENATION of more than 10 inputs: LiteRT runs it, TFLite Micro fails to prepare it, the profile says so.

The model is what ``kws average kws_yes_no:7 tflite_micro_speech:4`` used to write: one CONCATENATION of the
members' outputs repeated by weight (11 inputs), built here by widening a 1:1 average's concatenation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.assets import reference_model_path
from workbench.cli.main import main
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_average import Member, average_models
from workbench.core.model.model_file import load_model
from workbench.core.model.model_params import pack_model, unpack_model
from workbench.core.model.tflm_limits import TFLM_MAX_CONCATENATION_INPUTS
from workbench.profiler.device_limits import TFLM_CONCATENATION_REASON
from workbench.profiler.report import profile_model

INPUT_SHAPE = (49, 40)


def one_concatenation(weights: tuple[int, int]) -> bytes:
    """An average of the bundled models whose single CONCATENATION takes each member's output ``weights`` times."""
    pair = average_models([Member(load_model(yes_no_model_path())), Member(load_model(reference_model_path()))])
    schema, tree = unpack_model(pair)
    graph = tree.subgraphs[0]
    (concat,) = [op for op in graph.operators
                 if tree.operatorCodes[op.opcodeIndex].builtinCode == schema.BuiltinOperator.CONCATENATION]
    first, second = concat.inputs
    concat.inputs = [first] * weights[0] + [second] * weights[1]
    stacked = graph.tensors[concat.outputs[0]]
    stacked.shape = np.array([sum(weights), *stacked.shape[1:]], dtype=np.int32)
    return pack_model(schema, tree)


@pytest.fixture(scope="module")
def eleven_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("models") / "w11.tflite"
    path.write_bytes(one_concatenation((7, 4)))
    return path


def test_a_concatenation_of_eleven_inputs_is_refused_with_the_reason(eleven_inputs: Path, capsys) -> None:
    tflite = eleven_inputs.read_bytes()
    ModelRunner(tflite).probabilities(np.zeros(INPUT_SHAPE, np.int8))  # LiteRT on the host runs it without a word
    report = profile_model(tflite)
    (concat,) = [layer for layer in report.layers if layer.op == "CONCATENATION"]
    assert concat.runs_on_device is False and concat.supported is False and not concat.runs_on_accelerator
    assert concat.reason == f"{TFLM_CONCATENATION_REASON} (this one has 11)"
    assert "at most 10 inputs" in concat.reason and TFLM_MAX_CONCATENATION_INPUTS == 10
    assert (concat.cpu_cycles, concat.time_ms) == (None, None)
    assert all(layer.runs_on_device for layer in report.layers if layer is not concat)
    assert report.summary.tflm_unsupported_layer_count == 1
    assert main(["profile", str(eleven_inputs)]) == 0
    line = next(text for text in capsys.readouterr().out.splitlines() if text.startswith("Runs on TFLite Micro: "))
    assert line == (f"Runs on TFLite Micro: no: {TFLM_CONCATENATION_REASON}: layer {concat.index} (11 inputs) fails "
                    "to prepare; concatenate at most 10 at a time (a concatenation of concatenations gives the same "
                    "tensor)")


def test_ten_inputs_and_what_kws_average_writes_run_on_tflite_micro() -> None:
    for tflite in (one_concatenation((7, 3)), average_models([Member(load_model(yes_no_model_path()), 7),
                                                             Member(load_model(reference_model_path()), 4)])):
        report = profile_model(tflite)
        assert all(layer.runs_on_device for layer in report.layers)
        assert report.summary.tflm_unsupported_layer_count == 0 and report.summary.tflm_problem == ""
