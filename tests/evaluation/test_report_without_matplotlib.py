"""Without matplotlib a report is still written (all but its PNGs), and a note says which PNGs and how to get it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.no_matplotlib import block_matplotlib, pretend_frozen
from workbench.datasets.layout import scan_dataset
from workbench.evaluation.evaluate import EvaluationResult, evaluate_model
from workbench.evaluation.report import write_report

REPORT = ["eval-results.json", "predictions.csv", "summary.txt"]
PNGS = ("tflite_micro_speech-roc.png, tflite_micro_speech-precision_vs_recall.png and "
        "tflite_micro_speech-confusion_matrix.png")


@pytest.fixture(scope="module")
def result(small_speech_dataset: Path, reference_model_path: Path) -> EvaluationResult:
    return evaluate_model(reference_model_path, scan_dataset(small_speech_dataset).clips, workers=1)


def test_the_report_is_written_without_its_plots_and_says_so(result: EvaluationResult, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "old_model-roc.png").write_bytes(b"\x89PNG")  # an earlier report's plot: never mixed with this one
    block_matplotlib(monkeypatch)
    notes: list[str] = []
    written = write_report(result, tmp_path, notes=notes)
    assert sorted(p.name for p in written) == REPORT
    assert sorted(p.name for p in tmp_path.iterdir()) == REPORT
    assert json.loads((tmp_path / "eval-results.json").read_text())["workbench"]["clips"] == 28
    assert notes == [f"{PNGS} not written: drawing the ROC, precision-recall and confusion matrix plots needs "
                     "matplotlib: pip install matplotlib"]


def test_the_packaged_app_is_told_to_install_the_training_package(result: EvaluationResult, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    block_matplotlib(monkeypatch)
    pretend_frozen(monkeypatch)
    notes: list[str] = []
    write_report(result, tmp_path, notes=notes)
    assert len(notes) == 1 and notes[0].startswith(f"{PNGS} not written: ")
    assert "install the kws-workbench-training package" in notes[0] and "pip" not in notes[0]


def test_a_caller_without_notes_gets_the_report_without_plots(result: EvaluationResult, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A training run's eval/ (finish.py passes no notes): the run's model is never lost for want of a PNG."""
    block_matplotlib(monkeypatch)
    assert sorted(p.name for p in write_report(result, tmp_path)) == REPORT
