"""`kws calibrate` says, before the replay, when the board cannot infer as often as the replay does: an inference of
the bundled kws_yes_no_stream takes about 52 ms on the EFR32xG24 (estimated), so a replay every 10 ms counts results
the board never has (a real WAV stream and its labels, the command in-process)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from workbench.cli.main import main

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import write_clip  # noqa: E402

STREAM_S = 3.0
KEYWORD = {"label": "yes", "start_s": 1.0, "end_s": 1.6}
GRID = ("--thresholds", "150", "--windows-ms", "300", "--suppressions-ms", "500", "--counts", "1")
WARNING = ("warning: kws_yes_no_stream: latency_ms 10 is shorter than the 52.5 ms an inference of the model takes on "
           "the EFR32xG24 (estimated, MVP; the audio frontend's time comes on top): the board infers about every 53 "
           "ms at best, so averaging windows and minimum_count tuned on this PC count fewer results there; set "
           "latency_ms to 60 or more")


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("calibrate")
    (folder / "stream.json").write_text(json.dumps({"events": [KEYWORD]}))
    return write_clip(folder / "stream.wav", seconds=STREAM_S)


def _calibrate(capsys: pytest.CaptureFixture[str], stream: Path, *options: str) -> str:
    assert main(["calibrate", "--stream", str(stream), "--model", "kws_yes_no_stream", *GRID, *options]) == 0
    return capsys.readouterr().err


def test_a_replay_more_often_than_the_board_infers_is_said_before_it(capsys, stream: Path) -> None:
    err = _calibrate(capsys, stream, "--latency-ms", "10", "--progress", "jsonl")
    messages = [json.loads(line) for line in err.splitlines()]
    assert messages[0] == {"message": WARNING}  # first: before any progress of the replay
    assert any(message.get("phase", "").startswith("replay") for message in messages[1:])
    assert sum("message" in message and "latency_ms" in message["message"] for message in messages) == 1


def test_the_models_own_interval_the_board_keeps_up_with_gets_no_warning(capsys, stream: Path) -> None:
    assert _calibrate(capsys, stream, "--progress", "none") == ""  # its latency_ms, 100
    assert _calibrate(capsys, stream, "--latency-ms", "10", "--progress", "none") == f"kws: {WARNING}\n"
