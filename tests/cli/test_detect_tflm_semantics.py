"""`kws detect --semantics tflm` decides as TFLM's micro_speech example (real model, real frontend, real WAV).

The WAV is the bundled sample's "yes" and the second of silence after it: TFLM's recognizer makes no decision
until its queued results span a quarter of the averaging window, so the silence at the start of the stream is
never reported, and the first command is "yes" once the window's mean rises above the threshold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile as sf

from workbench.assets import sample_audio_path
from workbench.cli.main import main

YES_START_S, SILENCE_END_S = 0.5, 2.5  # the sample's "yes" and the second of silence after it (its README)
MODEL = ("--model", "tflite_micro_speech")
TFLM = ("--semantics", "tflm")
SETTINGS = ("--count", "1", "--window-ms", "1000", "--threshold", "150")
WARNING = "kws: warning: "


@pytest.fixture(scope="module")
def yes_then_silence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    samples, rate = sf.read(str(sample_audio_path()), dtype="int16")
    path = tmp_path_factory.mktemp("tflm") / "yes_then_silence.wav"
    sf.write(str(path), samples[int(YES_START_S * rate):int(SILENCE_END_S * rate)], rate)
    return path


def detections(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[list[tuple[float, str, int]], str]:
    assert main(["detect", *argv, "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [(e["time_s"], e["label"], e["score"]) for e in events if e["type"] == "detection"], err


def test_no_decision_before_a_quarter_window_then_yes(capsys: pytest.CaptureFixture[str],
                                                      yes_then_silence: Path) -> None:
    found, err = detections(capsys, str(yes_then_silence), *MODEL, *TFLM, *SETTINGS)
    assert found == [(1.2, "yes", 166)] and WARNING not in err
    mltk, _ = detections(capsys, str(yes_then_silence), *MODEL, *SETTINGS)
    assert [label for _, label, _ in mltk] == ["yes"]  # the firmware's rules agree on the keyword


def test_a_window_shorter_than_the_inference_interval_is_said_for_tflm_only(capsys: pytest.CaptureFixture[str],
                                                                          yes_then_silence: Path) -> None:
    short = ("--window-ms", "50", "--count", "0", "--threshold", "150")
    found, err = detections(capsys, str(yes_then_silence), *MODEL, *TFLM, *short)
    assert found == [] and err.startswith(f"{WARNING}average_window_duration_ms 50 is shorter than the 100 ms "
                                          "between inferences: TFLM's recognizer")
    found, err = detections(capsys, str(yes_then_silence), *MODEL, *short)
    assert [label for _, label, _ in found] == ["yes"] and WARNING not in err
