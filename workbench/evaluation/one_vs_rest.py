"""A one-output model (a wake-word sigmoid) scored as its class against the rest.

Why: the evaluation predicts the class with the highest score, and of one score that is always the one class --
such a model got "Overall accuracy: 100.00%" whatever it heard. A one-unit model answers a yes/no question
instead: its class when the score reaches one half (a probability of 0.5, or a logit of 0), else "not <class>";
the clips of every other word and of silence are the rest. So the evaluation gets two classes, the model's and
its rest, with the rest's score the mirror of the model's (``1 - p``, or ``-z`` for a logit): the highest of the
two is the class exactly when the score reaches the decision point (a tie goes to the class, the first), and
every figure of the report -- accuracies, ROC, confusion matrix -- reads as for any two-class model.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from workbench.core.model.output_kind import OutputKind

ONE_OUTPUT = 1
CLASS_INDEX, REST_INDEX = 0, 1
REST_PREFIX = "not "


def is_one_vs_rest(outputs: int) -> bool:
    """Whether a model with this many output values is scored as its class against the rest."""
    return outputs == ONE_OUTPUT


def rest_class(name: str) -> str:
    """The name of everything a one-output model's class is not: ``not yes``."""
    return f"{REST_PREFIX}{name}"


def one_vs_rest_label(clip_class: str | None, name: str) -> int:
    """The index of a clip of class ``clip_class`` (None: a word the model has no class for) among
    (``name``, its rest)."""
    return CLASS_INDEX if clip_class == name else REST_INDEX


def one_vs_rest_scores(scores: npt.NDArray[np.float64], output: OutputKind) -> npt.NDArray[np.float64]:
    """The n x 1 scores of a one-output model as n x 2 (class, rest): the rest's score mirrors the class's about
    the decision point (module docstring), so the argmax is the class exactly when the score reaches it."""
    own = np.asarray(scores, dtype=np.float64).reshape(-1, ONE_OUTPUT)[:, 0]
    return np.stack([own, 2 * output.decision_score - own], axis=1)


def decision_text(name: str, output: OutputKind) -> str:
    """The report's sentence saying how a one-output model was scored."""
    point = f"{output.decision_score:g}" + ("" if output.probabilities else " (a logit)")
    return (f"One output: scored as {name} against the rest -- {name} when its score is at least {point}, else "
            f"{rest_class(name)}; the clips of every other word and of silence are {rest_class(name)}.")
