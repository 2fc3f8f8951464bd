"""`kws evaluate --progress bar|jsonl|none` on real clips with the real models: what stderr carries."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import copy_clips  # noqa: E402

from workbench.cli.main import main  # noqa: E402
from workbench.cli.measure.scoring_progress import ScoringProgress  # noqa: E402

CLIPS = 9


@pytest.fixture(scope="module")
def speech(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_clips(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("speech"),
                      {"yes": 4, "no": 3, "_silence_": 2})


def _evaluate(speech: Path, model: Path, *options: str) -> int:
    return main(["evaluate", str(model), "--dataset", str(speech), "--format", "json", "--workers", "1", *options])


def test_jsonl_names_each_compared_model_and_fills_one_bar(capsys, speech: Path, reference_model_path: Path,
                                                          tmp_path: Path) -> None:
    from tests.bundled_model_paths import yes_no_model_path

    assert _evaluate(speech, yes_no_model_path(), "--compare", str(reference_model_path), "--progress", "jsonl",
                     "--out", str(tmp_path / "report"), "--no-plots") == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["workbench"]["clips"] == CLIPS  # stdout is the report, as without --progress
    items = [json.loads(line) for line in captured.err.splitlines()]  # every stderr line is one JSON object
    steps = [(item["phase"], item["fraction"]) for item in items if "fraction" in item]
    assert steps[0] == ("evaluating kws_yes_no (1/2)", 0.0)
    assert ("evaluating kws_yes_no (1/2)", 0.5) in steps and ("evaluating tflite_micro_speech (2/2)", 0.5) in steps
    assert steps[-1] == ("evaluating tflite_micro_speech (2/2)", 1.0)
    fractions = [fraction for _, fraction in steps]
    assert fractions == sorted(fractions)
    phases = [phase for phase, _ in steps]
    assert phases == sorted(phases, key=lambda phase: phase.endswith("(2/2)"))  # the models one after the other
    # the clips of the model being scored are counted (a model's first line, before any clip, counts nothing)
    counts = [(item["done"], item["total"], item["unit"]) for item in items if "done" in item]
    assert counts[-1] == (CLIPS, CLIPS, "clips") and all(total == CLIPS for _, total, _ in counts)
    assert [item for item in items if "message" in item] == [{"message": f"wrote 3 files to {tmp_path / 'report'}"}]


def test_one_model_is_just_evaluating_and_none_prints_no_progress(capsys, speech: Path,
                                                                   reference_model_path: Path) -> None:
    assert _evaluate(speech, reference_model_path, "--progress", "jsonl") == 0
    steps = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert {step["phase"] for step in steps} == {"evaluating"} and steps[-1]["fraction"] == 1.0
    assert _evaluate(speech, reference_model_path, "--progress", "none") == 0
    captured = capsys.readouterr()
    assert captured.err == "" and json.loads(captured.out)["workbench"]["clips"] == CLIPS


def test_the_bar_stays_the_default(capsys, speech: Path, reference_model_path: Path) -> None:
    """stderr is not a terminal here: one bar line per tenth of the clips, as in a log."""
    assert _evaluate(speech, reference_model_path) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(line.startswith("evaluating [") for line in lines), lines
    assert lines[-1].split("]")[1].split()[:2] == ["100.0%", f"{CLIPS}/{CLIPS}"]


@pytest.mark.parametrize("mode, expected", [("jsonl", '{"message": "warning: no plots"}\n'),
                                            ("bar", "kws: warning: no plots\n"),
                                            ("none", "kws: warning: no plots\n")])
def test_a_warning_is_a_message_in_jsonl_and_the_clis_line_otherwise(mode: str, expected: str) -> None:
    stream = io.StringIO()
    ScoringProgress(mode, 1, stream).warn("no plots")
    assert stream.getvalue() == expected
