"""The Evaluation tab's report view, as the tests of what it reads build it (not shown: they read its text), and a
finished run's folder as ``kws train`` leaves it, from a real evaluation of real clips."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from workbench.evaluation.evaluate import EvaluationResult
from workbench.evaluation.report import write_report
from workbench.gui.training.evaluation.evaluation_report_view import EvaluationReportView

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from dataset_builders import copy_clips  # noqa: E402


@pytest.fixture
def view(qtbot):  # type: ignore[no-untyped-def]
    widget = EvaluationReportView()
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


@pytest.fixture(scope="module")
def speech(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few Speech Commands clips: keywords, negative words the stream model folds into _unknown_, silence."""
    return copy_clips(shared_dir / "datasets" / "speech_commands", tmp_path_factory.mktemp("speech"),
                      {"yes": 4, "no": 4, "go": 3, "house": 2, "_silence_": 2})


def finished_run(folder: Path, result: EvaluationResult) -> Path:
    """A finished run as kws train leaves it: summary.json with finish.py's figures, and the report in eval/."""
    write_report(result, folder / "eval", plots=False)
    m = result.metrics
    (folder / "summary.json").write_text(json.dumps({
        "model": f"{result.name}.tflite", "epochs": 1, "best_epoch": 1,
        "evaluation": {"clips": len(result.paths), "balanced_accuracy": m.balanced_accuracy,
                       "overall_accuracy": m.overall_accuracy, "roc_auc_avg": m.roc_auc_avg,
                       "class_accuracies": dict(zip(result.classes, m.reported_accuracies()))}}))
    return folder
