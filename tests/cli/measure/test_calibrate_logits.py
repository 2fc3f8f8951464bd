"""`kws calibrate` says, before the replay, which model's scores are logits: the thresholds it sweeps and
recommends are then on no probability scale; and which model's uint8 input clips the spectrogram, as `kws info`
and `kws detect` say it (tiny converted models, a real WAV stream and its labels)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.tiny_models import logits_model, softmax_model, uint8_signed_input_model
from workbench.cli.main import main

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import write_clip  # noqa: E402

STREAM_S = 6.0
KEYWORD = {"label": "yes", "start_s": 2.0, "end_s": 2.6}
GRID = ("--thresholds", "100:200:50", "--windows-ms", "300", "--suppressions-ms", "500", "--counts", "1")
NOTICE = "the model's output is not a softmax (its last op is FULLY_CONNECTED): its scores are logits"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("calibrate")
    write_clip(folder / "stream.wav", seconds=STREAM_S)
    (folder / "stream.json").write_text(json.dumps({"events": [KEYWORD]}))
    (folder / "logits.tflite").write_bytes(logits_model())
    (folder / "softmax.tflite").write_bytes(softmax_model())
    (folder / "uint8.tflite").write_bytes(uint8_signed_input_model())
    return folder


def _calibrate(capsys, folder: Path, *options: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    assert main(["calibrate", "--stream", str(folder / "stream.wav"), *GRID, *options]) == 0
    return capsys.readouterr()


def test_the_logits_model_among_those_compared_is_named(capsys, folder: Path) -> None:
    _, err = _calibrate(capsys, folder, "--model", str(folder / "softmax.tflite"),
                        "--compare", str(folder / "logits.tflite"), "--progress", "none")
    assert err.splitlines() == [line for line in err.splitlines() if line.startswith("kws: warning: ")]
    assert len(err.splitlines()) == 1 and err.startswith(f"kws: warning: logits: {NOTICE}")


def test_with_json_progress_the_notice_is_a_json_message(capsys, folder: Path) -> None:
    _, err = _calibrate(capsys, folder, "--model", str(folder / "logits.tflite"), "--progress", "jsonl")
    messages = [json.loads(line) for line in err.splitlines()]  # stderr stays all JSON lines
    assert messages[0]["message"].startswith(f"warning: logits: {NOTICE}")


def test_a_softmax_model_gets_no_notice(capsys, folder: Path) -> None:
    _, err = _calibrate(capsys, folder, "--model", str(folder / "softmax.tflite"), "--progress", "none")
    assert err == ""


def test_a_uint8_input_that_clips_is_said_once_per_model_as_kws_info_says_it(capsys, folder: Path) -> None:
    assert main(["info", str(folder / "uint8.tflite"), "--json"]) == 0
    clipped = json.loads(capsys.readouterr().out)["input_range_problem"]
    assert "become 255" in clipped
    _, err = _calibrate(capsys, folder, "--model", str(folder / "uint8.tflite"),
                        "--compare", str(folder / "softmax.tflite"), "--progress", "none")
    assert err == f"kws: warning: uint8: {clipped}\n"
    _, err = _calibrate(capsys, folder, "--model", str(folder / "uint8.tflite"), "--progress", "jsonl")
    messages = [json.loads(line)["message"] for line in err.splitlines() if "message" in json.loads(line)]
    assert messages == [f"warning: uint8: {clipped}"]
