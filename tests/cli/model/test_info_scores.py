"""`kws info` says when a model's output is logits rather than probabilities (tiny converted models)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tiny_models import logits_model, sigmoid_model, softmax_model
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
