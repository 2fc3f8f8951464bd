"""`kws average` end to end: a real merged model that kws detect runs like any other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.assets import default_model_path, reference_model_path, sample_audio_path
from workbench.cli.main import main
from workbench.cli.model.average_command import parse_member
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import load_model


def test_two_models_become_one_that_detects_and_says_what_it_is(capsys, tmp_path: Path) -> None:
    out = tmp_path / "pair.tflite"
    assert main(["average", str(default_model_path()) + ":2", str(reference_model_path()), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "output = kws_yes_no 2/3, tflite_micro_speech 1/3" in printed
    merged, default = load_model(out), load_model(default_model_path())
    assert merged.name == "pair" and merged.classes == default.classes
    assert merged.params["description"] == "average of kws_yes_no 2/3, tflite_micro_speech 1/3"
    assert merged.params["detection_threshold"] == default.params["detection_threshold"]
    assert merged.params["runtime_memory_size"] > default.params["runtime_memory_size"]  # both graphs' tensors
    assert main(["detect", str(sample_audio_path()), "--model", str(out), "--format", "jsonl"]) == 0
    labels = [json.loads(line)["label"] for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert labels == ["yes", "no"]


@pytest.mark.parametrize("argv, message", [
    (["one.tflite"], "at least two models"),
    (["a.tflite", "b.tflite", "-o", "x.mltk.zip"], "is a .tflite"),
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
    from workbench.core.model.model_file import model_with_params, save_model

    default = load_model(default_model_path())
    other_ear = save_model(model_with_params(default, {"fe.pcan_strength": 0.9}), tmp_path / "fe2.tflite")
    assert load_model(other_ear).name == "kws_yes_no"  # a retrained copy keeps its original's name
    assert main(["average", "kws_yes_no", str(other_ear), "-o", str(tmp_path / "x.tflite")]) == 2
    err = capsys.readouterr().err
    assert "fe2 hears audio through other frontend settings than kws_yes_no (fe.pcan_strength)" in err
    same = save_model(default, tmp_path / "copy.tflite")
    assert main(["average", "kws_yes_no", str(same), "-o", str(tmp_path / "x.tflite")]) == 0
    assert "output = kws_yes_no 1/2, copy 1/2" in capsys.readouterr().out


def test_weights_are_reduced_and_the_summary_says_so(capsys, tmp_path: Path) -> None:
    plain, doubled = tmp_path / "plain.tflite", tmp_path / "doubled.tflite"
    assert main(["average", "kws_yes_no", "tflite_micro_speech", "-o", str(plain)]) == 0
    capsys.readouterr()
    assert main(["average", "kws_yes_no:2", "tflite_micro_speech:2", "-o", str(doubled)]) == 0
    out = capsys.readouterr().out
    assert "output = kws_yes_no 1/2, tflite_micro_speech 1/2 (weights 2:2 reduced to 1:1: the same mean)" in out
    assert doubled.stat().st_size == plain.stat().st_size
    assert load_model(doubled).params["description"] == "average of kws_yes_no 1/2, tflite_micro_speech 1/2"


def test_an_average_too_big_for_the_board_is_written_with_a_warning(capsys, tmp_path: Path) -> None:
    out = tmp_path / "heavy.tflite"
    assert main(["average", "kws_yes_no:70000", "tflite_micro_speech", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert out.exists()
    assert err.startswith(f"kws: warning: {out} does not fit: its tensor arena with the MVP needs ")
    assert "more than the EFR32xG24's whole 262.1 kB RAM" in err and err.count("\n") == 1
    assert main(["average", "kws_yes_no", "tflite_micro_speech", "-o", str(tmp_path / "light.tflite")]) == 0
    assert capsys.readouterr().err == ""


def test_the_output_never_replaces_a_member(capsys, tmp_path: Path) -> None:
    member = tmp_path / "a.tflite"
    member.write_bytes(default_model_path().read_bytes())
    assert main(["average", str(member), "tflite_micro_speech", "-o", str(member)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert member.read_bytes() == default_model_path().read_bytes()
    assert main(["average", "tflite_micro_speech", str(member), "-o", str(default_model_path())]) == 2
    assert "bundled model" in capsys.readouterr().err
