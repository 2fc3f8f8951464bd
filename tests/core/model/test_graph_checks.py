"""A damaged graph that would crash LiteRT's native code is refused with one sentence before LiteRT sees it: real
bundled models with one layer rewired as fuzzing ``kws`` found them (all but the softmax one killed ``kws detect``,
and the window, with a segmentation fault or an abort), and a bias left out, which LiteRT does allow, still runs."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest

from tests.cli.installed_kws import run_kws
from workbench.assets import default_model_path, reference_model_path, sample_audio_path
from workbench.bundled_models import bundled_model_file
from workbench.core.errors import ModelError
from workbench.core.model.graph_checks import OMITTED, may_be_omitted
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_file import load_model
from workbench.core.model.model_params import pack_model, unpack_model
from workbench.core.model.tflite_graph import parse_model

STREAM_MODEL = "kws_yes_no_stream"  # the bundled average: its narrower members' outputs are PADded
USER_MISTAKE = 2  # kws's exit code for bad input
Rewiring = Callable[[list[int], list[int]], None]  # changes a layer's inputs and outputs in place


def rewired(tflite: bytes, op_name: str, change: Rewiring) -> tuple[bytes, int]:
    """``tflite`` with the first ``op_name`` layer's inputs and outputs (lists) changed in place by ``change``; the
    bytes and the layer's index."""
    schema, model = unpack_model(tflite)
    graph = parse_model(tflite)
    index = next(op.index for op in graph.operators if op.op == op_name)
    layer = model.subgraphs[0].operators[index]
    inputs, outputs = list(layer.inputs), list(layer.outputs)
    change(inputs, outputs)
    layer.inputs, layer.outputs = np.array(inputs, np.int32), np.array(outputs, np.int32)
    return pack_model(schema, model), index


def _omit(position: int) -> Rewiring:
    def change(inputs: list[int], _outputs: list[int]) -> None:
        inputs[position] = OMITTED
    return change


def _write_own_input(inputs: list[int], outputs: list[int]) -> None:
    outputs[0] = inputs[0]


def _model_bytes(name: str) -> bytes:
    path = {"reference": reference_model_path(), "default": default_model_path()}.get(name) or bundled_model_file(name)
    assert path is not None
    return path.read_bytes()


@pytest.mark.parametrize(("model", "op", "change", "said"), [
    ("reference", "RESHAPE", _omit(1), "lacks its input 1, which it needs; the model file is damaged."),
    ("default", "CONV_2D", _omit(1), "lacks its input 1, which it needs; the model file is damaged."),
    ("default", "FULLY_CONNECTED", _omit(1), "lacks its input 1, which it needs; the model file is damaged."),
    ("default", "SOFTMAX", _omit(0), "lacks its input 0, which it needs; the model file is damaged."),
    (STREAM_MODEL, "PAD", _write_own_input, "writes tensor {tensor}, which is also its input; the model file is "
                                            "damaged."),
], ids=["reshape without its shape", "conv without weights", "dense without weights", "softmax without input",
        "pad writing its input"])
def test_a_layer_litert_would_crash_on_is_refused_in_one_sentence(model: str, op: str, change: Rewiring,
                                                                  said: str) -> None:
    damaged, index = rewired(_model_bytes(model), op, change)
    tensor = parse_model(_model_bytes(model)).operators[index].inputs[0]
    expected = f"Layer {index} ({op}) {said.format(tensor=tensor)}"
    with pytest.raises(ModelError) as caught:
        parse_model(damaged)
    assert str(caught.value) == expected
    with pytest.raises(ModelError) as caught:  # the live engine's and kws detect's runner: LiteRT never sees it
        ModelRunner(damaged)
    assert str(caught.value) == expected


def test_a_bias_left_out_is_a_model_litert_runs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert may_be_omitted("CONV_2D", 2) and not may_be_omitted("CONV_2D", 1) and not may_be_omitted("RESHAPE", 1)
    assert may_be_omitted("UNIDIRECTIONAL_SEQUENCE_LSTM", 5)  # ops not known here are not judged
    without_bias, _index = rewired(_model_bytes("reference"), "FULLY_CONNECTED", _omit(2))
    path = tmp_path / "no_bias.tflite"
    path.write_bytes(without_bias)
    model = load_model(path)
    scores = ModelRunner(model.tflite, params=model.params, graph=model.graph).scores_u8(np.zeros((49, 40), np.int8))
    assert scores.shape == (len(model.classes),)


def test_kws_detect_on_such_a_model_says_so_instead_of_dying(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In a process of its own, as a user runs it: before the check this died of SIGSEGV with nothing said."""
    damaged, _index = rewired(_model_bytes("reference"), "RESHAPE", _omit(1))
    path = tmp_path / "damaged.tflite"
    path.write_bytes(damaged)
    result = run_kws("detect", "--model", str(path), str(sample_audio_path()))
    assert (result.returncode, result.stderr.splitlines()) == (USER_MISTAKE, [
        f"kws: error: {path}: Layer 1 (RESHAPE) lacks its input 1, which it needs; the model file is damaged."])


def test_a_tensor_two_layers_write_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The dense layer gone and the reshape writing the softmax's output: LiteRT ran it far enough to fail, then freed
    the tensor twice, and kws died of SIGABRT after its error line."""
    schema, model = unpack_model(_model_bytes("reference"))
    layers = model.subgraphs[0].operators
    ops = [op.op for op in parse_model(_model_bytes("reference")).operators]
    del layers[ops.index("FULLY_CONNECTED")]
    ops.remove("FULLY_CONNECTED")
    reshape, softmax = ops.index("RESHAPE"), ops.index("SOFTMAX")
    layers[reshape].outputs = np.array(layers[softmax].outputs, np.int32)
    path = tmp_path / "two_writers.tflite"
    path.write_bytes(pack_model(schema, model))
    said = (f"Layer {softmax} (SOFTMAX) writes tensor {layers[softmax].outputs[0]}, which layer {reshape} writes too; "
            "the model file is damaged.")
    result = run_kws("detect", "--model", str(path), str(sample_audio_path()))
    assert (result.returncode, result.stderr.splitlines()) == (USER_MISTAKE, [f"kws: error: {path}: {said}"])
