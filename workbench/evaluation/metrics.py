"""Classifier figures from true labels and per-class scores, in numpy, with MLTK's definitions.

Why our own (and not scikit-learn): the installed app must stay small, and the figures must mean what
MLTK's ``eval-results.json`` means so a workbench report can be compared with an MLTK archive (such as
the reference model's). Definitions (``scores``: n_samples x n_classes, the model's dequantised output;
``labels``: the true class index of each sample; prediction = the first highest score):

* ``overall_accuracy``: correct / samples.
* ``class_accuracies``: per class, correct / samples of that class (the class's recall; 0 when the class
  has no samples, as MLTK). ``balanced_accuracy``: their mean over the classes that have samples. What people
  read (the report's text and JSON) takes :meth:`ClassifierMetrics.reported_accuracies` instead, None ("n/a")
  for a class without samples: a 0 there reads as a keyword the model never recognises, when it was never
  tested.
* ``fpr``/``tpr``/``roc_thresholds``/``roc_auc`` (MLTK's ``calculate_auc``): one-vs-rest, thresholds
  0, 0.01, ..., 1.0; at each threshold t > 0 a sample counts as positive when its score is strictly
  above t; the first point is forced to (1, 1); the area is the trapezoid sum over these 101 points.
  A class without clips, or without any clip of another class, has no ROC curve worth the name (its
  rates divide by zero): its ``roc_auc`` is None ("n/a"), and so are its ``fpr`` and ``tpr`` (MLTK stores
  a made-up curve there, which a plot would draw as if measured); ``roc_auc_avg`` is the mean over the
  classes that have both (MLTK divides by every class, so a class with no clips pulled its average towards
  0 or 1 at random); None when no class has both. ``roc_thresholds`` is one list for all classes.
  Reports label it :data:`MLTK_AUC_LABEL` (:data:`MLTK_AUC_RULE`): on scores that cluster between two
  thresholds (a weak class's scores all below 0.01) the 0.01 steps cannot order them, and the figure falls
  towards 50 %.
* ``roc_auc_exact``/``roc_auc_exact_avg`` (:data:`EXACT_AUC_LABEL`): the exact area (scikit-learn's
  ``roc_auc_score``): the share of (clip of the class, clip of another class) pairs whose class score is higher
  on the class's clip, a tie counting half (the Mann-Whitney U over both counts). Not MLTK's, so kept beside
  it, never instead: what people compare with MLTK stays MLTK's figure. None where ``roc_auc`` is None;
  averaged over the same classes.
* ``precision``/``recall`` curves (scikit-learn's ``precision_recall_curve`` as MLTK called it, in the
  version that made the reference archive): one point per distinct score, from the lowest threshold
  that reaches full recall up to the highest score, then the end point (precision 1, recall 0). None for a
  class without clips: its recall divides by zero, and MLTK's stand-in is a diagonal from (0, 1) to (1, 0).
* ``confusion_matrix``: rows are the true class, columns the predicted class, always n x n.
* ``class_precisions``/``class_recalls``: per class at the argmax decision (0 when undefined;
  :meth:`ClassifierMetrics.reported_precisions` and ``reported_accuracies`` say None instead).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

ROC_STEP = 0.01
ROC_POINTS = 101  # thresholds 0.00 .. 1.00
MLTK_AUC = f"MLTK, {ROC_STEP:.2f} steps"  # how reports qualify roc_auc (module docstring) ...
EXACT_AUC = "exact, ties count half"  # ... and roc_auc_exact
MLTK_AUC_LABEL, EXACT_AUC_LABEL = f"ROC AUC ({MLTK_AUC})", f"ROC AUC ({EXACT_AUC})"
MLTK_AUC_RULE = (f"MLTK's calculate_auc: trapezoids through the one-vs-rest ROC points at thresholds 0.00, "
                 f"{ROC_STEP:.2f}, ..., 1.00")
EXACT_AUC_RULE = ("the share of (clip of the class, clip of another class) pairs whose score for the class is higher "
                  "on the class's clip, a tie counting half (scikit-learn's roc_auc_score)")


@dataclass(frozen=True)
class ClassifierMetrics:
    overall_accuracy: float
    class_accuracies: list[float]
    balanced_accuracy: float
    class_counts: list[int]
    class_precisions: list[float]
    class_recalls: list[float]
    fpr: list[list[float] | None]  # None where roc_auc is None
    tpr: list[list[float] | None]
    roc_thresholds: list[float]
    roc_auc: list[float | None]  # None: the class has no clips, or no clips of other classes
    roc_auc_avg: float | None
    precision: list[list[float] | None]  # None: the class has no clips
    recall: list[list[float] | None]
    confusion_matrix: list[list[int]]
    roc_auc_exact: list[float | None]  # None where roc_auc is None
    roc_auc_exact_avg: float | None

    @property
    def classes_without_samples(self) -> list[int]:
        """The classes no sample is of: their accuracy and recall do not exist, and balanced accuracy is the
        mean over the others."""
        return [i for i, n in enumerate(self.class_counts) if n == 0]

    def reported_accuracies(self) -> list[float | None]:
        """``class_accuracies`` (= recalls) with None for a class without samples, where MLTK's 0 stands in."""
        return [None if n == 0 else a for a, n in zip(self.class_accuracies, self.class_counts)]

    def reported_precisions(self) -> list[float | None]:
        """``class_precisions`` with None for a class never predicted (no prediction to be right or wrong); a
        class without samples that the model still predicts keeps its precision, 0: those are false alarms."""
        predicted = np.asarray(self.confusion_matrix, dtype=np.int64).sum(axis=0)
        return [None if n == 0 else p for p, n in zip(self.class_precisions, predicted.tolist())]


def _safe_ratio(num: npt.NDArray[np.float64], den: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out = np.zeros_like(num, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def confusion_matrix(labels: npt.ArrayLike, predicted: npt.ArrayLike, n_classes: int) -> npt.NDArray[np.int64]:
    """n x n counts: ``[true][predicted]``."""
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(labels, dtype=np.int64), np.asarray(predicted, dtype=np.int64)), 1)
    return cm


def roc_curves(scores: npt.NDArray[np.float64], labels: npt.NDArray[np.int64]
               ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64],
                          npt.NDArray[np.float64]]:
    """(fpr, tpr, thresholds, auc) with MLTK's 101-threshold one-vs-rest rule (module docstring)."""
    n_classes = scores.shape[1]
    thresholds = np.arange(0.0, 1.0 + ROC_STEP, ROC_STEP)[:ROC_POINTS]
    fpr = np.ones((n_classes, thresholds.size))
    tpr = np.ones((n_classes, thresholds.size))
    for c in range(n_classes):
        positive = labels == c
        above = scores[:, c][None, :] > thresholds[1:, None]  # (thresholds-1, samples)
        tp = (above & positive[None, :]).sum(axis=1).astype(np.float64)
        fp = (above & ~positive[None, :]).sum(axis=1).astype(np.float64)
        n_pos, n_neg = float(positive.sum()), float((~positive).sum())
        tpr[c, 1:] = tp / n_pos if n_pos else 0.0
        fpr[c, 1:] = fp / n_neg if n_neg else 0.0
    auc = 0.5 * ((tpr[:, :-1] + tpr[:, 1:]) * (fpr[:, :-1] - fpr[:, 1:])).sum(axis=1)
    return fpr, tpr, thresholds, auc


def _midranks(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The rank of each value from 1 (the lowest), equal values sharing the mean of their ranks."""
    order = np.argsort(values, kind="mergesort")
    ranked = values[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]]  # the first of each run of equal values
    first = np.flatnonzero(starts)
    runs = np.diff(np.r_[first, values.size])
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = (first + (runs + 1) / 2.0)[np.cumsum(starts) - 1]
    return ranks


def exact_auc(is_positive: npt.NDArray[np.bool_], score: npt.NDArray[np.float64]) -> float | None:
    """The exact ROC AUC of one class (module docstring): Mann-Whitney U / (positives x negatives) from the
    mid-ranks, so a tie counts half; None without positives or without negatives."""
    n_pos = int(is_positive.sum())
    n_neg = is_positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    u = _midranks(np.asarray(score, dtype=np.float64))[is_positive].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def precision_recall_curve(is_positive: npt.NDArray[np.bool_], score: npt.NDArray[np.float64]
                           ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Precision and recall for one class (module docstring); recall decreasing, ending at (1, 0)."""
    order = np.argsort(-score, kind="mergesort")
    ranked, hits = score[order], is_positive[order].astype(np.float64)
    last_of_value = np.r_[np.flatnonzero(np.diff(ranked)), ranked.size - 1]
    tps = np.cumsum(hits)[last_of_value]
    fps = (last_of_value + 1) - tps
    precision = _safe_ratio(tps, tps + fps)
    recall = tps / tps[-1] if tps[-1] > 0 else np.ones_like(tps)
    full = int(np.searchsorted(tps, tps[-1]))  # first threshold reaching full recall
    keep = slice(full, None, -1)
    return np.r_[precision[keep], 1.0], np.r_[recall[keep], 0.0]


def classifier_metrics(scores: npt.ArrayLike, labels: npt.ArrayLike) -> ClassifierMetrics:
    """All figures for ``scores`` (n x classes) against ``labels`` (n class indices); n must be > 0."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64).reshape(-1)
    if s.ndim != 2 or s.shape[0] != y.size or y.size == 0:
        raise ValueError(f"need n x classes scores for n > 0 labels, got {s.shape} scores and {y.size} labels")
    n_classes = s.shape[1]
    if y.min() < 0 or y.max() >= n_classes:
        raise ValueError(f"labels must be class indices below {n_classes}")
    predicted = np.argmax(s, axis=1)
    cm = confusion_matrix(y, predicted, n_classes)
    counts = cm.sum(axis=1)
    correct = np.diag(cm).astype(np.float64)
    recalls = _safe_ratio(correct, counts.astype(np.float64))
    precisions = _safe_ratio(correct, cm.sum(axis=0).astype(np.float64))
    fpr, tpr, thresholds, auc = roc_curves(s, y)
    has_roc = (counts > 0) & (counts < y.size)  # positives and negatives both present
    present = counts > 0
    curves = [precision_recall_curve(y == c, s[:, c]) if present[c] else None for c in range(n_classes)]
    exact = [exact_auc(y == c, s[:, c]) if has_roc[c] else None for c in range(n_classes)]
    exact_known = [a for a in exact if a is not None]
    return ClassifierMetrics(
        overall_accuracy=float(correct.sum() / y.size),
        class_accuracies=recalls.tolist(),
        balanced_accuracy=float(recalls[present].mean()),
        class_counts=counts.tolist(),
        class_precisions=precisions.tolist(),
        class_recalls=recalls.tolist(),
        fpr=[row.tolist() if ok else None for row, ok in zip(fpr, has_roc)],
        tpr=[row.tolist() if ok else None for row, ok in zip(tpr, has_roc)],
        roc_thresholds=thresholds.tolist(),
        roc_auc=[float(a) if ok else None for a, ok in zip(auc, has_roc)],
        roc_auc_avg=float(auc[has_roc].mean()) if has_roc.any() else None,
        precision=[None if curve is None else curve[0].tolist() for curve in curves],
        recall=[None if curve is None else curve[1].tolist() for curve in curves],
        confusion_matrix=cm.tolist(),
        roc_auc_exact=exact,
        roc_auc_exact_avg=float(np.mean(exact_known)) if exact_known else None,
    )
