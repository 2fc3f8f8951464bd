"""Evaluating models from other tools on real Speech Commands clips: a model whose output is logits is scored on
them as the board averages them, and the report says so; a one-unit sigmoid is scored as its class against the
rest instead of a trivial 100 %."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from tests.tiny_models import LOGIT_BIASES, logits_model, sigmoid_model, softmax_model
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import model_from_bytes
from workbench.datasets.layout import scan_dataset
from workbench.evaluation.clip_predictions import clips_of_predictions, read_clip_predictions
from workbench.evaluation.evaluate import EvaluationResult, clips_for_split, evaluate_model
from workbench.evaluation.report import summary_text, write_report

LOGIT_TOLERANCE = 1.0  # the tiny weights move each logit this little from its bias on any spectrogram


@pytest.fixture(scope="module")
def clips(small_speech_dataset: Path):  # type: ignore[no-untyped-def]
    return clips_for_split(scan_dataset(small_speech_dataset), "test")


@pytest.fixture(scope="module")
def logits_result(clips) -> EvaluationResult:  # type: ignore[no-untyped-def]
    return evaluate_model(model_from_bytes(logits_model(), "logits"), clips, workers=1)


def test_logits_are_scored_as_they_are_and_the_report_says_so(logits_result: EvaluationResult) -> None:
    assert logits_result.scores_are_logits and not logits_result.one_vs_rest
    np.testing.assert_allclose(logits_result.scores.mean(axis=0), LOGIT_BIASES, atol=LOGIT_TOLERANCE)  # no softmax
    text = summary_text(logits_result)
    lines = text.splitlines()  # the model's name, then the notice before any figure
    assert lines[1].startswith("Scores: the model's output is not a softmax (its last op is FULLY_CONNECTED): "
                               "its scores are logits, not probabilities")
    roc = next(line for line in lines if line.startswith("Average ROC AUC:"))
    assert roc.endswith("(thresholds from 0 to 1 applied to logits: not comparable with a softmax model's)")
    assert "Most confident mistakes (by logit, not a probability; listen to these first" in text


def test_a_softmax_model_gets_none_of_those_labels(clips) -> None:  # type: ignore[no-untyped-def]
    result = evaluate_model(model_from_bytes(softmax_model(), "softmax"), clips, workers=1)
    text = summary_text(result)
    assert not result.scores_are_logits and "Scores:" not in text and "logit" not in text


def test_the_logits_report_files_name_their_columns_and_are_read_back(logits_result: EvaluationResult,
                                                                      tmp_path: Path) -> None:
    write_report(logits_result, tmp_path, plots=False)
    listed = tmp_path / "predictions.csv"
    with listed.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[5:] == [f"logit_{name}" for name in logits_result.classes]
    clips = read_clip_predictions(listed)  # the Clips tab, and --clips, take the logits as they are
    assert len(clips) == len(logits_result.paths) and all(clip.logits for clip in clips)
    assert any(clip.predicted_score > 1 for clip in clips)
    assert [c.path for c in clips_of_predictions(listed)] == [Path(p).absolute() for p in logits_result.paths]
    workbench = json.loads((tmp_path / "eval-results.json").read_text())["workbench"]
    assert workbench["scores"] == "logits" and "FULLY_CONNECTED" in workbench["scores_notice"]


def test_a_damaged_logit_is_refused(logits_result: EvaluationResult, tmp_path: Path) -> None:
    write_report(logits_result, tmp_path, plots=False)
    listed = tmp_path / "predictions.csv"
    lines = listed.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[5:] = ["nan"] * (len(cells) - 5)
    listed.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="line 2 of .* is damaged: it needs a clip path and a finite logit"):
        read_clip_predictions(listed)


def test_a_one_unit_sigmoid_is_scored_as_its_class_against_the_rest(clips) -> None:  # type: ignore[no-untyped-def]
    result = evaluate_model(model_from_bytes(sigmoid_model("yes"), "wake"), clips, workers=1)
    yes = sum(clip.word == "yes" for clip in clips)
    assert 0 < yes < len(clips)
    assert result.one_vs_rest and result.classes == ["yes", "not yes"]
    assert result.skipped == [] and result.metrics.class_counts == [yes, len(clips) - yes]  # every clip counts
    # the model says "yes" (0.98) to everything: right on the yes clips only, not a trivial 100 %
    assert result.metrics.overall_accuracy == pytest.approx(yes / len(clips))
    assert result.metrics.overall_accuracy < 1.0 and result.metrics.balanced_accuracy == pytest.approx(0.5)
    np.testing.assert_allclose(result.scores.sum(axis=1), 1.0)  # the rest's score is 1 - p
    assert "One output: scored as yes against the rest -- yes when its score is at least 0.5" in summary_text(result)


def test_a_one_unit_model_whose_class_no_clip_is_of_is_refused(clips) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkbenchError, match=r"None of the model's classes \(marvin\) is a word in the dataset"):
        evaluate_model(model_from_bytes(sigmoid_model("marvin"), "wake"), clips, workers=1)
