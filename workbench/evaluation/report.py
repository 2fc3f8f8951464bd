"""Turn an :class:`EvaluationResult` into what people read and keep: text, JSON, CSV and plots.

Why MLTK's layout: ``eval-results.json`` carries MLTK's keys with MLTK's shapes (``name``,
``model_type``, ``classes``, ``overall_accuracy``, ``class_accuracies``, ``fpr``, ``tpr``,
``roc_thresholds``, ``roc_auc``, ``roc_auc_avg``, ``precision``, ``recall``, ``confusion_matrix``) so
tools that read an MLTK archive read ours; the workbench adds ``balanced_accuracy``, ``class_counts``,
``class_precisions``, ``class_recalls`` and a ``workbench`` block (what was evaluated, skipped clips, the
dataset files that could not be read at all, the classes without clips, speed, and the word confusions and
most confident mistakes the text lists). ``predictions.csv`` (:mod:`.clip_predictions`) lists every clip with
its scores, so the mistakes can be listened to; ``summary.txt`` is the text ``kws evaluate`` prints, including
which *words* the model confuses.

A figure that does not exist is null in the JSON and "n/a" in the text, never MLTK's 0: the accuracy and
recall of a class without clips (a keyword the test split has no clip of: a 0 would read as a keyword the
model never recognises), the precision of a class never predicted, a ROC AUC (and its ``fpr``/``tpr`` curve)
without clips of the class or of the others, the ``precision``/``recall`` curve of a class without clips; the
plots draw no line for those. The text then says which classes had no clips and that balanced accuracy
averages the others.

A model whose output is logits (:mod:`workbench.core.model.output_kind`) is reported on them, as the board uses
them: the text says so first, and labels the figures that assume probabilities (the ROC AUC, whose thresholds
run from 0 to 1, and the scores of the most confident mistakes); the JSON says ``"scores": "logits"``. A
one-output model's report says how it was scored against the rest (:mod:`.one_vs_rest`).

Two figures a user's own script would compute otherwise are said so: the ROC AUC is MLTK's (labelled
:data:`~.metrics.MLTK_AUC_LABEL`), with the exact one beside it (``roc_auc_exact``, ``roc_auc_exact_avg``; the
``workbench`` block's ``roc_auc_methods`` defines both), and a model's negative-word classes counted as
``_unknown_`` are named before the figures (the ``workbench`` block's ``folded_into_unknown``, only then).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

from workbench.core.atomic_write import create_folder
from workbench.core.errors import WorkbenchError
from workbench.core.file_set import Content, folder_kept_only_if_written, write_file_set
from workbench.core.wording import counted
from workbench.evaluation.clip_predictions import confident_mistakes, predictions_csv
from workbench.evaluation.comparison import ClipComparison, comparison_text
from workbench.evaluation.evaluate import FOLD_RULE, EvaluationResult
from workbench.evaluation.metrics import EXACT_AUC, EXACT_AUC_RULE, MLTK_AUC, MLTK_AUC_RULE
from workbench.evaluation.one_vs_rest import decision_text
from workbench.run_folder_layout import EVAL_PREDICTIONS_FILE, EVAL_RESULTS_FILE

SUMMARY_FILE = "summary.txt"
TOP_CONFUSIONS = 10
CONFIDENT_MISTAKES = 10  # the text report's list of the mistakes made with the highest scores
PERCENT = 100.0
NOT_AVAILABLE = "n/a"
PROBABILITIES, LOGITS = "probabilities", "logits"  # the JSON's "scores"
LOGITS_ROC = " (thresholds from 0 to 1 applied to logits: not comparable with a softmax model's)"


def results_document(result: EvaluationResult, comparisons: Sequence[ClipComparison] = ()) -> dict[str, Any]:
    """The ``eval-results.json`` content (module docstring); ``comparisons`` (``kws evaluate --compare``) go
    into the ``workbench`` block as ``compared``."""
    metrics = asdict(result.metrics)
    doc: dict[str, Any] = {"name": result.name, "model_type": "classification", "classes": list(result.classes)}
    for key in ("overall_accuracy", "class_accuracies", "fpr", "tpr", "roc_auc", "roc_thresholds", "roc_auc_avg",
                "precision", "recall", "confusion_matrix", "balanced_accuracy", "class_counts",
                "class_precisions", "class_recalls", "roc_auc_exact", "roc_auc_exact_avg"):
        doc[key] = metrics[key]
    accuracies = result.metrics.reported_accuracies()  # null, not MLTK's 0, where a figure does not exist
    doc.update(class_accuracies=accuracies, class_recalls=accuracies,
               class_precisions=result.metrics.reported_precisions())
    doc["workbench"] = {
        "evaluated": result.description,
        "scores": LOGITS if result.scores_are_logits else PROBABILITIES,
        "scores_notice": result.output.notice() if result.output is not None else "",
        "one_vs_rest": result.one_vs_rest,
        "clips": len(result.paths),
        "skipped": [{"path": str(p), "reason": r} for p, r in result.skipped],
        "unreadable": [{"path": str(p), "reason": r} for p, r in result.unreadable],
        "classes_without_clips": classes_without_clips(result),
        "trim_db": result.trim_db,
        "elapsed_s": round(result.elapsed_s, 3),
        "clips_per_s": round(result.clips_per_s, 1),
        "word_confusions": [{"word": w, "predicted": c, "clips": n, "of": total}
                            for w, c, n, total in word_confusions(result)],
        "confident_mistakes": [{"path": str(clip.path), "word": clip.word, "label": clip.label,
                                "predicted": clip.predicted, "score": round(clip.predicted_score, 6)}
                               for clip in confident_mistakes(result, CONFIDENT_MISTAKES)],
        "compared": [c.to_json() for c in comparisons],
        "roc_auc_methods": {"roc_auc": MLTK_AUC_RULE, "roc_auc_exact": EXACT_AUC_RULE},
    }
    if result.folded:
        doc["workbench"]["folded_into_unknown"] = {"classes": list(result.folded), "rule": FOLD_RULE,
                                                   "note": result.folding_note}
    return doc


def word_confusions(result: EvaluationResult) -> list[tuple[str, str, int, int]]:
    """(word, predicted class, wrong clips, clips of that word), most frequent mistakes first."""
    predicted = result.predicted
    totals = Counter(result.words)
    wrong: Counter[tuple[str, str]] = Counter()
    for word, label, guess in zip(result.words, result.labels, predicted):
        if guess != label:
            wrong[(word, result.classes[int(guess)])] += 1
    return [(w, c, n, totals[w]) for (w, c), n in wrong.most_common(TOP_CONFUSIONS)]


def percent_or_na(value: float | None) -> str:
    """``97.25%``, or ``n/a`` for a figure that does not exist (module docstring)."""
    return NOT_AVAILABLE if value is None else f"{value * PERCENT:.2f}%"


def classes_without_clips(result: EvaluationResult) -> list[str]:
    """The classes none of the evaluated clips is of (a keyword the test split has no clip of)."""
    return [result.classes[i] for i in result.metrics.classes_without_samples]


def no_clips_note(result: EvaluationResult) -> str | None:
    """The line saying which classes had no clips and what that does to balanced accuracy, or None.

    Why a line of its own: without it, a keyword without test clips quietly drops out of balanced accuracy,
    which then looks like a figure over every class.
    """
    missing = classes_without_clips(result)
    if not missing:
        return None
    whose = "its" if len(missing) == 1 else "their"
    others = len(result.classes) - len(missing)
    return (f"No clips of {', '.join(missing)}: {whose} accuracy and recall are n/a, and balanced "
            f"accuracy averages the other {counted(others, 'class', 'classes')}.")


def scoring_notes(result: EvaluationResult) -> list[str]:
    """What the report must say before its figures: that the scores are logits, how a one-output model was
    scored, which classes were counted as ``_unknown_`` (module docstring)."""
    notes: list[str] = []
    if result.output is not None and result.output.logits:
        notes.append(f"Scores: {result.output.notice()}.")
    if result.one_vs_rest and result.output is not None:
        notes.append(decision_text(result.classes[0], result.output))
    if result.folding_note:
        notes.append(result.folding_note)
    return notes


def summary_text(result: EvaluationResult) -> str:
    """The report ``kws evaluate`` prints and ``summary.txt`` holds."""
    m = result.metrics
    width = max(12, *(len(c) + 2 for c in result.classes))
    lines = [f"Model: {result.name}"]
    if result.description:
        lines.append(f"Evaluated: {result.description}")
    lines += scoring_notes(result)
    unreadable = f", {counted(len(result.unreadable), 'unreadable file')} in the datasets" if result.unreadable else ""
    lines.append(f"Clips: {len(result.paths)} scored, {len(result.skipped)} skipped{unreadable} "
                 f"({result.clips_per_s:.0f} clips/s)")
    lines.append(f"Overall accuracy: {m.overall_accuracy * PERCENT:.2f}%")
    lines.append(f"Balanced accuracy: {m.balanced_accuracy * PERCENT:.2f}%")
    note = no_clips_note(result)
    if note:
        lines.append(note)
    over = " (over the classes with clips of their own and of others)" if None in m.roc_auc else ""
    lines.append(f"Average ROC AUC: {percent_or_na(m.roc_auc_avg)} ({MLTK_AUC}){over}"
                 + (LOGITS_ROC if result.scores_are_logits else ""))
    lines.append(f"Average ROC AUC: {percent_or_na(m.roc_auc_exact_avg)} ({EXACT_AUC}){over}")
    lines.append("")
    lines.append(f"{'class':<{width}}{'clips':>7}{'accuracy':>10}{'precision':>11}{'recall':>9}{'AUC MLTK':>10}"
                 f"{'AUC exact':>11}")
    accuracies, precisions = m.reported_accuracies(), m.reported_precisions()
    for i, name in enumerate(result.classes):
        lines.append(f"{name:<{width}}{m.class_counts[i]:>7}{percent_or_na(accuracies[i]):>10}"
                     f"{percent_or_na(precisions[i]):>11}{percent_or_na(accuracies[i]):>9}"
                     f"{percent_or_na(m.roc_auc[i]):>10}{percent_or_na(m.roc_auc_exact[i]):>11}")
    lines.append("")
    lines.append("Confusion matrix (rows: true class, columns: predicted):")
    lines.append(" " * width + "".join(f"{c:>{width}}" for c in result.classes))
    for name, row in zip(result.classes, m.confusion_matrix):
        lines.append(f"{name:<{width}}" + "".join(f"{v:>{width}}" for v in row))
    confusions = word_confusions(result)
    if confusions:
        lines.append("")
        lines.append("Most frequent mistakes (word heard as class):")
        lines += [f"  {word:<12} -> {guess:<12} {n:>5} of {total}" for word, guess, n, total in confusions]
    mistakes = confident_mistakes(result, CONFIDENT_MISTAKES)
    if mistakes:
        lines.append("")
        scored_by = "by logit, not a probability; " if result.scores_are_logits else ""
        lines.append(f"Most confident mistakes ({scored_by}listen to these first; predictions.csv of --out lists "
                     "every clip):")
        lines += [f"  {clip.predicted_score:.3f}  {clip.label} heard as {clip.predicted}: "
                  f"{Path(clip.path.parent.name, clip.path.name)}" for clip in mistakes]
    if result.skipped:
        lines.append("")
        lines.append(f"Skipped clips ({len(result.skipped)}):")
        lines += [f"  {path}: {reason}" for path, reason in result.skipped]
    if result.unreadable:
        lines.append("")
        lines.append(f"Unreadable files in the datasets, in no split and not evaluated ({len(result.unreadable)}):")
        lines += [f"  {path}: {reason}" for path, reason in result.unreadable]
    return "\n".join(lines) + "\n"


def full_summary(result: EvaluationResult, comparisons: Sequence[ClipComparison] = ()) -> str:
    """:func:`summary_text` and each comparison: what ``kws evaluate`` prints and ``summary.txt`` holds."""
    return summary_text(result) + "".join("\n" + comparison_text(c) for c in comparisons)


def report_files(folder: Path) -> list[Path]:
    """The files of an evaluation report already in ``folder`` (any model's plots included)."""
    from workbench.evaluation.plots import is_plot_name

    named = [folder / name for name in (EVAL_RESULTS_FILE, SUMMARY_FILE, EVAL_PREDICTIONS_FILE)]
    try:
        plots = [p for p in folder.iterdir() if is_plot_name(p.name)]
    except OSError:
        plots = []
    return named + sorted(plots)


def write_report(result: EvaluationResult, out_dir: str | Path, *, plots: bool = True,
                 comparisons: Sequence[ClipComparison] = (), notes: list[str] | None = None,
                 parents: bool = True) -> list[Path]:
    """Write ``eval-results.json``, ``summary.txt``, ``predictions.csv`` and (``plots``) the PNGs, all or
    nothing; the files of an earlier report in the folder that this one does not write (another model's
    PNGs, PNGs skipped with ``plots=False``) are removed in the same step, so a folder never mixes two
    evaluations.

    Without matplotlib the PNGs are skipped and a line saying which and how to get matplotlib is appended to
    ``notes`` (when given): an evaluation can take minutes, and its figures are never lost for want of a
    picture -- the plots are the optional part of a report (``kws calibrate`` treats its DET plot alike).

    ``parents=False``: only the report folder itself is made, in a folder that must exist -- a training run's
    ``OUT/eval``, whose ``OUT`` deleted while the run went on must not be made again by its report.
    """
    folder = Path(out_dir)
    with folder_kept_only_if_written(folder):
        _make_report_folder(folder, parents)
        return _write_report_files(result, folder, plots, comparisons, notes)


def _make_report_folder(folder: Path, parents: bool) -> None:
    if parents:
        create_folder(folder, "the report folder")
        return
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise WorkbenchError(f"Cannot create the report folder {folder}: {exc.strerror or exc}.") from None


def _write_report_files(result: EvaluationResult, folder: Path, plots: bool, comparisons: Sequence[ClipComparison],
                        notes: list[str] | None) -> list[Path]:
    files: dict[Path, Content] = {
        folder / EVAL_RESULTS_FILE: (json.dumps(results_document(result, comparisons)) + "\n").encode("utf-8"),
        folder / SUMMARY_FILE: full_summary(result, comparisons).encode("utf-8"),
        folder / EVAL_PREDICTIONS_FILE: predictions_csv(result).encode("utf-8"),
    }
    if plots:
        files.update(_plot_files(result, folder, notes))
    return write_file_set(files, stale=report_files(folder))


def _plot_files(result: EvaluationResult, folder: Path, notes: list[str] | None) -> dict[Path, Content]:
    """The PNGs by their paths, or none (and the reason in ``notes``) when matplotlib cannot draw them."""
    from workbench.plot_advice import PlotUnavailable
    from workbench.evaluation.plots import plot_paths, plot_pngs

    try:
        return dict(plot_pngs(result, folder))
    except PlotUnavailable as exc:
        if notes is not None:
            *first, last = [path.name for path in plot_paths(result, folder)]
            notes.append(f"{', '.join(first)} and {last} not written: {exc}")
        return {}
