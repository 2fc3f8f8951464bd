"""The Evaluation tab's headline reads eval/eval-results.json for what summary.json lacks: the ROC AUC labelled as
MLTK's with the exact one beside it, and the sentence naming the negative-word classes counted as _unknown_ --
from a report written by the real evaluation of real clips."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from workbench.bundled_models import bundled_model_file
from workbench.datasets.layout import scan_dataset
from workbench.evaluation.evaluate import EvaluationResult, evaluate_model
from workbench.evaluation.report import write_report

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from dataset_builders import copy_clips  # noqa: E402

NOTE = "_go_, _down_, _left_ are counted as _unknown_ (their probabilities summed before the top class is picked)."


@pytest.fixture(scope="module")
def speech(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_clips(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("speech"),
                      {"yes": 4, "no": 4, "go": 3, "house": 2, "_silence_": 2})


def _run_folder(folder: Path, result: EvaluationResult) -> Path:
    """A finished run as kws train leaves it: summary.json with finish.py's figures, and the report in eval/."""
    write_report(result, folder / "eval", plots=False)
    m = result.metrics
    (folder / "summary.json").write_text(json.dumps({
        "model": f"{result.name}.tflite", "epochs": 1, "best_epoch": 1,
        "evaluation": {"clips": len(result.paths), "balanced_accuracy": m.balanced_accuracy,
                       "overall_accuracy": m.overall_accuracy, "roc_auc_avg": m.roc_auc_avg,
                       "class_accuracies": dict(zip(result.classes, m.reported_accuracies()))}}))
    return folder


def test_a_model_with_negative_classes_shows_the_sentence_and_both_aucs(view, speech: Path, tmp_path: Path) -> None:
    model = bundled_model_file("kws_yes_no_stream")
    assert model is not None
    result = evaluate_model(model, scan_dataset(speech).clips, workers=1)
    assert view.show_run(_run_folder(tmp_path, result))
    lines = view.headline.text().split("<br>")
    m = result.metrics
    assert (f"Average ROC AUC (MLTK, 0.01 steps) {m.roc_auc_avg * 100:.1f} %, ROC AUC (exact, ties count half) "
            f"{m.roc_auc_exact_avg * 100:.1f} %.") in lines
    assert NOTE in lines
    assert [view.table.item(row, 0).text() for row in range(view.table.rowCount())] == result.classes


def test_a_model_without_them_shows_no_sentence(view, speech: Path, reference_model_path: Path,
                                                tmp_path: Path) -> None:
    result = evaluate_model(reference_model_path, scan_dataset(speech).clips, workers=1)
    assert view.show_run(_run_folder(tmp_path, result))
    text = view.headline.text()
    assert "counted as" not in text and "Average ROC AUC (MLTK, 0.01 steps) " in text


def test_a_report_of_an_earlier_version_lacks_the_exact_auc(view, tmp_path: Path) -> None:
    """A run evaluated before the exact AUC existed: MLTK's figure, and "–" for the missing one; no report at all:
    no AUC line."""
    (tmp_path / "summary.json").write_text(json.dumps({"model": "m.tflite", "evaluation": {"clips": 3}}))
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "eval-results.json").write_text(json.dumps({"roc_auc_avg": 0.5, "workbench": []}))
    assert view.show_run(tmp_path)
    assert "Average ROC AUC (MLTK, 0.01 steps) 50.0 %, ROC AUC (exact, ties count half) –." in view.headline.text()
    (tmp_path / "eval" / "eval-results.json").write_text("{damaged")
    assert view.show_run(tmp_path) and "ROC AUC" not in view.headline.text()
