"""`kws evaluate` says, before scoring, which model's uint8 input clips the spectrogram, in `kws info`'s words
(tiny converted models, real Speech Commands clips, the command in-process)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.tiny_models import softmax_model, uint8_signed_input_model

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import copy_clips  # noqa: E402

from workbench.cli.main import main  # noqa: E402


@pytest.fixture(scope="module")
def folder(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("evaluate_input")
    copy_clips(shared_dir / "datasets" / "speech_commands", folder / "speech", {"yes": 2, "no": 2, "_silence_": 1})
    (folder / "uint8.tflite").write_bytes(uint8_signed_input_model())
    (folder / "softmax.tflite").write_bytes(softmax_model())
    return folder


def _evaluate(capsys, folder: Path, *options: str) -> str:  # type: ignore[no-untyped-def]
    assert main(["evaluate", str(folder / "uint8.tflite"), "--dataset", str(folder / "speech"), "--format", "json",
                 "--workers", "1", *options]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["workbench"]["clips"] == 5  # the report is whole all the same
    return captured.err


def test_the_clipping_input_is_warned_of_once_per_model(capsys, folder: Path) -> None:
    assert main(["info", str(folder / "uint8.tflite"), "--json"]) == 0
    clipped = json.loads(capsys.readouterr().out)["input_range_problem"]
    assert "become 255" in clipped
    err = _evaluate(capsys, folder, "--compare", str(folder / "softmax.tflite"), "--progress", "none")
    assert err == f"kws: warning: uint8: {clipped}\n"
    messages = [json.loads(line) for line in _evaluate(capsys, folder, "--progress", "jsonl").splitlines()]
    assert messages[0] == {"message": f"warning: uint8: {clipped}"}  # before the scoring's progress
    assert all("message" not in m for m in messages[1:])


def test_a_model_whose_input_holds_the_spectrogram_gets_no_warning(capsys, folder: Path) -> None:
    assert main(["evaluate", str(folder / "softmax.tflite"), "--dataset", str(folder / "speech"), "--format", "json",
                 "--workers", "1", "--progress", "none"]) == 0
    assert capsys.readouterr().err == ""
