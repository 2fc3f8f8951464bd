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
