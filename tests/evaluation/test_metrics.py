"""The classifier figures against small cases worked out by hand (see each test's comment)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.evaluation.metrics import classifier_metrics, exact_auc, precision_recall_curve, roc_curves

INT8_STEPS = 256  # a quantised softmax's scores: multiples of 1/256, so ties are common


def test_accuracies_precision_and_confusion_by_hand() -> None:
    # true 0,0,1,1,2 ; predicted 0,1,1,1,0
    scores = [[0.7, 0.2, 0.1], [0.3, 0.6, 0.1], [0.1, 0.8, 0.1], [0.2, 0.5, 0.3], [0.5, 0.1, 0.4]]
    m = classifier_metrics(scores, [0, 0, 1, 1, 2])
    assert m.confusion_matrix == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    assert m.overall_accuracy == pytest.approx(3 / 5)
    assert m.class_accuracies == pytest.approx([1 / 2, 1.0, 0.0])
    assert m.class_recalls == m.class_accuracies
    assert m.balanced_accuracy == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert m.class_precisions == pytest.approx([1 / 2, 2 / 3, 0.0])  # class 2 never predicted: 0
    assert m.class_counts == [2, 2, 1]


def test_a_class_without_samples_is_left_out_of_balanced_accuracy() -> None:
    m = classifier_metrics([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1]], [0, 1, 1])
    assert m.class_counts == [1, 2, 0] and m.class_accuracies[2] == 0.0
    assert m.balanced_accuracy == pytest.approx((1.0 + 0.5) / 2)
    assert np.array(m.confusion_matrix).shape == (3, 3)


def test_ties_go_to_the_first_class_as_argmax() -> None:
    m = classifier_metrics([[0.5, 0.5], [0.5, 0.5]], [0, 1])
    assert m.confusion_matrix == [[1, 0], [1, 0]]


def test_roc_by_hand() -> None:
    # class 0: positives score 0.905 and 0.405, negatives 0.605 and 0.105 (off the 0.01 grid).
    # Thresholds t: below 0.105 -> (fpr 1, tpr 1); up to 0.405 -> (0.5, 1); up to 0.605 -> (0.5, 0.5);
    # up to 0.905 -> (0, 0.5); above -> (0, 0). Trapezoids: 0.5*(1+1)*0.5 + 0.5*(0.5+0.5)*0.5 = 0.75,
    # the share of (positive, negative) pairs ranked right (3 of 4).
    scores = np.array([[0.905, 0.095], [0.405, 0.595], [0.605, 0.395], [0.105, 0.895]])
    labels = np.array([0, 0, 1, 1])
    fpr, tpr, thresholds, auc = roc_curves(scores, labels)
    assert fpr.shape == tpr.shape == (2, 101) and thresholds[0] == 0.0 and thresholds[-1] == pytest.approx(1.0)
    assert fpr[0, 0] == tpr[0, 0] == 1.0
    t = {round(x, 2): i for i, x in enumerate(thresholds)}
    assert (fpr[0, t[0.1]], tpr[0, t[0.1]]) == (1.0, 1.0)
    assert (fpr[0, t[0.2]], tpr[0, t[0.2]]) == (0.5, 1.0)
    assert (fpr[0, t[0.5]], tpr[0, t[0.5]]) == (0.5, 0.5)
    assert (fpr[0, t[0.7]], tpr[0, t[0.7]]) == (0.0, 0.5)
    assert (fpr[0, t[0.95]], tpr[0, t[0.95]]) == (0.0, 0.0)
    assert auc[0] == pytest.approx(0.75)
    m = classifier_metrics(scores, labels)
    assert m.roc_auc == pytest.approx(list(auc)) and m.roc_auc_avg == pytest.approx(auc.mean())


def test_a_perfect_and_a_useless_class() -> None:
    scores = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.3, 0.7]])
    m = classifier_metrics(scores, [0, 0, 1, 1])
    assert m.roc_auc == pytest.approx([1.0, 1.0]) and m.balanced_accuracy == 1.0
    flat = classifier_metrics(np.full((4, 2), 0.5), [0, 0, 1, 1])
    assert flat.roc_auc == pytest.approx([0.5, 0.5])


def test_precision_recall_curve_by_hand() -> None:
    # scores 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.1 (neg); thresholds from the top:
    # 0.9 -> P 1, R .5; 0.8 -> P .5, R .5; 0.7 -> P 2/3, R 1 (full recall first reached); 0.1 -> dropped.
    # Returned from full recall upwards, then the end point (P 1, R 0).
    precision, recall = precision_recall_curve(np.array([True, False, True, False]),
                                               np.array([0.9, 0.8, 0.7, 0.1]))
    assert precision == pytest.approx([2 / 3, 0.5, 1.0, 1.0])
    assert recall == pytest.approx([1.0, 0.5, 0.5, 0.0])
    precision, recall = precision_recall_curve(np.array([True, False]), np.array([0.5, 0.5]))  # one tie
    assert precision == pytest.approx([0.5, 1.0]) and recall == pytest.approx([1.0, 0.0])


def test_bad_shapes_are_refused() -> None:
    with pytest.raises(ValueError):
        classifier_metrics(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError):
        classifier_metrics(np.zeros((0, 2)), [])
    with pytest.raises(ValueError):
        classifier_metrics(np.zeros((2, 2)), [0, 2])


def test_roc_auc_is_na_for_a_class_without_clips_or_without_others() -> None:
    # class 2 has no clips: its "curve" divides by zero, so it has no AUC and stays out of the average
    scores = np.array([[0.905, 0.095, 0.0], [0.405, 0.595, 0.0], [0.605, 0.395, 0.0], [0.105, 0.895, 0.0]])
    m = classifier_metrics(scores, [0, 0, 1, 1])
    assert m.roc_auc[:2] == pytest.approx([0.75, 0.75]) and m.roc_auc[2] is None
    assert m.roc_auc_avg == pytest.approx(0.75)
    only_one = classifier_metrics([[0.9, 0.1], [0.8, 0.2]], [0, 0])  # nothing else to tell class 0 from
    assert only_one.roc_auc == [None, None] and only_one.roc_auc_avg is None


def test_reported_figures_are_none_where_they_do_not_exist() -> None:
    # true 0,0,1 ; predicted 0,2,0: class 2 has no clips but is predicted once (a false alarm), class 1 is
    # never predicted
    m = classifier_metrics([[0.9, 0.1, 0.0], [0.2, 0.1, 0.7], [0.6, 0.3, 0.1]], [0, 0, 1])
    assert m.classes_without_samples == [2]
    assert m.class_accuracies[2] == 0.0 and m.reported_accuracies() == pytest.approx([0.5, 0.0, None])
    assert m.reported_precisions() == pytest.approx([0.5, None, 0.0])  # never predicted: None; false alarm: 0
    assert m.balanced_accuracy == pytest.approx((0.5 + 0.0) / 2)


def test_curves_are_none_where_they_do_not_exist() -> None:
    # class 2 has no samples: no ROC (rates divide by zero) and no precision-recall curve (recall does), where
    # MLTK would store a made-up curve; classes 0 and 1 keep theirs, and the thresholds are one shared list.
    scores = np.array([[0.905, 0.095, 0.0], [0.405, 0.595, 0.0], [0.605, 0.395, 0.0], [0.105, 0.895, 0.0]])
    m = classifier_metrics(scores, [0, 0, 1, 1])
    assert m.fpr[2] is None and m.tpr[2] is None and m.precision[2] is None and m.recall[2] is None
    assert all(len(m.fpr[c]) == len(m.tpr[c]) == len(m.roc_thresholds) for c in (0, 1))
    assert m.precision[0] == pytest.approx([2 / 3, 0.5, 1.0, 1.0]) and m.recall[0][-1] == 0.0
    # only class 0 has samples: class 1 has neither curve, class 0 has no ROC (nothing to tell it from) but
    # its precision-recall curve exists (precision 1 at every threshold)
    only_one = classifier_metrics([[0.9, 0.1], [0.8, 0.2]], [0, 0])
    assert only_one.fpr == [None, None] and only_one.tpr == [None, None]
    assert only_one.precision[0] == pytest.approx([1.0, 1.0, 1.0]) and only_one.precision[1] is None
    assert only_one.recall[0] == pytest.approx([1.0, 0.5, 0.0]) and only_one.recall[1] is None


def test_exact_auc_by_hand_with_ties() -> None:
    # positives 0.9, 0.5, 0.5; negatives 0.5, 0.1. Pairs (pos, neg): 0.9 beats both (2); each 0.5 ties the
    # negative 0.5 (a half each) and beats 0.1 (1 each): (2 + 2 * 1.5) / (3 * 2) = 5/6.
    is_positive = np.array([True, True, True, False, False])
    assert exact_auc(is_positive, np.array([0.9, 0.5, 0.5, 0.5, 0.1])) == pytest.approx(5 / 6)
    assert exact_auc(is_positive, np.full(5, 0.3)) == pytest.approx(0.5)  # all ties: a half per pair
    assert exact_auc(np.array([True, True]), np.array([0.1, 0.2])) is None  # no negatives


def _pairwise_auc(is_positive: np.ndarray, score: np.ndarray) -> float:
    """The definition, pair by pair: wins plus half the ties, over every (positive, negative) pair."""
    positives, negatives = score[is_positive][:, None], score[~is_positive][None, :]
    wins = (positives > negatives).sum() + 0.5 * (positives == negatives).sum()
    return float(wins / (positives.size * negatives.size))


def test_exact_auc_is_the_pairwise_count_on_int8_like_scores() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(2, 300))
        score = rng.integers(0, int(rng.integers(2, INT8_STEPS + 1)), n) / INT8_STEPS  # few or many distinct
        is_positive = rng.random(n) < rng.uniform(0.05, 0.95)
        if is_positive.all() or not is_positive.any():
            continue
        assert exact_auc(is_positive, score) == pytest.approx(_pairwise_auc(is_positive, score), abs=1e-12)


def test_scores_below_the_first_step_are_ordered_only_by_the_exact_auc() -> None:
    # class 1's scores all lie below 0.01 and rank its clips perfectly: MLTK's 0.01 steps see one point, 50 %
    scores = np.array([[0.995, 0.005], [0.996, 0.004], [0.999, 0.001], [0.998, 0.002]])
    m = classifier_metrics(scores, [1, 1, 0, 0])
    assert m.roc_auc[1] == pytest.approx(0.5) and m.roc_auc_exact[1] == pytest.approx(1.0)
    partial = classifier_metrics(np.c_[scores, np.zeros(4)], [1, 1, 0, 0])  # class 2 without clips: n/a, as MLTK's
    assert partial.roc_auc_exact[2] is None and partial.roc_auc_exact[:2] == pytest.approx([1.0, 1.0])
    assert partial.roc_auc_exact_avg == pytest.approx(1.0)
    only_one = classifier_metrics([[0.9, 0.1], [0.8, 0.2]], [0, 0])
    assert only_one.roc_auc_exact == [None, None] and only_one.roc_auc_exact_avg is None
