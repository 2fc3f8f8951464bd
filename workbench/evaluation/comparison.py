"""Two models on the same clips: which one classifies them better, and by more than the speakers explain?

Why: on a test split of a thousand clips from fifty speakers, two trainings that differ only in their seed
differ by a point or two of balanced accuracy, and so do two speaker groups. Before a user ships the new
model instead of the old one, the difference must be larger than that. Clips of one speaker are not
independent (one voice is hard for both models), so a clip-level test would be overconfident; instead the
test speakers are drawn again with replacement, the SAME draw for both models, and the balanced accuracy of
each is recomputed on the drawn clips (:mod:`workbench.datasets.speaker_bootstrap`). The interval of the
difference says whether another group of such speakers could reverse it. Also counted: the clips only one of
the two gets right, which is where they differ, and how closely their scores agree clip by clip
(:mod:`workbench.evaluation.score_agreement`: a float model against its int8 twin, as X-CUBE-AI validates them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import ARCHIVE_SUFFIX, TFLITE_SUFFIX
from workbench.datasets.layout import has_speaker_id, speaker_of
from workbench.datasets.speaker_bootstrap import (
    CONFIDENCE, DRAWS, MIN_SPEAKERS, SEED, draw_weights, interval, interval_side,
)
from workbench.evaluation.evaluate import EvaluationResult
from workbench.evaluation.score_agreement import (
    ScoreAgreement, agreement_text, score_agreement, why_not_comparable,
)

PERCENT = 100.0
# when both models carry the same name (a run trained with a bundled model's spec against that model), the
# text tells them apart by their roles: ``kws evaluate MODEL --compare OTHER``, the GUI's run and its choice
THIS_MODEL, OTHER_MODEL = "this model", "the other model"
MODEL_SUFFIXES = (ARCHIVE_SUFFIX, TFLITE_SUFFIX)  # what a model file's name adds to a model's own name


@dataclass(frozen=True)
class ClipComparison:
    """``second`` against ``first`` on the same clips (accuracies and differences are fractions)."""

    first: str
    second: str
    classes: tuple[str, ...]
    clips_per_class: tuple[int, ...]
    first_accuracies: tuple[float, ...]
    second_accuracies: tuple[float, ...]
    balanced_difference: float  # second - first
    interval: tuple[float, float] | None  # of the difference, over redrawn speakers (None: too few speakers)
    speakers: int  # whose file names name them; the interval also redraws each clip without one on its own
    only_first_right: int
    only_second_right: int
    clips_without_speaker: int = 0
    first_file: str = ""  # the file names the models were read from ("": not known)
    second_file: str = ""
    # the scores' agreement clip by clip (None: not computed, ``scores_note`` says why; both empty when read from a
    # comparison saved before they were)
    scores: ScoreAgreement | None = None
    scores_note: str = ""

    @property
    def labels(self) -> tuple[str, str]:
        """(first, second) as the text names them: the model names, each with its file's name when that is
        another (the file picked is what the user knows it by), and with their roles added when the names are
        still the same -- "tflite_micro_speech against tflite_micro_speech" says nothing."""
        return distinct_labels(named_with_file(self.first, self.first_file),
                               named_with_file(self.second, self.second_file))

    @property
    def verdict(self) -> str:
        if self.interval is None:
            return "too few speakers to tell"
        first, second = self.labels
        return {1: f"{second} is better", -1: f"{first} is better",
                0: "within what the speakers alone could change"}[interval_side(self.interval)]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready; a class without clips has null accuracies (as in the report), not MLTK's 0."""
        return {"model": self.second, "against": self.first, "classes": list(self.classes),
                "clips_per_class": list(self.clips_per_class),
                "class_accuracies": self._reported(self.second_accuracies),
                "against_class_accuracies": self._reported(self.first_accuracies),
                "balanced_accuracy_difference": self.balanced_difference, "speakers": self.speakers,
                "clips_without_speaker": self.clips_without_speaker,
                "speaker_interval": None if self.interval is None else {
                    "speakers": self.speakers, "confidence": CONFIDENCE, "balanced_accuracy_difference":
                    list(self.interval)},
                "only_against_right": self.only_first_right, "only_model_right": self.only_second_right,
                "score_agreement": None if self.scores is None else self.scores.to_json(),
                **({"score_agreement_not_computed": self.scores_note} if self.scores_note else {}),
                **({"model_file": self.second_file} if self.second_file else {}),
                **({"against_file": self.first_file} if self.first_file else {})}

    def _reported(self, accuracies: tuple[float, ...]) -> list[float | None]:
        return [a if n else None for a, n in zip(accuracies, self.clips_per_class)]

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> "ClipComparison":
        """Back from :meth:`to_json` (``eval-results.json``'s ``workbench.compared`` entries)."""
        span = item.get("speaker_interval")
        scores = item.get("score_agreement")
        return cls(first=item["against"], second=item["model"], classes=tuple(item["classes"]),
                   clips_per_class=tuple(item["clips_per_class"]),
                   first_accuracies=_accuracies(item["against_class_accuracies"]),
                   second_accuracies=_accuracies(item["class_accuracies"]),
                   balanced_difference=float(item["balanced_accuracy_difference"]),
                   interval=None if span is None else (float(span["balanced_accuracy_difference"][0]),
                                                       float(span["balanced_accuracy_difference"][1])),
                   speakers=int(item["speakers"]),
                   only_first_right=int(item["only_against_right"]), only_second_right=int(item["only_model_right"]),
                   clips_without_speaker=int(item.get("clips_without_speaker", 0)),
                   first_file=str(item.get("against_file", "")), second_file=str(item.get("model_file", "")),
                   scores=None if scores is None else ScoreAgreement.from_json(scores),
                   scores_note=str(item.get("score_agreement_not_computed", "")))


def _accuracies(values: list[float | None]) -> tuple[float, ...]:
    """Accuracies read back from JSON: a class without clips (null) gets MLTK's 0, which no text shows."""
    return tuple(0.0 if v is None else float(v) for v in values)


def named_with_file(name: str, file_name: str) -> str:
    """``kws_yes_no (otherfe2.tflite)`` when the model's own name is not its file's (a copy renamed, a model
    exported under another name); just the name when the file says the same (``kws_yes_no.tflite``) or is not
    known."""
    stem = file_name
    for suffix in MODEL_SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[:-len(suffix)]
            break
    return name if not file_name or stem == name else f"{name} ({file_name})"


def distinct_labels(first: str, second: str) -> tuple[str, str]:
    """``first`` (the model compared with) and ``second`` (the model evaluated), told apart when they clash:
    ``("kws (the other model)", "kws (this model)")``; different names are kept as they are."""
    if first != second:
        return first, second
    return f"{first} ({OTHER_MODEL})", f"{second} ({THIS_MODEL})"


def _balanced(weights: npt.NDArray[np.float64], clips: npt.NDArray[np.float64],
              correct: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Balanced accuracy of each draw: ``clips``/``correct`` are speakers x classes counts; classes without
    a clip in a draw are left out of its mean."""
    drawn_clips, drawn_correct = weights @ clips, weights @ correct
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.where(drawn_clips > 0, drawn_correct / drawn_clips, np.nan)
    with np.errstate(invalid="ignore"):
        return np.nanmean(recall, axis=1)


def compare_results(first: EvaluationResult, second: EvaluationResult, draws: int = DRAWS,
                    seed: int = SEED, *, files: tuple[Path | None, Path | None] = (None, None)) -> ClipComparison:
    """``second`` against ``first``; both must have scored the same clips with the same classes. ``files``: the
    model files of ``first`` and ``second`` when known, named in the text when their names differ from the
    models' own. The refusals name the models as the text would: a copy of a model with its classes reordered
    keeps the model's name, and "kws_yes_no has the classes … and kws_yes_no …" says nothing."""
    first_file, second_file = (path.name if path is not None else "" for path in files)
    first_name, second_name = distinct_labels(named_with_file(first.name, first_file),
                                              named_with_file(second.name, second_file))
    if list(first.classes) != list(second.classes):
        raise WorkbenchError(f"{second_name} has the classes {', '.join(second.classes)} and {first_name} "
                             f"{', '.join(first.classes)}: compare models with the same classes")
    if list(first.paths) != list(second.paths):
        raise WorkbenchError(f"{first_name} and {second_name} were scored on different clips (a clip could be "
                             "read for one and not the other); nothing to compare clip by clip")
    classes = len(first.classes)
    right_first = first.predicted == first.labels
    right_second = second.predicted == second.labels
    names = [speaker_of(p) for p in first.paths]
    ids = {name: i for i, name in enumerate(dict.fromkeys(names))}
    speaker = np.array([ids[n] for n in names], np.int64)
    shape = (len(ids), classes)
    clips = np.zeros(shape)
    np.add.at(clips, (speaker, first.labels), 1.0)
    correct_first, correct_second = np.zeros(shape), np.zeros(shape)
    np.add.at(correct_first, (speaker, first.labels), right_first.astype(np.float64))
    np.add.at(correct_second, (speaker, first.labels), right_second.astype(np.float64))
    span = None
    if len(ids) >= MIN_SPEAKERS:
        weights = draw_weights(len(ids), draws, seed)
        span = interval(_balanced(weights, clips, correct_second) - _balanced(weights, clips, correct_first))
    a, b = first.metrics, second.metrics
    scores_note = why_not_comparable(first, second, (first_name, second_name))
    return ClipComparison(
        first=first.name, second=second.name, classes=tuple(first.classes),
        clips_per_class=tuple(int(n) for n in a.class_counts),
        first_accuracies=tuple(float(v) for v in a.class_accuracies),
        second_accuracies=tuple(float(v) for v in b.class_accuracies),
        balanced_difference=float(b.balanced_accuracy - a.balanced_accuracy), interval=span,
        speakers=len({n for n, p in zip(names, first.paths) if has_speaker_id(p)}),
        only_first_right=int((right_first & ~right_second).sum()),
        only_second_right=int((right_second & ~right_first).sum()),
        clips_without_speaker=sum(1 for p in first.paths if not has_speaker_id(p)),
        first_file=first_file, second_file=second_file,
        scores=None if scores_note else score_agreement(first, second), scores_note=scores_note)


def comparison_text(comparison: ClipComparison) -> str:
    """The per-class table and the verdict, for the terminal."""
    c = comparison
    first, second = c.labels
    width = max(len(name) for name in c.classes + ("class",))
    column = max(len(first), len(second), len("100.0%"))
    lines = [f"{second} against {first} on the same {sum(c.clips_per_class)} clips:",
             f"  {'class':<{width}}  {'clips':>5}  {first:>{column}}  {second:>{column}}  difference"]
    for name, n, a, b in zip(c.classes, c.clips_per_class, c.first_accuracies, c.second_accuracies):
        if n:
            lines.append(f"  {name:<{width}}  {n:>5}  {f'{a * PERCENT:.1f}%':>{column}}  "
                         f"{f'{b * PERCENT:.1f}%':>{column}}  {(b - a) * PERCENT:+6.1f} points")
    text = f"  balanced accuracy {c.balanced_difference * PERCENT:+.1f} points"
    if c.interval is not None:
        low, high = c.interval
        lone = (f", the {c.clips_without_speaker} clips that name no speaker each drawn alone"
                if c.clips_without_speaker else "")
        text += (f" ({CONFIDENCE * PERCENT:.0f} % interval {low * PERCENT:+.1f} to {high * PERCENT:+.1f} over the "
                 f"same {c.speakers} speakers redrawn for both{lone})")
    lines += [text + f": {c.verdict}",
              f"  clips only {second} gets right: {c.only_second_right}; only {first}: {c.only_first_right}"]
    scores = agreement_text(c.scores, c.scores_note, first)
    return "\n".join(lines + ([scores] if scores else [])) + "\n"
