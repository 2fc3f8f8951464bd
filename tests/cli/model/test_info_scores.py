"""`kws info` says when a model's output is logits rather than probabilities, and when its uint8 input clips the
spectrogram the workbench feeds it (tiny converted models); `kws detect` warns of the latter too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tiny_models import logits_model, sigmoid_model, softmax_model, uint8_signed_input_model
from workbench.assets import sample_audio_path
from workbench.cli.main import main

SCORES_LINE = "scores: the model's output is not a softmax (its last op is FULLY_CONNECTED): its scores are logits"


def _info(capsys, tmp_path: Path, tflite: bytes, *options: str) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "model.tflite"
    path.write_bytes(tflite)
    assert main(["info", str(path), *options]) == 0
    return capsys.readouterr().out


def test_a_logits_model_gets_a_line_saying_so(capsys, tmp_path: Path) -> None:
    lines = _info(capsys, tmp_path, logits_model()).splitlines()
    said = [line for line in lines if line.startswith("scores:")]
    assert len(said) == 1 and said[0].startswith(SCORES_LINE) and said[0].endswith("before converting")
    document = json.loads(_info(capsys, tmp_path, logits_model(), "--json"))
    assert document["scores"] == "logits" and document["scores_notice"] == said[0].removeprefix("scores: ")


@pytest.mark.parametrize("build", [softmax_model, sigmoid_model])
def test_a_probability_model_gets_none(capsys, tmp_path: Path, build) -> None:  # type: ignore[no-untyped-def]
    assert "scores:" not in _info(capsys, tmp_path, build())
    document = json.loads(_info(capsys, tmp_path, build(), "--json"))
    assert (document["scores"], document["scores_notice"]) == ("probabilities", "")


def test_a_uint8_input_that_clips_the_spectrogram_is_said_by_info_and_detect(capsys, tmp_path: Path) -> None:
    lines = _info(capsys, tmp_path, uint8_signed_input_model()).splitlines()
    said = [line for line in lines if line.startswith("input: ")]
    assert len(said) == 1 and "the frontend's raw spectrogram (0..666)" in said[0] and "become 255" in said[0]
    document = json.loads(_info(capsys, tmp_path, uint8_signed_input_model(), "--json"))
    assert document["input_range_problem"] == said[0].removeprefix("input: ")
    assert main(["detect", str(sample_audio_path()), "--model", str(tmp_path / "model.tflite")]) == 0
    assert f"kws: warning: {document['input_range_problem']}\n" in capsys.readouterr().err
    assert json.loads(_info(capsys, tmp_path, softmax_model(), "--json"))["input_range_problem"] == ""
