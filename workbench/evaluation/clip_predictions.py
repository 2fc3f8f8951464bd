"""``predictions.csv``: every evaluated clip with the model's scores, written and read back.

Why a file of its own: the mistakes are what a user listens to (the GUI's Clips tab, ``kws evaluate``'s most
confident mistakes), and the list of clips is what ``kws evaluate --clips`` evaluates another model on, so
both the report writer and those readers share one column layout and one way to find a listed clip. A model whose
output is logits (:mod:`workbench.core.model.output_kind`) has ``logit_<class>`` columns instead of
``score_<class>``: its values are no probabilities from 0 to 1, and the file says so to whoever reads it.

Lists of the first version name each clip as given on its command line, relative to the folder it ran in
(``data/ds/cat/x.wav``), which names nothing from another working folder; :class:`ClipPlaces` finds them, and a clip
still not found is said to be named so, not to have been moved or deleted (:func:`missing_clip_sentence`).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from workbench.core.errors import WorkbenchError
from workbench.datasets.layout import ClipEntry, speaker_of
from workbench.evaluation.evaluate import EvaluationResult
from workbench.run_folder_layout import EVAL_DIR, EVAL_PREDICTIONS_FILE, RUN_FILE

SCORE_PREFIX = "score_"  # a predictions.csv column of one class's scores: score_<class>
LOGIT_PREFIX = "logit_"  # the same for a model whose output is logits: logit_<class>
SCORE_RANGE = (0.0, 1.0)
CLIP_COLUMNS = ("path", "word", "label", "predicted")  # a predictions.csv's first columns
RUN_DATASETS_KEY, DATASET_PATH_KEY = "datasets", "path"  # run.json's dataset folders: [{"path": absolute}, …]
RELATIVE_PATHS = ("by a path relative to the folder its evaluation ran in (an older version of the workbench wrote "
                  "such lists)")


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
    unresolved: bool = False  # listed by a relative path found nowhere (ClipPlaces): ``path`` is as listed

    @property
    def correct(self) -> bool:
        return self.label == self.predicted


def missing_clip_sentence(clip: ClipPrediction) -> str:
    """Why ``clip``, whose file is not there, cannot be played: gone since the evaluation, or listed by a
    relative path of an older version's list that names no file from here (no one moved anything then)."""
    if clip.unresolved:
        return (f"The clip {clip.path} is not found: the list names it {RELATIVE_PATHS}, and that path names no "
                "file from here; evaluate the model again to list every clip by its full path.")
    return (f"The clip {clip.path.name} is no longer in {clip.path.parent}: it was moved or deleted after the "
            "evaluation.")


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
    a hand-written ``path,word`` list by its two fields. An older version's list whose relative paths name none of
    its clips from here is one sentence saying so, not kws evaluate's "none could be read" of files that exist.
    """
    source = Path(path)
    rows, columns = _csv_rows(source)
    if not rows or not {"path", "word"} <= set(columns):
        raise WorkbenchError(f"{source} lists no clips: it needs 'path' and 'word' columns, as the "
                             f"{EVAL_PREDICTIONS_FILE} of kws evaluate or of a training run's eval folder")
    scored, places = _has_scores(columns), ClipPlaces.of(source)
    found: list[tuple[Path, bool]] = []  # each clip, and whether it was found (ClipPlaces.find)
    for line, row in enumerate(rows, start=2):
        if scored:
            prediction = _clip_prediction(row, line, source, _score_prefix(columns), places)
            found.append((prediction.path, not prediction.unresolved))
            continue
        if not row["path"] or row["word"] is None or None in row:
            raise WorkbenchError(f"line {line} of {source} is damaged: it needs a clip path and its word")
        found.append(places.find(str(row["path"])))
    unresolved = [clip for clip, was_found in found if not was_found]
    if unresolved and not any(clip.exists() for clip, _ in found):  # else kws evaluate says "None … could be read"
        raise WorkbenchError(f"{source} names its clips {RELATIVE_PATHS}, and none of them is found from here (the "
                             f"first: {unresolved[0]}): run kws evaluate in that folder, or evaluate the model on "
                             "its dataset again (--dataset)")
    return [ClipEntry(clip, row["word"] or "", speaker_of(clip), "testing") for row, (clip, _) in zip(rows, found)]


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
    prefix, places = _score_prefix(columns), ClipPlaces.of(source)
    return confidence_ordered([_clip_prediction(row, line, source, prefix, places)
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
        # utf-8-sig: a spreadsheet's "CSV UTF-8" starts with a byte order mark, which would hide the 'path' column
        with source.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            return list(reader), list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise WorkbenchError(f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}") from None


def _clip_prediction(row: dict[str, str | None], line: int, source: Path, prefix: str,
                     places: "ClipPlaces") -> ClipPrediction:
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
    clip, found = places.find(str(row["path"]))
    return ClipPrediction(clip, str(row["word"] or ""), label, predicted, *scores, logits, unresolved=not found)


def _confidence_order(clip: ClipPrediction, index: int) -> tuple[int, float, float, int]:
    """The sort key of :func:`read_clip_predictions`'s order."""
    if clip.correct:
        return (1, clip.label_score, 0.0, index)
    return (0, -clip.predicted_score, clip.label_score, index)


@dataclass(frozen=True)
class ClipPlaces:
    """Where the relative clip paths of one list are looked for, before the working folder.

    A list in a training run's ``eval/`` names the clips of the run's datasets, which its ``run.json`` records
    absolute (the first version too): ``data/ds/cat/x.wav``, given from the folder the run was started in, is
    ``cat/x.wav`` of the dataset ``/home/me/data/ds``. Another list (kws evaluate ``--out``, one written by hand)
    names them from its own folder, if from anywhere.
    """

    datasets: tuple[Path, ...] | None  # the run's dataset folders; None: the list is in no run's eval/
    folder: Path  # the list's own folder

    @classmethod
    def of(cls, source: Path) -> "ClipPlaces":
        run = source.parent.parent
        in_run = source.parent.name == EVAL_DIR and (run / RUN_FILE).is_file()
        return cls(_run_datasets(run / RUN_FILE) if in_run else None, source.parent)

    def find(self, text: str) -> tuple[Path, bool]:
        """The clip a list names ``text`` and whether it was found: an absolute path as written (gone, it was
        moved or deleted); a relative one where it is found first, else as written (found nowhere)."""
        listed = Path(text)
        if listed.is_absolute():
            return listed, True
        found = next((place for place in self._candidates(listed) if place.exists()), None)
        return (listed, False) if found is None else (found.absolute(), True)

    def _candidates(self, listed: Path) -> Iterator[Path]:
        if self.datasets is None:
            yield self.folder / listed
        for dataset in self.datasets or ():
            yield from _in_dataset(listed, dataset)
        yield listed  # from the working folder


def _in_dataset(listed: Path, dataset: Path) -> Iterator[Path]:
    """Where a clip named ``listed`` from some working folder is in ``dataset`` (absolute): the path's leading
    folders that are the dataset's last ones (``data/ds`` of ``/home/me/data/ds``) are the dataset itself, longest
    match first; then the path taken from the dataset (given as ``.``). Leading ``..`` say only where it ran."""
    parts = list(listed.parts)
    while parts and parts[0] == "..":
        parts.pop(0)
    if not parts:
        return
    for count in range(min(len(parts) - 1, len(dataset.parts)), 0, -1):
        if tuple(parts[:count]) == dataset.parts[-count:]:
            yield dataset.joinpath(*parts[count:])
    yield dataset.joinpath(*parts)


def _run_datasets(run_file: Path) -> tuple[Path, ...]:
    """The absolute dataset folders ``run.json`` records; none when it cannot be read or records none."""
    try:
        record = json.loads(run_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return ()
    given = record.get(RUN_DATASETS_KEY) if isinstance(record, dict) else None
    paths = [entry.get(DATASET_PATH_KEY) for entry in given if isinstance(entry, dict)] if isinstance(given, list) \
        else []
    return tuple(Path(path) for path in paths if isinstance(path, str) and Path(path).is_absolute())
