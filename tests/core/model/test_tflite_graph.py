"""A model file that cannot be parsed gets one sentence saying it is damaged or cut short, whatever the parser
raised, and one with nothing to run says so: real bundled models, cut short and damaged with fixed seeds, or with
their layers removed."""

from __future__ import annotations

import numpy as np
import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.core.errors import ModelError
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_file import model_from_bytes
from workbench.core.model.model_params import pack_model, unpack_model
from workbench.core.model.tflite_graph import parse_model

FLIPPED_BYTES = 50  # spread over a 39 kB model: a file damaged on disk, its length unchanged
FLIP_SEEDS = range(12)
FIRST_FLIPPED_BYTE = 8  # after the root offset and the 'TFL3' identifier, so that the file still claims to be a model
UNREADABLE = "the TensorFlow Lite model is damaged or truncated: its tables cannot be read"
NO_OPERATORS = "The model has no operators (nothing to run)."


@pytest.fixture(scope="module")
def model_bytes() -> bytes:
    return yes_no_model_path().read_bytes()


def _flipped(data: bytes, seed: int) -> bytes:
    """``data`` with bytes XORed with random non-zero values, as a damaged disk or transfer leaves it."""
    rng = np.random.default_rng(seed)
    damaged = np.frombuffer(data, dtype=np.uint8).copy()
    where = rng.choice(np.arange(FIRST_FLIPPED_BYTE, len(data)), FLIPPED_BYTES, replace=False)
    damaged[where] ^= rng.integers(1, 256, FLIPPED_BYTES, dtype=np.uint8)
    return damaged.tobytes()


def _parse_error(data: bytes) -> str | None:
    try:
        parse_model(data)
    except ModelError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("length", [1000, 5000, 20_004, -16, -100])
def test_a_model_cut_short_is_called_damaged_or_truncated(model_bytes: bytes, length: int) -> None:
    cut = model_bytes[:length]
    assert _parse_error(cut) == f"{UNREADABLE} ({len(cut):,} bytes); copy or export the whole file again"


def test_damaged_bytes_get_the_same_sentence_or_a_layer_error(model_bytes: bytes) -> None:
    messages = [m for m in (_parse_error(_flipped(model_bytes, seed)) for seed in FLIP_SEEDS) if m]
    assert len(messages) >= len(FLIP_SEEDS) // 2  # most of these seeds break the tables
    assert any(m.startswith(UNREADABLE) for m in messages)
    assert all(m.startswith(UNREADABLE) or m.startswith("Layer ") for m in messages)


def without_operators(tflite: bytes) -> bytes:
    """``tflite`` with its main subgraph's layers removed: its tensors, inputs and outputs kept, so LiteRT loads it."""
    schema, model = unpack_model(tflite)
    model.subgraphs[0].operators = []
    return pack_model(schema, model)


def test_a_model_without_operators_is_refused_when_it_is_read(model_bytes: bytes) -> None:
    empty = without_operators(model_bytes)
    assert _parse_error(empty) == NO_OPERATORS
    with pytest.raises(ModelError) as caught:  # what kws detect/evaluate/calibrate and the window load it with
        model_from_bytes(empty, "empty")
    assert str(caught.value) == f"empty: {NO_OPERATORS}"
    assert len(parse_model(model_bytes).operators) > 0  # the same model with its layers is read


def _rewired(tflite: bytes, change: str) -> bytes:
    """``tflite`` with one tensor reference pointing nowhere, as a damaged or hand-edited file has it."""
    schema, model = unpack_model(tflite)
    graph = model.subgraphs[0]
    last = len(graph.tensors)
    if change == "input is -1":  # Python would take it for the last tensor, LiteRT fails outside its error handling
        graph.inputs = [-1]
    elif change == "output past the end":
        graph.outputs = [last]
    elif change == "layer input -2":  # only -1 marks an omitted optional input
        graph.operators[0].inputs = [-2, *graph.operators[0].inputs[1:]]
    elif change == "buffer past the end":
        graph.tensors[1].buffer = len(model.buffers) + 5
    return pack_model(schema, model)


@pytest.mark.parametrize(("change", "message"), [
    ("input is -1", "The model's input is tensor -1, which the model does not have."),
    ("output past the end", "The model's output is tensor {last}, which the model does not have."),
    ("layer input -2", "Layer 0 (CONV_2D) refers to a tensor the model does not have."),
    ("buffer past the end", "Tensor 1 refers to buffer {buffer}, which the model does not have."),
])
def test_a_tensor_reference_to_nothing_is_one_sentence_before_litert_sees_it(model_bytes: bytes, change: str,
                                                                             message: str) -> None:
    schema, model = unpack_model(model_bytes)
    expected = message.format(last=len(model.subgraphs[0].tensors), buffer=len(model.buffers) + 5)
    damaged = _rewired(model_bytes, change)
    assert _parse_error(damaged) == expected
    with pytest.raises(ModelError) as caught:  # kws detect, the live stream: LiteRT is never handed the model
        ModelRunner(damaged)
    assert str(caught.value) == expected


def test_every_subgraph_reads_the_one_list_of_the_models_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model's buffers are listed once per model: a copy for each subgraph cost subgraphs x buffers (a Keras LSTM
    has three subgraphs, its loop's condition and body besides the main graph)."""
    from tests.loop_models import lstm_model
    from workbench.core.model import tflite_graph

    lists_read: list[list[object]] = []
    parse_subgraph = tflite_graph._subgraph

    def recording(sub: object, codes: list, buffers: list[object], tflite: bytes) -> tflite_graph.ModelGraph:
        lists_read.append(buffers)
        return parse_subgraph(sub, codes, buffers, tflite)

    monkeypatch.setattr(tflite_graph, "_subgraph", recording)
    graph = parse_model(lstm_model())
    assert len(lists_read) == 1 + len(graph.subgraphs) > 1
    assert all(buffers is lists_read[0] for buffers in lists_read)
