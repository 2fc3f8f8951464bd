"""Soft targets from a teacher model, so fine-tuning on little data keeps what the teacher knew.

Why: fine-tuning MLTK's reference on a few hundred clips to teach it one new thing (real background
noise is ``_silence_``) also pulls its keyword decisions towards whatever those few clips happen to
show. Knowledge distillation (Hinton et al., 2015) limits that drift: each training target becomes
``(1 - weight) * one_hot + weight * teacher_probabilities``. Samples of the classes in
``teacher_skips`` -- the ones the teacher is known to get wrong -- keep their hard one-hot target.

The teacher is any ``.tflite`` with the same classes; it runs through the core's LiteRT runner on
the very spectrograms the student sees (after augmentation), so no TensorFlow is needed for it. A spec
with negative-word classes (``_go_``, ...) may use a teacher without them: the teacher knows those words
only as ``_unknown_``, so it gives them no probability and their samples keep their hard targets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from workbench.core.errors import ModelError
from workbench.core.model.inference import ModelRunner
from workbench.core.model.model_file import load_model
from workbench.datasets.layout import is_negative_class


class Teacher:
    """Blends a teacher's class probabilities into one-hot training targets."""

    def __init__(self, path: str | Path, classes: Sequence[str], weight: float, skips: Sequence[str] = ()) -> None:
        model = load_model(path)
        known = [c for c in classes if not is_negative_class(c)]
        if tuple(model.classes) not in (tuple(classes), tuple(known)):
            raise ModelError(f"the teacher {Path(path).name} has classes {', '.join(model.classes)}; "
                             f"the spec trains {', '.join(classes)}")
        if not 0.0 <= weight <= 1.0:
            raise ModelError(f"teacher_weight must be between 0 and 1, got {weight}")
        self.runner = ModelRunner(model.tflite)
        self.weight = weight
        # the student's column of each teacher class; classes the teacher lacks are always skipped
        self.columns = np.array([list(classes).index(c) for c in model.classes], dtype=np.int64)
        skipped = set(skips) | (set(classes) - set(model.classes))
        self.skipped_labels = np.array([i for i, c in enumerate(classes) if c in skipped], dtype=np.int64)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """The teacher's probabilities for int8 spectrograms (n, frames, channels), rows summing to 1."""
        probs = np.stack([self.runner.probabilities(x) for x in features]).astype(np.float32)
        probs = np.clip(probs, 0.0, None)
        return probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-6)

    def targets(self, features: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
        """Training targets for ``features`` with true ``labels`` (see the module docstring)."""
        hard = np.eye(n_classes, dtype=np.float32)[labels]
        if self.weight == 0.0 or not len(labels):
            return hard
        teacher = np.zeros_like(hard)
        teacher[:, self.columns] = self.probabilities(features)
        soft = (1.0 - self.weight) * hard + self.weight * teacher
        keep_hard = np.isin(labels, self.skipped_labels)
        soft[keep_hard] = hard[keep_hard]
        return soft
