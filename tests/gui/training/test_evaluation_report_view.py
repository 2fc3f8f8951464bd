"""The Evaluation tab's "Compare with a model…": a real ``kws evaluate --compare --clips`` child."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from workbench.assets import default_model_path
from workbench.cli.main import main
from workbench.gui.training.evaluation_report_view import EvaluationReportView

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import copy_clips  # noqa: E402

RUN_TIMEOUT_MS = 120_000


@pytest.fixture
def run_folder(shared_dir: Path, tmp_path: Path) -> Path:
    """A finished run as kws train leaves it: the model, summary.json and eval/ with predictions.csv."""
    speech = copy_clips(shared_dir / "datasets" / "speech_commands", tmp_path / "speech",
                        {"yes": 4, "no": 4, "go": 3, "_silence_": 2})
    folder = tmp_path / "run"
    folder.mkdir()
    shutil.copy(default_model_path(), folder / "kws_yes_no.tflite")
    assert main(["evaluate", str(folder / "kws_yes_no.tflite"), "--dataset", str(speech), "--out",
                 str(folder / "eval"), "--no-plots", "--workers", "1"]) == 0
    evaluation = json.loads((folder / "eval" / "eval-results.json").read_text())
    (folder / "summary.json").write_text(json.dumps({
        "name": "kws_yes_no", "model": "kws_yes_no.tflite", "epochs": 1, "best_epoch": 1,
        "evaluation": {"clips": evaluation["workbench"]["clips"],
                       "balanced_accuracy": evaluation["balanced_accuracy"],
                       "class_accuracies": dict(zip(evaluation["classes"], evaluation["class_accuracies"]))}}))
    return folder


@pytest.fixture
def view(qtbot):  # type: ignore[no-untyped-def]
    widget = EvaluationReportView()
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.shutdown()


def test_the_run_is_compared_with_another_model_on_its_own_test_clips(qtbot, view, run_folder: Path,
                                                                       reference_model_path: Path) -> None:
    assert view.show_run(run_folder) and view.compare_button.isEnabled()
    assert view.compare_with(reference_model_path)
    assert not view.compare_button.isEnabled() and "Evaluating tflite_micro_speech" in view.comparison.text()
    qtbot.waitUntil(lambda: not view.child.running, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(view.compare_button.isEnabled, timeout=5_000)
    text = view.comparison.text()
    assert "kws_yes_no against tflite_micro_speech on the same 13 clips" in text, text
    assert "balanced accuracy" in text and "_silence_" in text
    assert view._compare_dir is None  # the child's report folder is gone


def test_a_bad_model_is_a_message_and_a_run_without_evaluation_cannot_compare(qtbot, view, run_folder: Path,
                                                                               tmp_path: Path) -> None:
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model")
    view.show_run(run_folder)
    assert view.compare_with(bad)
    qtbot.waitUntil(lambda: "failed" in view.comparison.text(), timeout=RUN_TIMEOUT_MS)
    assert "not a TensorFlow Lite model" in view.comparison.text()
    assert view.compare_button.isEnabled()
    shutil.rmtree(run_folder / "eval")
    view.show_run(run_folder)
    assert not view.compare_button.isEnabled() and not view.compare_with(bad)


def test_a_long_comparison_wraps_instead_of_widening_the_report(qtbot, view, run_folder: Path,
                                                               reference_model_path: Path) -> None:
    """The comparison's sentence about the interval is longer than a report is wide: it wraps, and the report
    (in a scroll area that follows its minimum width) keeps the width of the window's results column."""
    assert view.show_run(run_folder) and view.compare_with(reference_model_path)
    qtbot.waitUntil(lambda: not view.child.running, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(view.compare_button.isEnabled, timeout=5_000)
    metrics = view.comparison.fontMetrics()
    longest = max(metrics.horizontalAdvance(line) for line in view.comparison.text().splitlines())
    assert "balanced accuracy" in view.comparison.text()
    assert view.minimumSizeHint().width() < longest, (view.minimumSizeHint().width(), longest)
