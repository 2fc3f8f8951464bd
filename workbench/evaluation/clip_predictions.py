"""``predictions.csv``: every evaluated clip with the model's scores, written and read back.

Why a file of its own: the mistakes are what a user listens to (the GUI's Clips tab, ``kws evaluate``'s most
confident mistakes), and the list of clips is what ``kws evaluate --clips`` evaluates another model on, so
both the report writer and those readers share one column layout and one way to find a listed clip. A model whose
output is logits (:mod:`workbench.core.model.output_kind`) has ``logit_<class>`` columns instead of
``score_<class>``: its values are no probabilities from 0 to 1, and the file says so to whoever reads it.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from workbench.core.errors import WorkbenchError
from workbench.datasets.layout import ClipEntry, speaker_of
from workbench.evaluation.evaluate import EvaluationResult
from workbench.run_folder_layout import EVAL_PREDICTIONS_FILE

SCORE_PREFIX = "score_"  # a predictions.csv column of one class's scores: score_<class>
LOGIT_PREFIX = "logit_"  # the same for a model whose output is logits: logit_<class>
SCORE_RANGE = (0.0, 1.0)
CLIP_COLUMNS = ("path", "word", "label", "predicted")  # a predictions.csv's first columns


@dataclass(frozen=True)
class ClipPrediction:
    """One clip of a ``predictions.csv``: what it is, what the model said, and how sure it was of each."""

    path: Path
    word: str
    label: str
    predicted: str
    predicted_score: float  # the model's score for the class it chose
    label_score: float  # its score for the clip's true class
    logits: bool = False  # the scores are logits (logit_<class> columns), not probabilities

    @property
    def correct(self) -> bool:
        return self.label == self.predicted


def predictions_csv(result: EvaluationResult) -> str:
    """One row per clip; its path absolute, so ``--clips`` finds the clips from any folder (a path relative to
    the folder the evaluation ran in would name nothing from elsewhere)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    prefix = LOGIT_PREFIX if result.scores_are_logits else SCORE_PREFIX
    writer.writerow([*CLIP_COLUMNS, "correct", *[f"{prefix}{c}" for c in result.classes]])
    for path, word, label, guess, row in zip(result.paths, result.words, result.labels, result.predicted,
                                             result.scores):
        writer.writerow([str(Path(path).absolute()), word, result.classes[int(label)], result.classes[int(guess)],
                         int(label == guess), *[f"{v:.6f}" for v in row]])
    return buf.getvalue()


def clips_of_predictions(path: str | Path) -> list[ClipEntry]:
    """The clips a ``predictions.csv`` lists (its ``path`` and ``word`` columns), to evaluate another model on
    exactly the clips of an earlier evaluation -- a training run's ``eval/`` among them; WorkbenchError (one
    sentence, naming the line) when a row is damaged.

    Why every row is checked: a list cut short (a copy interrupted, a disk full) still parses, its last row a
    stub; evaluated as it is, the stub counts as a clip and the clips after it are silently missing. A full
    predictions list is checked as :func:`read_clip_predictions` checks it (the same sentence as the Clips tab's);
    a hand-written ``path,word`` list by its two fields.
    """
    source = Path(path)
    rows, columns = _csv_rows(source)
    if not rows or not {"path", "word"} <= set(columns):
        raise WorkbenchError(f"{source} lists no clips: it needs 'path' and 'word' columns, as the "
                             f"{EVAL_PREDICTIONS_FILE} of kws evaluate or of a training run's eval folder")
    scored = _has_scores(columns)
    for line, row in enumerate(rows, start=2):
        if scored:
            _clip_prediction(row, line, source, _score_prefix(columns))
        elif not row["path"] or row["word"] is None or None in row:
            raise WorkbenchError(f"line {line} of {source} is damaged: it needs a clip path and its word")
    return [ClipEntry(clip, row["word"] or "", speaker_of(clip), "testing")
            for row in rows for clip in [_listed_clip(str(row["path"]), source.parent)]]


def _has_scores(columns: Sequence[str]) -> bool:
    """Whether a CSV's columns are a predictions list's (the clip's columns and a score per class)."""
    return set(CLIP_COLUMNS) <= set(columns) and any(c.startswith((SCORE_PREFIX, LOGIT_PREFIX)) for c in columns)


def _score_prefix(columns: Sequence[str]) -> str:
    """``logit_`` when the list holds a logits model's scores, else ``score_``."""
    return LOGIT_PREFIX if any(c.startswith(LOGIT_PREFIX) for c in columns) else SCORE_PREFIX


def read_clip_predictions(path: str | Path) -> list[ClipPrediction]:
    """The clips of a ``predictions.csv``, the most confident mistakes first; WorkbenchError (one sentence) when
    the file cannot be read or is not a predictions list.

    Why this order: a mistake made with a high score is the one worth listening to (a mislabelled clip, a word
    the model has learned as the keyword), a near miss less so. Mistakes come first by the predicted class's
    score (ties: the lower score of the true class first, then the file's order), then the correct clips by the
    true class's score, lowest first -- the ones the model almost got wrong.
    """
    source = Path(path)
    rows, columns = _csv_rows(source)
    if not _has_scores(columns):
        raise WorkbenchError(f"{source} is not a list of clip predictions: it needs the columns "
                             f"{', '.join(CLIP_COLUMNS)} and {SCORE_PREFIX}<class>, as kws evaluate writes them")
    prefix = _score_prefix(columns)
    return confidence_ordered([_clip_prediction(row, line, source, prefix)
                               for line, row in enumerate(rows, start=2)])


def clip_predictions(result: EvaluationResult) -> list[ClipPrediction]:
    """The clips of ``result`` in :func:`read_clip_predictions`'s order (what its ``predictions.csv`` will hold)."""
    return confidence_ordered([
        ClipPrediction(Path(path), word, result.classes[int(label)], result.classes[int(guess)],
                       float(scores[int(guess)]), float(scores[int(label)]), result.scores_are_logits)
        for path, word, label, guess, scores in zip(result.paths, result.words, result.labels, result.predicted,
                                                    result.scores)])


def confident_mistakes(result: EvaluationResult, count: int) -> list[ClipPrediction]:
    """The mistakes among the ``count`` first clips of :func:`clip_predictions` (fewer when there are fewer)."""
    return [clip for clip in clip_predictions(result)[:count] if not clip.correct]


def confidence_ordered(clips: Sequence[ClipPrediction]) -> list[ClipPrediction]:
    """``clips`` with the most confident mistakes first (see :func:`read_clip_predictions`)."""
    order = sorted(range(len(clips)), key=lambda i: _confidence_order(clips[i], i))
    return [clips[i] for i in order]


def _csv_rows(source: Path) -> tuple[list[dict[str, str | None]], list[str]]:
    """The rows and column names of a CSV file; WorkbenchError (one sentence) when it cannot be read."""
    try:
        with source.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            return list(reader), list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise WorkbenchError(f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}") from None


def _clip_prediction(row: dict[str, str | None], line: int, source: Path, prefix: str) -> ClipPrediction:
    """One row as a :class:`ClipPrediction`; WorkbenchError naming the line when a field or score is missing
    (a ``score_`` outside 0 to 1, a ``logit_`` that is no finite number)."""
    logits = prefix == LOGIT_PREFIX
    low, high = (-math.inf, math.inf) if logits else SCORE_RANGE
    try:
        label, predicted = str(row["label"]), str(row["predicted"])
        scores = (float(str(row[prefix + predicted])), float(str(row[prefix + label])))
        if not all(low <= score <= high and math.isfinite(score) for score in scores) or not row["path"]:
            raise ValueError
    except (KeyError, ValueError):
        needed = "a finite logit" if logits else "a score from 0 to 1"
        raise WorkbenchError(f"line {line} of {source} is damaged: it needs a clip path and {needed} "
                             f"for its true and its predicted class") from None
    return ClipPrediction(_listed_clip(str(row["path"]), source.parent), str(row["word"] or ""), label, predicted,
                          *scores, logits)


def _confidence_order(clip: ClipPrediction, index: int) -> tuple[int, float, float, int]:
    """The sort key of :func:`read_clip_predictions`'s order."""
    if clip.correct:
        return (1, clip.label_score, 0.0, index)
    return (0, -clip.predicted_score, clip.label_score, index)


def _listed_clip(text: str, csv_folder: Path) -> Path:
    """A clip path of a clip list: as written when absolute; a relative one (lists written before paths were
    stored whole, or by hand) is taken beside the list when it is there, else from the working folder."""
    listed = Path(text)
    if listed.is_absolute() or not (csv_folder / listed).exists():
        return listed
    return csv_folder / listed
