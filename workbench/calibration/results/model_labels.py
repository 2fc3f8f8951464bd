"""What a calibration's report calls the models it compares: names that tell them apart.

Why: a model's own name is its spec's (every ``kws train --spec tflite_micro_speech`` run is called
``tflite_micro_speech``, whatever keywords it learned) and ``kws calibrate --apply-to`` keeps it in the tuned copy, so
"tflite_micro_speech  FRR 67.0 %" above "tflite_micro_speech  FRR 58.0 %" and "+0.0 points against
tflite_micro_speech" said nothing of which was which. As ``kws evaluate --compare`` does, a model whose file is
named otherwise gets its file's name beside its own (``tflite_micro_speech (tuned.tflite)``); models still alike --
two runs' ``OUT/tflite_micro_speech.tflite`` -- get as many of their files' last folders as tell them apart.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Sequence

from workbench.evaluation.comparison import named_with_file


def model_labels(models: Sequence[tuple[str, str]]) -> list[str]:
    """One label per (model name, model file) in order (see the module docstring); a file of "" is not known."""
    labels = [named_with_file(name, PurePath(file).name if file else "") for name, file in models]
    parts = [PurePath(file).parts if file else () for _, file in models]
    depth = 2  # the file's name and the folder holding it, then more folders while labels clash
    while (clashing := _clashing(labels, models)) and depth <= max(map(len, parts), default=0):
        labels = [f"{name} ({PurePath(*part[-depth:]).as_posix()})" if label in clashing and part else label
                  for label, (name, _), part in zip(labels, models, parts)]
        depth += 1
    return labels


def _clashing(labels: list[str], models: Sequence[tuple[str, str]]) -> set[str]:
    """The labels given to models of different files (one model given twice keeps its label: nothing tells the
    two apart)."""
    files: dict[str, set[str]] = {}
    for label, (_, file) in zip(labels, models):
        files.setdefault(label, set()).add(file)
    return {label for label, found in files.items() if len(found) > 1}
