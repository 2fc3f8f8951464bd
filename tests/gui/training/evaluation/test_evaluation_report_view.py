"""The Evaluation tab's "Compare with a model…": a real ``kws evaluate --compare --clips`` child."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.cli.main import main
from workbench.gui.training.evaluation.evaluation_report_view import EvaluationReportView

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from dataset_builders import copy_clips  # noqa: E402

RUN_TIMEOUT_MS = 120_000


@pytest.fixture
def run_folder(shared_dir: Path, tmp_path: Path) -> Path:
    """A finished run as kws train leaves it: the model, summary.json and eval/ with predictions.csv."""
    speech = copy_clips(shared_dir / "datasets" / "speech_commands", tmp_path / "speech",
                        {"yes": 4, "no": 4, "go": 3, "_silence_": 2})
    folder = tmp_path / "run"
    folder.mkdir()
    shutil.copy(yes_no_model_path(), folder / "kws_yes_no.tflite")
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
    panel = view.comparison_panel
    assert view.show_run(run_folder) and panel.compare_button.isEnabled()
    assert view.compare_with(reference_model_path)
    assert not panel.compare_button.isEnabled() and "Evaluating tflite_micro_speech" in panel.comparison.text()
    qtbot.waitUntil(lambda: not panel.child.running, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(panel.compare_button.isEnabled, timeout=5_000)
    text = panel.comparison.text()
    assert "kws_yes_no against tflite_micro_speech on the same 13 clips" in text, text
    assert "balanced accuracy" in text and "_silence_" in text
    assert panel._compare_dir is None  # the child's report folder is gone


def test_a_bad_model_is_a_message_and_a_run_without_evaluation_cannot_compare(qtbot, view, run_folder: Path,
                                                                               tmp_path: Path) -> None:
    panel = view.comparison_panel
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model")
    view.show_run(run_folder)
    assert view.compare_with(bad)
    qtbot.waitUntil(lambda: "failed" in panel.comparison.text(), timeout=RUN_TIMEOUT_MS)
    assert "not a TensorFlow Lite model" in panel.comparison.text()
    assert panel.compare_button.isEnabled()
    shutil.rmtree(run_folder / "eval")
    view.show_run(run_folder)
    assert not panel.compare_button.isEnabled() and not view.compare_with(bad)


def test_a_long_comparison_wraps_instead_of_widening_the_report(qtbot, view, run_folder: Path,
                                                               reference_model_path: Path) -> None:
    """The comparison's sentence about the interval is longer than a report is wide: it wraps, and the report
    (in a scroll area that follows its minimum width) keeps the width of the window's results column."""
    panel = view.comparison_panel
    assert view.show_run(run_folder) and view.compare_with(reference_model_path)
    qtbot.waitUntil(lambda: not panel.child.running, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(panel.compare_button.isEnabled, timeout=5_000)
    metrics = panel.comparison.fontMetrics()
    longest = max(metrics.horizontalAdvance(line) for line in panel.comparison.text().splitlines())
    assert "balanced accuracy" in panel.comparison.text()
    assert view.minimumSizeHint().width() < longest, (view.minimumSizeHint().width(), longest)


def _cut_mid_row(path: Path) -> None:
    """A predictions.csv written half-way (a copy interrupted in its last row)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.rindex("\n", 0, len(text) - 1) + 30], encoding="utf-8")


def test_a_damaged_clip_list_is_refused_with_the_clips_tabs_sentence(view, run_folder: Path, tmp_path: Path) -> None:
    """Compared as it is, a list cut short would count its stub row as a clip and miss a class."""
    panel = view.comparison_panel
    _cut_mid_row(run_folder / "eval" / "predictions.csv")
    view.show_run(run_folder)
    assert view.clips.note.text().startswith("No test clips to list: line ")
    damage = view.clips.note.text().removeprefix("No test clips to list: ")
    assert not panel.compare_button.isEnabled() and not view.compare_with(tmp_path / "other.tflite")
    assert panel.comparison.isVisible() and panel.comparison.text() == f"No test clips to compare on: {damage}"
    assert not panel.child.running


def test_compare_says_so_when_the_runs_folder_is_gone(view, run_folder: Path, tmp_path: Path, monkeypatch) -> None:
    panel = view.comparison_panel
    view.show_run(run_folder)
    assert panel.compare_button.isEnabled() and not panel.comparison.isVisible()
    shutil.move(run_folder, tmp_path / "moved")
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName",
                        lambda *args, **kwargs: pytest.fail("a model picked for a run that is gone"))
    panel.compare_button.click()
    assert panel.comparison.isVisible() and not panel.child.running
    assert panel.comparison.text() == f"Cannot compare: the run's folder {run_folder} is gone (moved or deleted)."
    assert not panel.compare_button.isEnabled()


def test_the_comparison_shows_its_progress_and_names_the_file_picked(qtbot, view, run_folder: Path,
                                                                    tmp_path: Path) -> None:
    """A copy of the bundled model saved as otherfe2.tflite: its own name alone (kws_yes_no) is not what the user
    picked."""
    panel = view.comparison_panel
    other = tmp_path / "otherfe2.tflite"
    shutil.copy(yes_no_model_path(), other)
    view.show_run(run_folder)
    seen: list[tuple[int, str]] = []
    panel.compare_progress.valueChanged.connect(lambda value: seen.append((value, panel.compare_progress.format())))
    assert view.compare_with(other)
    assert panel.compare_progress.isVisible() and panel.cancel_compare_button.isVisible()
    qtbot.waitUntil(lambda: not panel.child.running, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(panel.compare_button.isEnabled, timeout=5_000)
    text = panel.comparison.text()
    assert text.startswith("kws_yes_no against kws_yes_no (otherfe2.tflite) on the same 13 clips:"), text
    assert not panel.compare_progress.isVisible() and not panel.cancel_compare_button.isVisible()
    assert seen and seen[-1][0] == panel.compare_progress.maximum(), seen
    # the child's phases: both models are called kws_yes_no, their place tells them apart; the bar counts the
    # clips of the model being scored
    formats = [format for _, format in seen]
    first, second = "evaluating kws_yes_no (1/2): 13 of 13 clips", "evaluating kws_yes_no (2/2): 13 of 13 clips"
    assert first in formats and second in formats and formats.index(first) < formats.index(second), seen
    assert seen[-1] == (panel.compare_progress.maximum(), second), seen


def test_cancel_stops_the_comparison(qtbot, view, run_folder: Path, reference_model_path: Path) -> None:
    panel = view.comparison_panel
    view.show_run(run_folder)
    assert view.compare_with(reference_model_path)
    panel.cancel_compare_button.click()
    qtbot.waitUntil(lambda: not panel.child.running, timeout=RUN_TIMEOUT_MS)
    assert panel.comparison.text() == "The comparison was cancelled."
    assert panel.compare_button.isEnabled() and not panel.cancel_compare_button.isVisible()
    assert panel._compare_dir is None


def test_showing_another_run_cancels_the_comparison_and_the_same_run_keeps_it(qtbot, view, run_folder: Path,
                                                                              reference_model_path: Path,
                                                                              tmp_path: Path) -> None:
    """The result of run A under the report of run B would be read as B's."""
    panel = view.comparison_panel
    other_run = tmp_path / "other-run"
    shutil.copytree(run_folder, other_run)
    view.show_run(run_folder)
    assert view.compare_with(reference_model_path)
    view.show_run(run_folder)  # the same run shown again (the folder's text edited back): the comparison goes on
    assert panel.child.running and panel.comparison.text().startswith("Evaluating tflite_micro_speech")
    view.show_run(other_run)
    assert not panel.comparison.isVisible()
    qtbot.waitUntil(lambda: not panel.child.running, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(panel.compare_button.isEnabled, timeout=5_000)
    assert not panel.comparison.isVisible() and not panel.compare_progress.isVisible()


def test_a_temp_folder_that_cannot_be_made_is_said_in_the_comparisons_place(  # type: ignore[no-untyped-def]
        view, run_folder: Path, reference_model_path: Path, tmp_path: Path, monkeypatch) -> None:
    import tempfile

    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(in_the_way))  # as a full or read-only TMPDIR, mkdtemp fails
    panel = view.comparison_panel
    assert view.show_run(run_folder) and not view.compare_with(reference_model_path)
    assert not panel.child.running and panel.compare_button.isEnabled()
    assert panel.comparison.text().startswith(
        f"The comparison needs a temporary folder in {in_the_way} (TMPDIR), and none can be made there: ")
