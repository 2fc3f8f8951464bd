"""The Evaluation tab's headline reads eval/eval-results.json for what summary.json lacks: the ROC AUC labelled as
MLTK's with the exact one beside it, and the sentence naming the negative-word classes counted as _unknown_ --
from a report written by the real evaluation of real clips."""

from __future__ import annotations

import json
from pathlib import Path

from tests.gui.training.evaluation.conftest import finished_run
from workbench.bundled_models import bundled_model_file
from workbench.datasets.layout import scan_dataset
from workbench.evaluation.evaluate import evaluate_model

NOTE = "_go_, _down_, _left_ are counted as _unknown_ (their probabilities summed before the top class is picked)."


def test_a_model_with_negative_classes_shows_the_sentence_and_both_aucs(view, speech: Path, tmp_path: Path) -> None:
    model = bundled_model_file("kws_yes_no_stream")
    assert model is not None
    result = evaluate_model(model, scan_dataset(speech).clips, workers=1)
    assert view.show_run(finished_run(tmp_path, result))
    lines = view.headline.text().split("<br>")
    m = result.metrics
    assert (f"Average ROC AUC (MLTK, 0.01 steps) {m.roc_auc_avg * 100:.1f} %, average ROC AUC (exact, ties count "
            f"half) {m.roc_auc_exact_avg * 100:.1f} %.") in lines  # both averages over the classes, both said so
    assert NOTE in lines
    assert [view.table.item(row, 0).text() for row in range(view.table.rowCount())] == result.classes


def test_a_model_without_them_shows_no_sentence(view, speech: Path, reference_model_path: Path,
                                                tmp_path: Path) -> None:
    result = evaluate_model(reference_model_path, scan_dataset(speech).clips, workers=1)
    assert view.show_run(finished_run(tmp_path, result))
    text = view.headline.text()
    assert "counted as" not in text and "Average ROC AUC (MLTK, 0.01 steps) " in text


def test_a_report_of_an_earlier_version_lacks_the_exact_auc(view, tmp_path: Path) -> None:
    """A run evaluated before the exact AUC existed: MLTK's figure, and "–" for the missing one; no report at all:
    no AUC line."""
    (tmp_path / "summary.json").write_text(json.dumps({"model": "m.tflite", "evaluation": {"clips": 3}}))
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "eval-results.json").write_text(json.dumps({"roc_auc_avg": 0.5, "workbench": []}))
    assert view.show_run(tmp_path)
    assert ("Average ROC AUC (MLTK, 0.01 steps) 50.0 %, average ROC AUC (exact, ties count half) –."
            in view.headline.text())
    (tmp_path / "eval" / "eval-results.json").write_text("{damaged")
    assert view.show_run(tmp_path) and "ROC AUC" not in view.headline.text()
