"""`kws average` end to end: a real merged model that kws detect runs like any other."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.assets import reference_model_path, sample_audio_path
from workbench.cli.main import main
from workbench.cli.model.average_command import parse_member
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import LoadedModel, load_model, model_from_bytes, model_with_params, save_model
from workbench.core.model.model_params import pack_model, unpack_model
from workbench.core.model.tflite_graph import parse_model

WIDE_FACTOR = 20  # kws_yes_no's conv output 20 times wider: 2 x 160 kB of activations, past the 256 KiB of RAM


def test_two_models_become_one_that_detects_and_says_what_it_is(capsys, tmp_path: Path) -> None:
    out = tmp_path / "pair.tflite"
    assert main(["average", str(yes_no_model_path()) + ":2", str(reference_model_path()), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "output = kws_yes_no 2/3, tflite_micro_speech 1/3" in printed
    merged, yes_no = load_model(out), load_model(yes_no_model_path())
    assert merged.name == "pair" and merged.classes == yes_no.classes
    assert merged.params["description"] == "average of kws_yes_no 2/3, tflite_micro_speech 1/3"
    assert merged.params["detection_threshold"] == yes_no.params["detection_threshold"]
    assert merged.params["runtime_memory_size"] > yes_no.params["runtime_memory_size"]  # both graphs' tensors
    assert main(["detect", str(sample_audio_path()), "--model", str(out), "--format", "jsonl"]) == 0
    labels = [json.loads(line)["label"] for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert labels == ["yes", "no"]


@pytest.mark.parametrize("argv, message", [
    (["one.tflite"], "at least two models"),
    (["a.tflite", "b.tflite", "-o", "x.mltk.zip"], "is a .tflite"),
    (["a.tflite", "b.tflite", "-o", "AVG.MLTK.ZIP"], "is a .tflite"),  # any case
])
def test_mistakes_are_one_line(capsys, tmp_path: Path, argv: list[str], message: str) -> None:
    if "-o" not in argv:
        argv = [*argv, "-o", str(tmp_path / "x.tflite")]
    assert main(["average", *argv]) != 0
    assert message in capsys.readouterr().err


def test_a_weight_follows_the_last_colon_and_paths_may_hold_colons() -> None:
    assert parse_member("models/a.tflite:3") == (Path("models/a.tflite"), 3)
    assert parse_member("models/a.tflite") == (Path("models/a.tflite"), 1)
    assert parse_member(r"C:\models\a.tflite") == (Path(r"C:\models\a.tflite"), 1)


@pytest.mark.parametrize("text", ["a.tflite:-1", "a.tflite:1.5", "a.tflite:abc", "a.tflite:0"])
def test_a_bad_weight_is_named_as_such(text: str) -> None:
    with pytest.raises(WorkbenchError, match="bad weight"):
        parse_member(text)


def test_an_existing_file_whose_name_holds_a_colon_is_a_path(tmp_path: Path) -> None:
    odd = tmp_path / "take:2"
    odd.write_bytes(b"")
    assert parse_member(str(odd)) == (odd, 1)


def test_members_are_named_by_the_file_given_not_the_name_inside(capsys, tmp_path: Path) -> None:
    yes_no = load_model(yes_no_model_path())
    other_ear = save_model(model_with_params(yes_no, {"fe.pcan_strength": 0.9}), tmp_path / "fe2.tflite")
    assert load_model(other_ear).name == "kws_yes_no"  # a retrained copy keeps its original's name
    assert main(["average", "kws_yes_no", str(other_ear), "-o", str(tmp_path / "x.tflite")]) == 2
    err = capsys.readouterr().err
    assert "fe2 hears audio through other frontend settings than kws_yes_no (fe.pcan_strength)" in err
    # other bytes (an identical copy is folded into one member: test_a_model_given_twice_runs_once)
    same = save_model(model_with_params(yes_no, {"description": "retrained"}), tmp_path / "copy.tflite")
    assert load_model(same).name == "kws_yes_no"
    assert main(["average", "kws_yes_no", str(same), "-o", str(tmp_path / "x.tflite")]) == 0
    assert "output = kws_yes_no 1/2, copy 1/2" in capsys.readouterr().out


def test_a_model_given_twice_runs_once_with_its_weights_summed(capsys, tmp_path: Path) -> None:
    twice, weighted = tmp_path / "twice" / "avg.tflite", tmp_path / "weighted" / "avg.tflite"
    for folder in (twice.parent, weighted.parent):
        folder.mkdir()
    assert main(["average", "kws_yes_no", "tflite_micro_speech", "kws_yes_no", "-o", str(twice)]) == 0
    out = capsys.readouterr().out
    assert "output = kws_yes_no 2/3, tflite_micro_speech 1/3 (kws_yes_no given 2 times, run once with weight 2)" in out
    assert main(["average", "kws_yes_no:2", "tflite_micro_speech", "-o", str(weighted)]) == 0
    capsys.readouterr()
    assert twice.stat().st_size == weighted.stat().st_size  # one copy of kws_yes_no's layers, not two
    ops = [layer.op for layer in parse_model(twice.read_bytes()).operators]
    assert ops == [layer.op for layer in parse_model(weighted.read_bytes()).operators] and ops.count("SOFTMAX") == 2
    assert load_model(twice).params["description"] == "average of kws_yes_no 2/3, tflite_micro_speech 1/3"

    copy = save_model(load_model(yes_no_model_path()), tmp_path / "copy.tflite")
    alone = tmp_path / "alone.tflite"
    assert main(["average", "kws_yes_no:3", str(copy), "-o", str(alone)]) == 0
    assert "output = kws_yes_no 1/1 (kws_yes_no, copy: the same model (identical bytes), run once with weight 4)" \
        in capsys.readouterr().out
    graph, original = parse_model(alone.read_bytes()), parse_model(yes_no_model_path().read_bytes())
    assert [layer.op for layer in graph.operators] == [layer.op for layer in original.operators]


def test_weights_are_reduced_and_the_summary_says_so(capsys, tmp_path: Path) -> None:
    plain, doubled = tmp_path / "plain.tflite", tmp_path / "doubled.tflite"
    assert main(["average", "kws_yes_no", "tflite_micro_speech", "-o", str(plain)]) == 0
    capsys.readouterr()
    assert main(["average", "kws_yes_no:2", "tflite_micro_speech:2", "-o", str(doubled)]) == 0
    out = capsys.readouterr().out
    assert "output = kws_yes_no 1/2, tflite_micro_speech 1/2 (weights 2:2 reduced to 1:1: the same mean)" in out
    assert doubled.stat().st_size == plain.stat().st_size
    assert load_model(doubled).params["description"] == "average of kws_yes_no 1/2, tflite_micro_speech 1/2"


def wide_twin(model: LoadedModel, factor: int) -> LoadedModel:
    """``model`` (conv -> reshape -> dense) with ``factor`` times its convolution's filters, the added ones zero
    and weighed 0 by the dense layer: the same outputs from activations ``factor`` times larger (RAM)."""
    schema, tree = unpack_model(model.tflite)
    graph = tree.subgraphs[0]
    ops = {tree.operatorCodes[op.opcodeIndex].builtinCode: op for op in graph.operators}
    conv, reshape, dense = (ops[schema.BuiltinOperator.CONV_2D], ops[schema.BuiltinOperator.RESHAPE],
                            ops[schema.BuiltinOperator.FULLY_CONNECTED])
    tensors = graph.tensors

    def values(index: int, dtype: type) -> np.ndarray:
        tensor = tensors[index]
        return np.frombuffer(bytes(tree.buffers[tensor.buffer].data), dtype=dtype).reshape(tensor.shape)

    def store(index: int, array: np.ndarray) -> None:
        tensor = tensors[index]
        tree.buffers[tensor.buffer].data = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
        reshaped(index, list(array.shape))

    def reshaped(index: int, shape: list[int]) -> None:
        tensors[index].shape, tensors[index].shapeSignature = np.array(shape, dtype=np.int32), None

    channels = int(tensors[conv.outputs[0]].shape[-1])
    added = channels * (factor - 1)
    for index, dtype in ((conv.inputs[1], np.int8), (conv.inputs[2], np.int32)):  # filters, bias: zeros added
        old = values(index, dtype)
        store(index, np.concatenate([old, np.zeros((added, *old.shape[1:]), dtype)]))
        quant = tensors[index].quantization
        quant.scale = np.concatenate([quant.scale, np.full(added, quant.scale[0], np.float32)])
        quant.zeroPoint = np.concatenate([quant.zeroPoint, np.zeros(added, quant.zeroPoint.dtype)])
    reshaped(conv.outputs[0], [*tensors[conv.outputs[0]].shape[:-1], channels * factor])
    weights = values(dense.inputs[1], np.int8)  # (classes, positions x channels), channels innermost
    wide = np.zeros((weights.shape[0], weights.shape[1] // channels, channels * factor), np.int8)
    wide[:, :, :channels] = weights.reshape(weights.shape[0], -1, channels)
    store(dense.inputs[1], wide.reshape(weights.shape[0], -1))
    store(reshape.inputs[1], values(reshape.inputs[1], np.int32) * [1, factor])
    reshaped(reshape.outputs[0], [*tensors[reshape.outputs[0]].shape[:-1], weights.shape[1] * factor])
    return model_from_bytes(pack_model(schema, tree), model.name)


def test_an_average_too_big_for_the_board_is_written_with_a_warning(capsys, tmp_path: Path) -> None:
    from workbench.core.model.inference import ModelRunner

    yes_no = load_model(yes_no_model_path())
    wide = save_model(wide_twin(yes_no, WIDE_FACTOR), tmp_path / "wide.tflite")
    window = np.random.default_rng(0).integers(-128, 128, size=(49, 40), dtype=np.int8)
    assert np.array_equal(ModelRunner(wide.read_bytes()).probabilities(window),
                          ModelRunner(yes_no.tflite).probabilities(window))  # a real model: the same outputs
    out = tmp_path / "heavy.tflite"
    assert main(["average", "kws_yes_no", str(wide), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert out.exists()
    assert err.startswith(f"kws: warning: {out} does not fit: its tensor arena with the MVP needs ")
    assert "more than the EFR32xG24's whole 262.1 kB RAM" in err and err.count("\n") == 1
    assert main(["average", "kws_yes_no", "tflite_micro_speech", "-o", str(tmp_path / "light.tflite")]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("weights, hint", [((99999999999, 1), "99:1"), ((2000000, 2), "99:1"), ((70, 31), "23:10")])
def test_weights_of_more_than_a_hundred_copies_are_refused(
        capsys, tmp_path: Path, weights: tuple[int, int], hint: str) -> None:
    out = tmp_path / "s.tflite"
    argv = ["average", f"kws_yes_no:{weights[0]}", f"tflite_micro_speech:{weights[1]}", "-o", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kws: error: the weights {weights[0]}:{weights[1]}") and err.count("\n") == 1
    assert "more than 100: each unit of weight is one more copy of its model's output in the averaged graph" in err
    assert err.rstrip().endswith(f"give about the same ratio in smaller numbers, e.g. {hint}")
    assert not out.exists()
    assert main(["average", "kws_yes_no:60", "tflite_micro_speech:40", "-o", str(out)]) == 0  # 3:2, within 100


def test_the_output_never_replaces_a_member(capsys, tmp_path: Path) -> None:
    member = tmp_path / "a.tflite"
    member.write_bytes(yes_no_model_path().read_bytes())
    assert main(["average", str(member), "tflite_micro_speech", "-o", str(member)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert member.read_bytes() == yes_no_model_path().read_bytes()
    assert main(["average", "tflite_micro_speech", str(member), "-o", str(yes_no_model_path())]) == 2
    assert "bundled model" in capsys.readouterr().err


def test_the_weight_limit_counts_identical_members_folded(capsys, tmp_path: Path) -> None:
    """a:50 a:51 b:101 is 1:1 once the copies of a are one member; 60 pairs of two models are 1:1 too."""
    copy = tmp_path / "copy.tflite"
    copy.write_bytes(yes_no_model_path().read_bytes())
    out = tmp_path / "folded.tflite"
    assert main(["average", "kws_yes_no:50", f"{copy}:51", "tflite_micro_speech:101", "-o", str(out)]) == 0
    assert "kws_yes_no 1/2, tflite_micro_speech 1/2" in capsys.readouterr().out
    pairs = ["kws_yes_no", "tflite_micro_speech"] * 60
    assert main(["average", *pairs, "-o", str(tmp_path / "pairs.tflite")]) == 0
    assert "kws_yes_no 1/2, tflite_micro_speech 1/2" in capsys.readouterr().out
