"""A model with negative-word classes (the bundled kws_yes_no_stream: _go_, _down_, _left_) on real clips: the
figures count those classes as _unknown_, and every report says so -- the text, eval-results.json and the PNGs --
while a model without such classes gets no such sentence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from workbench.bundled_models import bundled_model_file
from workbench.core.model.model_file import load_model
from workbench.datasets.layout import UNKNOWN, scan_dataset
from workbench.evaluation.clip_scores import score_clips
from workbench.evaluation.evaluate import FOLD_RULE, EvaluationResult, evaluate_model, folding_note
from workbench.evaluation.report import results_document, summary_text, write_report

STREAM_MODEL = "kws_yes_no_stream"
NEGATIVE = ["_go_", "_down_", "_left_"]
NOTE = "_go_, _down_, _left_ are counted as _unknown_ (their probabilities summed before the top class is picked)."


@pytest.fixture(scope="module")
def stream_model() -> Path:
    path = bundled_model_file(STREAM_MODEL)
    assert path is not None, f"{STREAM_MODEL} is a bundled model (kws models)"
    return path


@pytest.fixture(scope="module")
def result(small_speech_dataset: Path, stream_model: Path) -> EvaluationResult:
    return evaluate_model(stream_model, scan_dataset(small_speech_dataset).clips, workers=1)


def test_the_result_names_the_folded_classes(result: EvaluationResult, stream_model: Path) -> None:
    assert list(load_model(stream_model).classes) == ["yes", "no", UNKNOWN, "_silence_", *NEGATIVE]
    assert result.classes == ["yes", "no", UNKNOWN, "_silence_"]
    assert result.folded == NEGATIVE and result.folding_note == NOTE


def test_the_stated_rule_reproduces_the_predictions(result: EvaluationResult, stream_model: Path) -> None:
    """What a user's own script does with the sentence: sum the three outputs into _unknown_, then argmax."""
    model = load_model(stream_model)
    raw = score_clips(model.tflite, model.params, result.paths, len(model.classes), workers=1).scores
    names = list(model.classes)
    summed = raw[:, :4].copy()
    summed[:, names.index(UNKNOWN)] += raw[:, [names.index(c) for c in NEGATIVE]].sum(axis=1)
    assert np.array_equal(summed.argmax(axis=1), result.predicted)


def test_the_text_says_so_before_the_figures(result: EvaluationResult, tmp_path: Path) -> None:
    lines = summary_text(result).splitlines()
    assert lines[1] == NOTE and lines[2].startswith("Clips: ")
    write_report(result, tmp_path, plots=False)
    assert NOTE in (tmp_path / "summary.txt").read_text(encoding="utf-8").splitlines()


def test_the_json_lists_the_classes_and_the_rule(result: EvaluationResult, tmp_path: Path) -> None:
    expected = {"classes": NEGATIVE, "rule": FOLD_RULE, "note": NOTE}
    assert results_document(result)["workbench"]["folded_into_unknown"] == expected
    write_report(result, tmp_path, plots=False)
    document = json.loads((tmp_path / "eval-results.json").read_text(encoding="utf-8"))
    assert document["workbench"]["folded_into_unknown"] == expected and document["classes"] == result.classes


def test_every_plot_carries_the_sentence(result: EvaluationResult) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    from workbench.evaluation.plots import precision_recall_figure, roc_figure

    for figure in (roc_figure(result), precision_recall_figure(result)):
        assert NOTE in [text.get_text() for text in figure.texts]


def test_a_model_without_negative_classes_gets_no_sentence(small_speech_dataset: Path,
                                                           reference_model_path: Path) -> None:
    plain = evaluate_model(reference_model_path, scan_dataset(small_speech_dataset).clips, workers=1)
    assert plain.folded == [] and plain.folding_note is None
    assert "counted as" not in summary_text(plain)
    assert "folded_into_unknown" not in results_document(plain)["workbench"]


def test_the_sentence_for_one_class_and_for_logits() -> None:
    assert folding_note(["_go_"]) == ("_go_ is counted as _unknown_ (its probability added to _unknown_'s before "
                                      "the top class is picked).")
    assert folding_note(["_go_", "_up_"], logits=True) == ("_go_, _up_ are counted as _unknown_ (their logits "
                                                           "summed before the top class is picked).")
