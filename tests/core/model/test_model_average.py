"""Models averaged into one: the real LiteRT output is the weighted mean of the members' on real speech."""

from __future__ import annotations

import numpy as np
import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.assets import reference_model_path, sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.errors import ModelError
from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_average import (MAX_TOTAL_WEIGHT, Member, average_models, check_total_weight,
                                                reduced_weights, smaller_ratio)
from workbench.core.model.model_file import LoadedModel, load_model, model_from_bytes, model_with_params
from workbench.core.model.model_params import pack_model, unpack_model
from workbench.core.model.tflite_graph import parse_model
from workbench.core.model.tflm_limits import TFLM_MAX_CONCATENATION_INPUTS

LSB = 1 / 256  # the int8 softmax's step


@pytest.fixture(scope="module")
def members():  # type: ignore[no-untyped-def]
    return load_model(reference_model_path()), load_model(yes_no_model_path())


def spectrogram_windows(model, count: int = 12) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """Model inputs cut from the bundled yes/no recording, as the live engine cuts them."""
    settings = FrontendSettings.from_params(model.params)
    rows = MicroFrontend(settings).feed(load_audio(sample_audio_path()).samples, dtype=np.int8)
    starts = np.linspace(0, rows.shape[0] - settings.n_frames, count).astype(int)
    return [rows[s:s + settings.n_frames] for s in starts]


@pytest.mark.parametrize("weights", [(1, 1), (1, 2), (3, 1)])
def test_the_output_is_the_weighted_mean_of_the_members(members, weights) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    merged = model_from_bytes(average_models([Member(reference, weights[0]), Member(default, weights[1])]), "avg")
    runner, first, second = ModelRunner(merged.tflite), ModelRunner(reference.tflite), ModelRunner(default.tflite)
    for window in spectrogram_windows(reference):
        expected = (weights[0] * first.probabilities(window) + weights[1] * second.probabilities(window)) / sum(weights)
        assert np.abs(runner.probabilities(window) - expected).max() <= LSB / 2 + 1e-9
    assert merged.params == reference.params  # the first member's parameters, all of them
    ops = [layer.op for layer in parse_model(merged.tflite).operators]
    assert ops[-2:] == ["CONCATENATION", "MEAN"] and ops.count("SOFTMAX") == 2


def test_members_that_disagree_on_classes_frontend_or_weight_are_refused(members) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    renamed = model_with_params(default, {"classes": ["si", "no", "_unknown_", "_silence_"]})
    with pytest.raises(ModelError, match="has classes si, no, _unknown_, _silence_"):
        average_models([Member(reference), Member(renamed)])
    other_ear = model_with_params(default, {"fe.pcan_enable": False})
    with pytest.raises(ModelError, match="other frontend settings .*fe.pcan_enable"):
        average_models([Member(reference), Member(other_ear)])
    with pytest.raises(ModelError, match="whole number >= 1"):
        Member(default, 0)
    with pytest.raises(ModelError, match="at least two"):
        average_models([Member(default)])


def with_negative_classes(model, names: list[str], like: str = "no"):  # type: ignore[no-untyped-def]
    """``model`` with classes ``names`` added after its own: each a copy of the output row of ``like``, so they
    carry real probability (as a negative-word class trained on a word close to ``like`` would)."""
    schema, tree = unpack_model(model.tflite)
    graph = tree.subgraphs[0]
    dense = next(op for op in reversed(graph.operators)
                 if tree.operatorCodes[op.opcodeIndex].builtinCode == schema.BuiltinOperator.FULLY_CONNECTED)
    rows = list(range(len(model.classes))) + [list(model.classes).index(like)] * len(names)
    for index in dense.inputs[1:3]:
        tensor = graph.tensors[index]
        dtype = np.int8 if tensor.type == schema.TensorType.INT8 else np.int32
        values = np.frombuffer(bytes(tree.buffers[tensor.buffer].data), dtype=dtype).reshape(tensor.shape)
        tree.buffers[tensor.buffer].data = np.ascontiguousarray(values[rows]).view(np.uint8).reshape(-1)
        tensor.shape = np.array([len(rows), *tensor.shape[1:]], dtype=np.int32)
        quant = tensor.quantization
        if quant is not None and quant.scale is not None and len(quant.scale) == len(model.classes):
            quant.scale, quant.zeroPoint = np.asarray(quant.scale)[rows], np.asarray(quant.zeroPoint)[rows]
    for tensor in graph.tensors:
        if list(np.asarray(tensor.shape)) == [1, len(model.classes)]:
            tensor.shape = np.array([1, len(rows)], dtype=np.int32)
            tensor.shapeSignature = None
    wider = model_from_bytes(pack_model(schema, tree), model.name + "_negatives")
    return model_with_params(wider, {"classes": [*model.classes, *names], "name": wider.name})


def test_negative_word_classes_of_some_members_are_zero_in_the_others(members) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    wide = with_negative_classes(reference, ["_go_", "_low_"])
    narrow = model_with_params(default, {"detection_threshold_list": [200, 210, 255, 255]})
    merged = model_from_bytes(average_models([Member(narrow, 2), Member(wide)]), "avg")
    assert merged.classes == wide.classes  # the widest member's; the rest is the first member's parameters
    added = [narrow.params["detection_threshold"]] * 2  # the global threshold for the classes never reported
    assert merged.params["detection_threshold_list"] == [200, 210, 255, 255, *added]
    own = ("classes", "detection_threshold_list", "hash")  # the hash names the merged model (MLTK's rule)
    assert {k: v for k, v in merged.params.items() if k not in own} == \
        {k: v for k, v in narrow.params.items() if k not in own}
    runner, first, second = ModelRunner(merged.tflite), ModelRunner(narrow.tflite), ModelRunner(wide.tflite)
    carried = 0.0
    for window in spectrogram_windows(reference):
        wide_probabilities = second.probabilities(window)
        carried = max(carried, wide_probabilities[4:].max())
        expected = (2 * np.pad(first.probabilities(window), (0, 2)) + wide_probabilities) / 3
        assert np.abs(runner.probabilities(window) - expected).max() <= LSB / 2 + 1e-9
    assert carried > 0.2  # the added classes take real probability: the test would see a wrong column
    assert [layer.op for layer in parse_model(merged.tflite).operators].count("PAD") == 1  # the narrow member only


def test_only_negative_word_classes_may_follow_the_shared_ones(members) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    with pytest.raises(ModelError, match="only negative-word classes"):
        average_models([Member(default), Member(with_negative_classes(reference, ["maybe"]))])
    reordered = model_with_params(with_negative_classes(reference, ["_go_"]),
                                  {"classes": ["no", "yes", "_unknown_", "_silence_", "_go_"]})
    with pytest.raises(ModelError, match="must share their classes"):
        average_models([Member(default), Member(reordered)])


def test_weights_are_divided_by_their_common_divisor(members) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    assert reduced_weights([4, 2, 6]) == (2, 1, 3) and reduced_weights([3, 1]) == (3, 1)
    doubled = average_models([Member(reference, 2), Member(default, 2)])
    assert doubled == average_models([Member(reference), Member(default)])
    concat = next(op for op in parse_model(doubled).operators if op.op == "CONCATENATION")
    assert len(concat.inputs) == 2  # each member's output once, not twice


def test_messages_name_members_by_their_label(members) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    other_ear = model_with_params(default, {"fe.pcan_enable": False})
    with pytest.raises(ModelError, match="^runs/other.tflite hears audio .* than ref.tflite"):
        average_models([Member(reference, label="ref.tflite"), Member(other_ear, label="runs/other.tflite")])


def distinct_copies(model, count: int) -> list:  # type: ignore[no-untyped-def]
    """``count`` copies of ``model`` with other bytes (their descriptions differ), so none is folded."""
    return [model_with_params(model, {"description": f"copy {n}"}) for n in range(count)]


@pytest.mark.parametrize("shape", ["weights 7:4", "11 members", "weights 99:1"])
def test_more_than_ten_outputs_stack_as_tflite_micro_allows(members, shape) -> None:  # type: ignore[no-untyped-def]
    """TFLite Micro's CONCATENATION refuses more than 10 inputs; the average's mean is still the weighted one."""
    reference, default = members
    if shape == "11 members":
        chosen = [Member(m) for m in distinct_copies(reference, 6) + distinct_copies(default, 5)]
    else:
        weights = [int(w) for w in shape.split()[1].split(":")]
        chosen = [Member(reference, weights[0]), Member(default, weights[1])]
    merged = average_models(chosen)
    graph = parse_model(merged)
    concatenations = [op for op in graph.operators if op.op == "CONCATENATION"]
    assert len(concatenations) > 1
    assert max(len(op.inputs) for op in concatenations) <= TFLM_MAX_CONCATENATION_INPUTS
    mean = graph.operators[-1]
    total = sum(m.weight for m in chosen)
    assert mean.op == "MEAN" and graph.tensor(mean.inputs[0]).shape == (total, 4)  # every copy once in the stack
    for op in concatenations:  # each only copies int8 values: one scale and zero point in and out (TFLM's rule)
        quantisation = {(t.scale, t.zero_point) for t in graph.op_inputs(op) + graph.op_outputs(op) if t is not None}
        assert len(quantisation) == 1
    runner, runners = ModelRunner(merged), {m.model.tflite: ModelRunner(m.model.tflite) for m in chosen}
    for window in spectrogram_windows(reference):
        expected = sum(m.weight * runners[m.model.tflite].probabilities(window) for m in chosen) / total
        assert np.abs(runner.probabilities(window) - expected).max() <= LSB / 2 + 1e-9


def test_weights_adding_up_to_more_than_a_hundred_copies_are_refused(members) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    with pytest.raises(ModelError, match=r"^the weights 150:1 add up to 151, more than 100: each unit of weight is "
                                         r"one more copy .*e\.g\. 99:1$"):
        average_models([Member(reference, 150), Member(default)])
    with pytest.raises(ModelError, match=r"99999999999:1 add up to 100,000,000,000"):
        average_models([Member(reference, 99_999_999_999), Member(default)])
    check_total_weight([200, 200])  # 1:1 once reduced
    check_total_weight([MAX_TOTAL_WEIGHT - 1, 1])
    assert smaller_ratio([2000, 1000, 1]) == (66, 33, 1) and smaller_ratio([70, 31]) == (23, 10)  # 69:30, reduced
    assert smaller_ratio([200, 200, 1]) == (49, 49, 1)  # equal weights stay equal
    assert smaller_ratio([51, 50]) == (50, 49)  # a tilt stays a tilt (not 1:1)
    assert smaller_ratio([1] * (MAX_TOTAL_WEIGHT + 1)) is None
    with pytest.raises(ModelError, match=f"average at most {MAX_TOTAL_WEIGHT} models"):
        check_total_weight([1] * (MAX_TOTAL_WEIGHT + 1))


def test_identical_members_are_one_member_with_their_weights_summed(members) -> None:  # type: ignore[no-untyped-def]
    reference, default = members
    folded = average_models([Member(reference), Member(default), Member(reference, 2)])
    assert folded == average_models([Member(reference, 3), Member(default)])
    assert [layer.op for layer in parse_model(folded).operators].count("SOFTMAX") == 2
    assert average_models([Member(default, 2), Member(default, 5)]) == default.tflite  # the mean of one model


def with_output_tensor(model: LoadedModel, change: str) -> LoadedModel:
    """``model`` with its output tensor damaged as a hand-edited or corrupted file has it: ``"no shape"`` (a
    scalar), ``"no class axis"`` (a size its classes do not explain) or ``"no quantisation"``."""
    schema, tree = unpack_model(model.tflite)
    tensor = tree.subgraphs[0].tensors[tree.subgraphs[0].outputs[0]]
    if change == "no shape":
        tensor.shape = None
    elif change == "no class axis":
        tensor.shape = np.array([1, -2**31], dtype=np.int32)
    else:
        tensor.quantization = None
    tree.description = f"{model.name} with {change}"  # other bytes than any other copy: never folded
    return model_from_bytes(pack_model(schema, tree), model.name + "_damaged")


@pytest.mark.parametrize(("change", "held"), [("no shape", "no shape (a scalar)"),
                                              ("no class axis", "the shape [1, -2147483648]")])
@pytest.mark.parametrize("damaged_first", [True, False])
def test_a_member_whose_output_is_not_one_score_per_class_is_refused(members: tuple[LoadedModel, LoadedModel],
                                                                     change: str, held: str,
                                                                     damaged_first: bool) -> None:
    reference, default = members
    damaged = with_output_tensor(reference, change)
    order = [Member(damaged, label="bad.tflite"), Member(default)]
    with pytest.raises(ModelError) as caught:
        average_models(order if damaged_first else order[::-1])
    assert str(caught.value) == (f"bad.tflite's output has {held}, not one score for each of its 4 classes on its "
                                 "last axis; such a model cannot be averaged")


def test_members_whose_outputs_have_no_quantisation_average_as_they_are(
        members: tuple[LoadedModel, LoadedModel]) -> None:
    reference, _default = members
    first, second = with_output_tensor(reference, "no quantisation"), distinct_copies(reference, 1)[0]
    second = with_output_tensor(second, "no quantisation")
    merged = parse_model(average_models([Member(first), Member(second)]))
    assert [op.op for op in merged.operators][-2:] == ["CONCATENATION", "MEAN"]
    assert merged.tensors[merged.outputs[0]].scale == ()  # none made up for the mean either
