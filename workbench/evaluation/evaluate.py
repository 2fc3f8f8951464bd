"""Evaluate a model on dataset clips: the Python API behind ``kws evaluate``, training and the GUI.

Why here and not in the CLI: the training child evaluates the model it just made, the GUI shows the same
report, and the CLI prints it; all three call :func:`evaluate_model` with clips from a
:class:`~workbench.datasets.layout.DatasetIndex` and get one :class:`EvaluationResult`.

Labels: a clip's class is :func:`~workbench.datasets.layout.class_label` of its word folder against the
model's classes: a keyword (a class not starting with ``_``), ``_silence_`` for the ``_silence_``
folder, ``_go_`` for a ``go`` folder when the model has that negative-word class, ``_unknown_`` for every
other word. A model without a ``_silence_`` class scores silence clips as ``_unknown_``; a clip whose class
the model lacks altogether is skipped and reported.

A model with one output (a wake-word sigmoid) is scored as its class against the rest
(:mod:`workbench.evaluation.one_vs_rest`): every clip counts, as the class or as ``not <class>``. A model whose
output is logits (:mod:`workbench.core.model.output_kind`) is scored on them as they are, as the board averages
them; the result says so (``output``), and the report labels the figures that would assume probabilities.

Negative-word classes (``_go_``: a word the model learned apart from its keywords, never detected) are
reported folded into ``_unknown_``: their clips count as unknown words and their scores are added to
``_unknown_``'s, so the figures answer what a user asks of any model -- keyword, other word or silence
-- and compare with models without such classes (and an average of members with and without them, whose
missing classes ``kws average`` pads with probability 0, compares its members' ``_unknown_`` with the sum).
An argmax over the model's own outputs picks otherwise for some clips, so the result names the folded classes
(``folded``) and every report says so in :func:`folding_note`'s sentence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import numpy.typing as npt

from workbench.core.errors import ModelError, SettingsError, WorkbenchError
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_file import LoadedModel, load_model
from workbench.core.model.model_input import require_fit
from workbench.core.model.output_kind import OutputKind, output_kind
from workbench.datasets.dataset_defaults import MLTK_TRIM_DB
from workbench.datasets.layout import SILENCE, UNKNOWN, ClipEntry, DatasetIndex, class_label, is_negative_class
from workbench.datasets.splits import TESTING, VALIDATION
from workbench.evaluation.clip_scores import ProgressCallback, StopFlag, score_clips
from workbench.evaluation.metrics import ClassifierMetrics, classifier_metrics
from workbench.evaluation.one_vs_rest import (
    CLASS_INDEX, is_one_vs_rest, one_vs_rest_label, one_vs_rest_scores, rest_class,
)

EVALUATION_SPLITS = {"test": TESTING, "validation": VALIDATION, "all": None}
LISTED_CLASSES = 6  # class names an error message lists before "…"
CLASSES_PARAM = "classes"
FOLD_RULE = (f"the clips of these classes count as {UNKNOWN} clips, and their scores are added to {UNKNOWN}'s "
             "before the top class is picked")  # the JSON's rule for folding_note's classes


@dataclass
class EvaluationResult:
    name: str
    classes: list[str]
    paths: list[Path]  # the scored clips, in order
    words: list[str]  # their word folders
    labels: npt.NDArray[np.int64]  # their true class index
    scores: npt.NDArray[np.float64]  # clips x classes, dequantised model output
    metrics: ClassifierMetrics
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    elapsed_s: float = 0.0
    trim_db: float = MLTK_TRIM_DB
    description: str = ""  # what was evaluated, e.g. "testing split of speech_commands"
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # dataset files the scan could not read
    output: Optional[OutputKind] = None  # what the model's scores are (None: not known, read as probabilities)
    one_vs_rest: bool = False  # a one-output model, scored as its class (the first) against the rest
    folded: list[str] = field(default_factory=list)  # the negative-word classes counted as _unknown_

    @property
    def scores_are_logits(self) -> bool:
        return self.output is not None and self.output.logits

    @property
    def folding_note(self) -> Optional[str]:
        """The sentence saying which classes were counted as ``_unknown_`` and how, or None when none was."""
        return folding_note(self.folded, self.scores_are_logits) if self.folded else None

    @property
    def predicted(self) -> npt.NDArray[np.int64]:
        return np.argmax(self.scores, axis=1)

    @property
    def clips_per_s(self) -> float:
        return len(self.paths) / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def accuracy_of(self, label: str) -> float:
        return self.metrics.class_accuracies[self.classes.index(label)]


def clips_for_split(index: DatasetIndex, split: str) -> list[ClipEntry]:
    """The clips ``kws evaluate --split`` means: ``test``, ``validation`` or ``all`` (every clip once)."""
    if split not in EVALUATION_SPLITS:
        raise SettingsError(f"Unknown split {split!r}: use test, validation or all.")
    wanted = EVALUATION_SPLITS[split]
    return list(index.clips) if wanted is None else index.select(wanted)


def class_of(word: str, classes: Sequence[str]) -> Optional[str]:
    """The model class a clip of ``word`` counts as (module docstring), or None when it has none."""
    label = class_label(word, classes)
    if label in classes:
        return label
    if label == SILENCE and UNKNOWN in classes:
        return UNKNOWN
    return None


def folded_classes(classes: Sequence[str]) -> list[str]:
    """The classes :func:`fold_negative_classes` folds into ``_unknown_``: the negative-word ones, none when the
    model has no ``_unknown_`` class."""
    return [c for c in classes if is_negative_class(c)] if UNKNOWN in classes else []


def folding_note(folded: Sequence[str], logits: bool = False) -> str:
    """The report's sentence on ``folded`` classes (module docstring), e.g. "_go_, _down_ are counted as
    _unknown_ (their probabilities summed before the top class is picked)."; ``logits``: the model's scores are
    logits, which is what was summed then."""
    if len(folded) == 1:
        what = "logit" if logits else "probability"
        return f"{folded[0]} is counted as {UNKNOWN} (its {what} added to {UNKNOWN}'s before the top class is picked)."
    what = "logits" if logits else "probabilities"
    return f"{', '.join(folded)} are counted as {UNKNOWN} (their {what} summed before the top class is picked)."


def fold_negative_classes(classes: Sequence[str], scores: npt.NDArray[np.float64],
                          labels: npt.NDArray[np.int64]) -> tuple[list[str], npt.NDArray[np.float64],
                                                                 npt.NDArray[np.int64]]:
    """Classes, scores and labels with every negative-word class folded into ``_unknown_`` (module
    docstring); returned unchanged when the model has none or no ``_unknown_`` class."""
    names = folded_classes(classes)
    if not names:
        return list(classes), scores, labels
    negative = [i for i, c in enumerate(classes) if c in names]
    kept = [i for i in range(len(classes)) if i not in negative]
    unknown = kept.index(list(classes).index(UNKNOWN))
    folded = scores[:, kept].copy()
    folded[:, unknown] += scores[:, negative].sum(axis=1)
    new_index = np.array([unknown if i in negative else kept.index(i) for i in range(len(classes))], np.int64)
    return [classes[i] for i in kept], folded, new_index[labels]


def check_model_input(model: LoadedModel) -> None:
    """ModelError when the frontend cannot feed the model (``kws detect``'s check), before any clip is read.

    Why before: a model made for other inputs (an image model, MFCC features) must be refused with the reason,
    not after a dataset scan.
    """
    require_fit(model.spectrogram, model.name)


def no_class_matches(model: LoadedModel, names: Sequence[str]) -> WorkbenchError:
    """The error when clips were selected but none is of a word the model has a class for.

    Why not "the selection is empty": the usual cause is a model from another tool that carries no class
    names (``class_0``, … from its output size), so the fix is naming its classes, which the message says.
    """
    listed = ", ".join(names[:LISTED_CLASSES]) + (", …" if len(names) > LISTED_CLASSES else "")
    target = str(model.path) if model.path is not None else "MODEL"
    fix = f"set the class names with kws params {target} {CLASSES_PARAM}=… (one name per output, in order)"
    if model.params.get(CLASSES_PARAM):
        fix = f"check the dataset folders and --split, or {fix}"
    return WorkbenchError(f"None of the model's classes ({listed}) is a word in the dataset: {fix}.")


def evaluate_model(model: LoadedModel | str | Path, clips: Sequence[ClipEntry],
                   classes: Optional[Sequence[str]] = None, *, progress: Optional[ProgressCallback] = None,
                   cancel: Optional[StopFlag] = None, workers: Optional[int] = None,
                   trim_db: float = MLTK_TRIM_DB, description: str = "",
                   unreadable: Sequence[tuple[Path, str]] = ()) -> EvaluationResult:
    """Score ``clips`` with ``model`` and compute every figure (see :mod:`workbench.evaluation.metrics`).

    ``classes`` defaults to the model's. Unreadable clips and clips of a class the model lacks are
    skipped and listed in ``skipped``. ``unreadable``: the files of the clips' datasets the scan could not
    read at all (``DatasetIndex.unreadable``), in no split: listed in the result, so an evaluation never
    drops what ``kws dataset info`` counts without a word. Raises :class:`ModelError` when the frontend
    cannot feed the model (before any clip is read), :class:`WorkbenchError` when nothing is left to
    evaluate (saying so when no clip is of a word the model has a class for),
    :class:`~workbench.evaluation.clip_scores.EvaluationCancelled` when cancelled. A one-output model skips no
    clip for its class: the clips of every other word are its rest (:mod:`workbench.evaluation.one_vs_rest`).
    """
    loaded = model if isinstance(model, LoadedModel) else load_model(model)
    output = output_kind(loaded.graph)
    runner = ModelRunner(loaded.tflite, params=loaded.params, graph=loaded.graph)
    require_fit(runner.spectrogram, loaded.name)  # check_model_input's check, on the runner made here anyway
    names = list(classes) if classes is not None else list(loaded.classes)
    n_outputs = runner.num_classes
    if len(names) != n_outputs:
        raise ModelError(f"{len(names)} class names were given but the model has {n_outputs} outputs.")
    one_vs_rest = is_one_vs_rest(n_outputs)
    skipped: list[tuple[Path, str]] = []
    usable: list[tuple[ClipEntry, int]] = []
    for clip in clips:
        label = class_of(clip.word, names)
        if one_vs_rest:  # every clip counts: as the model's class, or as the rest
            usable.append((clip, one_vs_rest_label(label, names[CLASS_INDEX])))
        elif label is None:
            skipped.append((clip.path, f"the model has no class for the word {clip.word!r}"))
        else:
            usable.append((clip, names.index(label)))
    if clips and (not usable or (one_vs_rest and all(index != CLASS_INDEX for _, index in usable))):
        raise no_class_matches(loaded, names)
    if not usable:
        raise WorkbenchError("No clips to evaluate: the selection is empty (check the dataset folders and --split).")
    start = time.monotonic()
    scored = score_clips(loaded.tflite, loaded.params, [c.path for c, _ in usable], n_outputs, trim_db=trim_db,
                         workers=workers, progress=progress, cancel=cancel)
    elapsed = time.monotonic() - start
    kept = [i for i in range(len(usable)) if i not in scored.errors]
    skipped += [(usable[i][0].path, reason) for i, reason in sorted(scored.errors.items())]
    if not kept:
        raise WorkbenchError(f"None of the {len(usable)} clips could be read: {skipped[0][1]}")
    scores = scored.scores[kept]
    if one_vs_rest:
        names, scores = [names[CLASS_INDEX], rest_class(names[CLASS_INDEX])], one_vs_rest_scores(scores, output)
    folded = folded_classes(names)
    names, scores, labels = fold_negative_classes(names, scores,
                                                  np.array([usable[i][1] for i in kept], dtype=np.int64))
    return EvaluationResult(
        name=loaded.name, classes=names, paths=[usable[i][0].path for i in kept],
        words=[usable[i][0].word for i in kept], labels=labels, scores=scores,
        metrics=classifier_metrics(scores, labels), skipped=skipped, elapsed_s=elapsed, trim_db=trim_db,
        description=description, unreadable=list(unreadable), output=output, one_vs_rest=one_vs_rest,
        folded=folded)
