"""The written report: MLTK's eval-results.json keys and shapes, the summary, the CSV and real PNGs."""

from __future__ import annotations

import csv
import dataclasses
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import WorkbenchError
from workbench.datasets.layout import scan_dataset
from workbench.evaluation.evaluate import evaluate_model
from workbench.evaluation.metrics import classifier_metrics
from workbench.evaluation.report import summary_text, write_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result(small_speech_dataset: Path, reference_model_path: Path):
    return evaluate_model(reference_model_path, scan_dataset(small_speech_dataset).clips, workers=1,
                          description="a handful of shared clips")


def _shape(value):
    """Nesting depth and outer length of a JSON value (inner curve lengths vary with the data)."""
    if isinstance(value, list):
        return ("list", len(value), _shape(value[0]) if value else None)
    return type(value).__name__


def test_eval_results_json_has_mltks_keys_and_shapes(result, tmp_path: Path, shared_dir: Path) -> None:
    written = write_report(result, tmp_path / "eval", plots=False)
    assert sorted(p.name for p in written) == ["eval-results.json", "predictions.csv", "summary.txt"]
    ours = json.loads((tmp_path / "eval" / "eval-results.json").read_text())
    archive = shared_dir / "reference-models" / "tflite_micro_speech.mltk.zip"
    with zipfile.ZipFile(archive) as zf:
        mltk = json.loads(zf.read("eval/tflite/eval-results.json"))
    assert set(mltk) <= set(ours)
    for key in mltk:
        if key in ("precision", "recall"):  # one curve per class, lengths depend on the scores
            assert len(ours[key]) == len(mltk[key]) and all(isinstance(c, list) for c in ours[key])
        elif key not in ("name",):
            assert _shape(ours[key]) == _shape(mltk[key]), key
    assert ours["classes"] == mltk["classes"] and ours["model_type"] == "classification"
    assert ours["balanced_accuracy"] == pytest.approx(result.metrics.balanced_accuracy)
    assert ours["workbench"]["clips"] == 28 and ours["workbench"]["evaluated"] == "a handful of shared clips"


def test_summary_and_predictions(result, tmp_path: Path) -> None:
    text = summary_text(result)
    assert "Balanced accuracy:" in text and "Confusion matrix" in text and "_silence_" in text
    write_report(result, tmp_path, plots=False)
    assert (tmp_path / "summary.txt").read_text() == text
    rows = list(csv.DictReader((tmp_path / "predictions.csv").open()))
    assert len(rows) == 28
    predicted = [result.classes[int(i)] for i in result.predicted]
    assert [r["predicted"] for r in rows] == predicted
    assert sum(int(r["correct"]) for r in rows) == round(result.metrics.overall_accuracy * 28)
    assert np.allclose([float(r["score_yes"]) for r in rows], result.scores[:, 0], atol=1e-6)


def test_plots_are_real_pngs(result, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    written = write_report(result, tmp_path)
    pngs = sorted(p.name for p in written if p.suffix == ".png")
    assert pngs == ["tflite_micro_speech-confusion_matrix.png", "tflite_micro_speech-precision_vs_recall.png",
                    "tflite_micro_speech-roc.png"]
    from matplotlib.image import imread

    for name in pngs:
        path = tmp_path / name
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        image = imread(path)
        assert image.shape[0] >= 400 and image.shape[1] >= 400
        assert image[..., :3].std() > 0.05  # something is drawn, not a blank canvas


def test_a_new_report_replaces_the_older_one_whole(result, tmp_path: Path) -> None:
    """Another model's PNGs (or PNGs this run skips) never stay beside new results."""
    (tmp_path / "old_model-roc.png").write_bytes(PNG_SIGNATURE)
    (tmp_path / "old_model-confusion_matrix.png").write_bytes(PNG_SIGNATURE)
    (tmp_path / "my-notes.txt").write_text("kept")
    write_report(result, tmp_path, plots=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eval-results.json", "my-notes.txt", "predictions.csv",
                                                          "summary.txt"]


def test_a_report_that_cannot_be_written_whole_changes_nothing(result, tmp_path: Path) -> None:
    (tmp_path / "eval-results.json").write_text("{}")
    (tmp_path / "old_model-roc.png").write_bytes(PNG_SIGNATURE)
    (tmp_path / "predictions.csv").mkdir()
    with pytest.raises(WorkbenchError, match=r"predictions\.csv: it is a folder"):
        write_report(result, tmp_path, plots=False)
    assert (tmp_path / "eval-results.json").read_text() == "{}" and (tmp_path / "old_model-roc.png").is_file()
    assert not (tmp_path / "summary.txt").exists()


def test_a_class_without_clips_has_no_roc_auc(result, tmp_path: Path) -> None:
    keep = [i for i, word in enumerate(result.words) if word != "no"]
    labels, scores = result.labels[keep], result.scores[keep]
    partial = dataclasses.replace(result, paths=[result.paths[i] for i in keep],
                                  words=[result.words[i] for i in keep], labels=labels, scores=scores,
                                  metrics=classifier_metrics(scores, labels))
    text = summary_text(partial)
    no_row = next(line for line in text.splitlines() if line.startswith("no "))
    assert no_row.split()[1] == "0" and no_row.endswith("n/a")
    assert "Average ROC AUC: " in text and "(over the classes with clips of their own and of others)" in text
    write_report(partial, tmp_path, plots=False)
    document = json.loads((tmp_path / "eval-results.json").read_text())
    assert document["roc_auc"][partial.classes.index("no")] is None
    assert document["roc_auc_avg"] == pytest.approx(np.mean([a for a in document["roc_auc"] if a is not None]))


def test_the_roc_plot_says_na_for_a_class_without_clips(result, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    keep = [i for i, word in enumerate(result.words) if word != "no"]
    partial = dataclasses.replace(result, labels=result.labels[keep], scores=result.scores[keep],
                                  metrics=classifier_metrics(result.scores[keep], result.labels[keep]))
    written = write_report(partial, tmp_path)
    assert (tmp_path / "tflite_micro_speech-roc.png").read_bytes()[:8] == PNG_SIGNATURE and len(written) == 6


def test_a_class_without_clips_is_na_not_zero_and_named(result, tmp_path: Path) -> None:
    """A keyword the test split has no clip of: n/a (null) where its figures would divide by zero, and a line
    saying balanced accuracy averages the other classes -- not 0.00% and a quiet mean over the rest."""
    keep = [i for i, word in enumerate(result.words) if word != "no"]
    labels, scores = result.labels[keep], result.scores[keep]
    partial = dataclasses.replace(result, paths=[result.paths[i] for i in keep],
                                  words=[result.words[i] for i in keep], labels=labels, scores=scores,
                                  metrics=classifier_metrics(scores, labels))
    no = partial.classes.index("no")
    predicted_no = int((partial.predicted == no).sum())
    text = summary_text(partial)
    no_row = next(line for line in text.splitlines() if line.startswith("no "))
    _, clips, accuracy, precision, recall, roc, exact_roc = no_row.split()
    assert (clips, accuracy, recall, roc, exact_roc) == ("0", "n/a", "n/a", "n/a", "n/a")
    assert precision == ("n/a" if predicted_no == 0 else "0.00%")  # predicted without clips: false alarms
    lines = text.splitlines()
    balanced = next(i for i, line in enumerate(lines) if line.startswith("Balanced accuracy:"))
    assert lines[balanced + 1] == ("No clips of no: its accuracy and recall are n/a, and balanced accuracy "
                                   "averages the other 3 classes.")
    write_report(partial, tmp_path, plots=False)
    document = json.loads((tmp_path / "eval-results.json").read_text())
    assert document["class_accuracies"][no] is None and document["class_recalls"][no] is None
    assert document["workbench"]["classes_without_clips"] == ["no"]
    others = [a for a in document["class_accuracies"] if a is not None]
    assert len(others) == 3 and document["balanced_accuracy"] == pytest.approx(np.mean(others))


def test_every_class_with_clips_gets_no_note_and_no_nulls(result, tmp_path: Path) -> None:
    assert "No clips of" not in summary_text(result)
    write_report(result, tmp_path, plots=False)
    document = json.loads((tmp_path / "eval-results.json").read_text())
    assert None not in document["class_accuracies"] and document["workbench"]["classes_without_clips"] == []


def test_the_most_confident_mistakes_are_listed_first_as_the_clips_tab_orders_them(result, tmp_path: Path) -> None:
    from workbench.evaluation.clip_predictions import clip_predictions, read_clip_predictions
    from workbench.evaluation.report import CONFIDENT_MISTAKES

    predicted = result.predicted
    wrong = [i for i in range(len(result.paths)) if predicted[i] != result.labels[i]]
    assert wrong  # the reference model gets some of these clips wrong: the list is not empty by construction
    wrong.sort(key=lambda i: (-round(float(result.scores[i, predicted[i]]), 12),
                              float(result.scores[i, result.labels[i]]), i))
    expected = [f"  {result.scores[i, predicted[i]]:.3f}  {result.classes[result.labels[i]]} heard as "
                f"{result.classes[predicted[i]]}: {Path(result.paths[i]).parent.name}/{Path(result.paths[i]).name}"
                for i in wrong[:CONFIDENT_MISTAKES]]
    lines = summary_text(result).splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Most confident mistakes")) + 1
    assert lines[start:start + len(expected)] == expected
    write_report(result, tmp_path, plots=False)  # the GUI's Clips tab reads the CSV: the same order
    from_csv = [clip.path for clip in read_clip_predictions(tmp_path / "predictions.csv")]
    assert from_csv[:len(wrong)] == [Path(result.paths[i]).absolute() for i in wrong]
    assert [clip.path for clip in clip_predictions(result)][:len(wrong)] == [Path(result.paths[i]) for i in wrong]
    listed = json.loads((tmp_path / "eval-results.json").read_text())["workbench"]["confident_mistakes"]
    assert [(m["path"], m["label"], m["predicted"], m["score"]) for m in listed] == [
        (str(result.paths[i]), result.classes[result.labels[i]], result.classes[predicted[i]],
         round(float(result.scores[i, predicted[i]]), 6)) for i in wrong[:CONFIDENT_MISTAKES]]


def test_the_json_report_lists_the_word_confusions_the_text_lists(result) -> None:
    from workbench.evaluation.report import results_document, word_confusions

    confusions = results_document(result)["workbench"]["word_confusions"]
    assert confusions and len(confusions) == len(word_confusions(result))
    lines = summary_text(result).splitlines()
    start = lines.index("Most frequent mistakes (word heard as class):") + 1
    assert [f"  {c['word']:<12} -> {c['predicted']:<12} {c['clips']:>5} of {c['of']}" for c in confusions] == \
        lines[start:start + len(confusions)]


def test_the_roc_auc_is_labelled_as_mltks_with_the_exact_one_beside_it(result, tmp_path: Path) -> None:
    m = result.metrics
    lines = summary_text(result).splitlines()
    assert f"Average ROC AUC: {m.roc_auc_avg:.2%} (MLTK, 0.01 steps)" in lines
    assert f"Average ROC AUC: {m.roc_auc_exact_avg:.2%} (exact, ties count half)" in lines
    header = next(line for line in lines if line.startswith("class "))
    assert header.split()[-4:] == ["AUC", "MLTK", "AUC", "exact"]
    for name, mltk, exact in zip(result.classes, m.roc_auc, m.roc_auc_exact):
        row = next(line for line in lines if line.startswith(f"{name} "))
        assert row.split()[-2:] == [f"{mltk:.2%}", f"{exact:.2%}"]
    write_report(result, tmp_path, plots=False)
    document = json.loads((tmp_path / "eval-results.json").read_text())
    assert document["roc_auc_exact"] == pytest.approx(m.roc_auc_exact)
    assert document["roc_auc_exact_avg"] == pytest.approx(m.roc_auc_exact_avg)
    assert document["roc_auc"] == pytest.approx(m.roc_auc) and document["roc_auc_avg"] == pytest.approx(m.roc_auc_avg)
    methods = document["workbench"]["roc_auc_methods"]
    assert "0.00, 0.01, ..., 1.00" in methods["roc_auc"] and "a tie counting half" in methods["roc_auc_exact"]


def test_the_roc_plot_gives_both_aucs(result) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    from workbench.evaluation.plots import roc_figure

    m = result.metrics
    (ax,) = roc_figure(result).axes
    labels = [line.get_label() for line in ax.get_lines()]
    assert f"yes: AUC {m.roc_auc[0]:.4f} (MLTK), exact {m.roc_auc_exact[0]:.4f}" in labels
    assert f"average AUC {m.roc_auc_avg:.4f} (MLTK), exact {m.roc_auc_exact_avg:.4f}" in labels
    assert "AUC (MLTK, 0.01 steps), then exact AUC (ties count half)" in ax.get_title()
