"""How closely two models' scores agree clip by clip: the figures X-CUBE-AI's ``validate`` gives a float model and
its C (quantised) model, for ``kws evaluate X.float32.tflite --compare X.tflite``.

Why beside the accuracies: a float model and its int8 twin may get the same clips right and still score them
differently, and those scores are what the detector averages and holds against its threshold. Over every clip and
class of the two results: the mean absolute difference of the scores, the largest, the root mean square, and the
share of clips on which both pick the same top class (where the accuracies count only the right ones). The scores
compared are those the evaluation reports (dequantised, negative-word classes folded into ``_unknown_``), so the
figures are only computed when both models' scores are of one kind: a logit minus a probability says nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from workbench.evaluation.evaluate import EvaluationResult

PROBABILITIES, LOGITS = "probabilities", "logits"  # what the scores are (the evaluation JSON's "scores")
PERCENT = 100.0


@dataclass(frozen=True)
class ScoreAgreement:
    """``second``'s scores against ``first``'s on the same clips and classes (differences as fractions of 1 for
    probabilities, in logits for logits)."""

    scores: str  # PROBABILITIES or LOGITS: what the differences are differences of
    clips: int
    same_top_class: int  # clips on which both models' highest score is the same class
    mean_absolute_difference: float
    max_absolute_difference: float
    rmse: float

    @property
    def top_class_agreement(self) -> float:
        """The share of clips on which both pick the same class (0 to 1)."""
        return self.same_top_class / self.clips if self.clips else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "top_class_agreement": self.top_class_agreement}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> "ScoreAgreement":
        return cls(scores=str(item["scores"]), clips=int(item["clips"]), same_top_class=int(item["same_top_class"]),
                   mean_absolute_difference=float(item["mean_absolute_difference"]),
                   max_absolute_difference=float(item["max_absolute_difference"]), rmse=float(item["rmse"]))


def score_kind(result: EvaluationResult) -> str:
    return LOGITS if result.scores_are_logits else PROBABILITIES


def why_not_comparable(first: EvaluationResult, second: EvaluationResult, names: tuple[str, str]) -> str:
    """Why the two results' scores cannot be held against each other, "" when they can; ``names``: the two
    models' as the comparison's text gives them."""
    if list(first.classes) != list(second.classes):
        return "the models' classes differ"
    if score_kind(first) != score_kind(second):
        return (f"{names[0]}'s scores are {score_kind(first)} and {names[1]}'s {score_kind(second)}: "
                "their differences say nothing")
    if first.scores.shape != second.scores.shape:
        return "the models scored different clips"
    return ""


def score_agreement(first: EvaluationResult, second: EvaluationResult) -> ScoreAgreement:
    """The figures of ``second`` against ``first`` (call :func:`why_not_comparable` first); symmetric but for
    the sign, which no figure keeps."""
    difference = np.abs(np.asarray(second.scores, np.float64) - np.asarray(first.scores, np.float64))
    if not difference.size:  # an evaluation always has a clip; a result made by hand may not
        return ScoreAgreement(score_kind(second), 0, 0, 0.0, 0.0, 0.0)
    return ScoreAgreement(scores=score_kind(second), clips=len(first.scores),
                          same_top_class=int(np.count_nonzero(first.predicted == second.predicted)),
                          mean_absolute_difference=float(difference.mean()),
                          max_absolute_difference=float(difference.max()),
                          rmse=float(np.sqrt(np.mean(difference ** 2))))


def agreement_text(agreement: ScoreAgreement | None, reason: str) -> str:
    """The comparison's lines on scores: the figures, or why there are none ("" for a comparison saved without
    either, by an earlier version)."""
    if agreement is None:
        return f"  score differences: not computed: {reason}" if reason else ""
    a = agreement
    return (f"  score differences per clip and class ({a.scores}): mean absolute {a.mean_absolute_difference:.4f}, "
            f"max {a.max_absolute_difference:.4f}, RMSE {a.rmse:.4f}\n"
            f"  both pick the same top class on {a.same_top_class} of {a.clips} clips "
            f"({a.top_class_agreement * PERCENT:.1f}%)")
