"""How closely two models' scores agree clip by clip: the figures X-CUBE-AI's ``validate`` gives a float model and
its C (quantised) model, for ``kws evaluate X.tflite --compare X.float32.tflite``.

Why beside the accuracies: a float model and its int8 twin may get the same clips right and still score them
differently, and those scores are what the detector averages and holds against its threshold. Over every clip and
class of the two results: the mean absolute difference of the scores, the largest, the root mean square, and the
share of clips on which both pick the same top class (where the accuracies count only the right ones). The scores
compared are those the evaluation reports (dequantised, negative-word classes folded into ``_unknown_``), so the
figures are only computed when both models' scores are of one kind: a logit minus a probability says nothing.

Two figures are taken over the whole output at once, every clip's scores end to end in one vector, as X-CUBE-AI
takes them: the L2 relative error ``||model - reference||_2 / ||reference||_2`` and the cosine similarity of the
two vectors. The first is not symmetric, so it needs a reference: the model compared against (``kws evaluate MODEL
--compare REFERENCE``, the comparison's ``first``, its JSON's ``against``), which the text names. X-CUBE-AI's
reference is the original float model, so its order is ``kws evaluate X.tflite --compare X.float32.tflite``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from workbench.evaluation.evaluate import EvaluationResult

PROBABILITIES, LOGITS = "probabilities", "logits"  # what the scores are (the evaluation JSON's "scores")
PERCENT = 100.0
L2R_DECIMALS = 4  # as the differences: a faithful int8 model's error is a few hundredths
COSINE_DECIMALS = 6  # a faithful model's cosine is 0.99...: four decimals would say 1.0000
UNDEFINED = "undefined (all scores 0)"


@dataclass(frozen=True)
class WholeOutputAgreement:
    """X-CUBE-AI's figures over every clip's scores at once, ``first`` (the model compared against) the reference;
    a figure is None where it is undefined: the reference's scores (for the cosine, either model's) all 0."""

    l2_relative_error: float | None
    cosine_similarity: float | None


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
    whole_output: WholeOutputAgreement | None = None  # None: read from a comparison saved before it was computed

    @property
    def top_class_agreement(self) -> float:
        """The share of clips on which both pick the same class (0 to 1)."""
        return self.same_top_class / self.clips if self.clips else 0.0

    def to_json(self) -> dict[str, Any]:
        """The figures side by side, the whole output's among them (left out when not computed)."""
        figures = {key: value for key, value in asdict(self).items() if key != "whole_output"}
        whole_output = asdict(self.whole_output) if self.whole_output is not None else {}
        return {**figures, **whole_output, "top_class_agreement": self.top_class_agreement}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> "ScoreAgreement":
        return cls(scores=str(item["scores"]), clips=int(item["clips"]), same_top_class=int(item["same_top_class"]),
                   mean_absolute_difference=float(item["mean_absolute_difference"]),
                   max_absolute_difference=float(item["max_absolute_difference"]), rmse=float(item["rmse"]),
                   whole_output=WholeOutputAgreement(_figure(item["l2_relative_error"]),
                                                     _figure(item["cosine_similarity"]))
                   if "l2_relative_error" in item else None)


def _figure(value: Any) -> float | None:
    """A figure read back from JSON, where an undefined one is null."""
    return None if value is None else float(value)


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


def l2_relative_error(reference: np.ndarray, other: np.ndarray) -> float | None:
    """``||other - reference||_2 / ||reference||_2`` over every element (None when the reference is all 0)."""
    reference_norm = float(np.linalg.norm(reference.ravel()))
    if reference_norm == 0.0:
        return None
    return float(np.linalg.norm((other - reference).ravel())) / reference_norm


def cosine_similarity(first: np.ndarray, second: np.ndarray) -> float | None:
    """The cosine of the angle between the two arrays as vectors (None when either is all 0). Written as
    ``a.b / sqrt((a.a)(b.b))`` so that two equal arrays give exactly 1 (the square root of a square is exact);
    kept within [-1, 1] against rounding."""
    a, b = first.ravel(), second.ravel()
    norms_product = float(np.dot(a, a)) * float(np.dot(b, b))
    if norms_product == 0.0:
        return None
    return min(1.0, max(-1.0, float(np.dot(a, b)) / float(np.sqrt(norms_product))))


def score_agreement(first: EvaluationResult, second: EvaluationResult) -> ScoreAgreement:
    """The figures of ``second`` against ``first`` (call :func:`why_not_comparable` first); symmetric but for
    the sign, which no figure keeps, and the L2 relative error, whose reference is ``first``."""
    reference, other = np.asarray(first.scores, np.float64), np.asarray(second.scores, np.float64)
    difference = np.abs(other - reference)
    whole_output = WholeOutputAgreement(l2_relative_error(reference, other), cosine_similarity(reference, other))
    if not difference.size:  # an evaluation always has a clip; a result made by hand may not
        return ScoreAgreement(score_kind(second), 0, 0, 0.0, 0.0, 0.0, whole_output)
    return ScoreAgreement(scores=score_kind(second), clips=len(first.scores),
                          same_top_class=int(np.count_nonzero(first.predicted == second.predicted)),
                          mean_absolute_difference=float(difference.mean()),
                          max_absolute_difference=float(difference.max()),
                          rmse=float(np.sqrt(np.mean(difference ** 2))), whole_output=whole_output)


def agreement_text(agreement: ScoreAgreement | None, reason: str, reference: str) -> str:
    """The comparison's lines on scores: the figures, or why there are none ("" for a comparison saved without
    either, by an earlier version); ``reference``: the compared-against model (``first``) as the text names it."""
    if agreement is None:
        return f"  score differences: not computed: {reason}" if reason else ""
    a = agreement
    lines = [f"  score differences per clip and class ({a.scores}): mean absolute {a.mean_absolute_difference:.4f}, "
             f"max {a.max_absolute_difference:.4f}, RMSE {a.rmse:.4f}"]
    if a.whole_output is not None:
        lines.append(f"  over all clips' scores at once (reference: {reference}): L2 relative error "
                     f"{_shown(a.whole_output.l2_relative_error, L2R_DECIMALS)}, cosine similarity "
                     f"{_shown(a.whole_output.cosine_similarity, COSINE_DECIMALS)}")
    lines.append(f"  both pick the same top class on {a.same_top_class} of {a.clips} clips "
                 f"({a.top_class_agreement * PERCENT:.1f}%)")
    return "\n".join(lines)


def _shown(figure: float | None, decimals: int) -> str:
    return UNDEFINED if figure is None else f"{figure:.{decimals}f}"

