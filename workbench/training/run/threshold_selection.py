"""Choosing the detection threshold stored in a new model, on validation clips, through the live path.

Why: a model fine-tuned on little data is less confident than MLTK's reference, so MLTK's 185 would
miss many keywords; and a threshold tuned on test clips would flatter the model. Each validation clip
(half a second of silence before, one after) streams once through the same :class:`Engine` as the
live view (streaming frontend, int8 model, uint8 scores); the scores are kept, and the firmware's
detector (:func:`make_detector`) is replayed over them for every candidate threshold. A keyword clip
counts as right when its keyword -- and no other -- is detected; an unknown-word or silence clip
when nothing is. The threshold with the best class-balanced rate wins; where several tie, the middle
one, so the choice does not sit on the edge of the plateau.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.detector import keyword_classes, make_detector
from workbench.core.detection.settings import SCORE_MAX, DetectionSettings
from workbench.core.engine import Engine
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import LoadedModel
from workbench.training.run.cancel import CancelToken

LEAD_S = 0.5
TAIL_S = 1.0
CANDIDATES = tuple(range(100, 251, 5))
MS_PER_S = 1000


@dataclass
class ThresholdChoice:
    threshold: int
    balanced_rate: float  # mean over classes of the clip-level rate at the chosen threshold
    per_class: dict[str, float]
    table: list[dict[str, float]] = field(default_factory=list)  # every candidate's figures


@dataclass
class _ClipScores:
    label: str
    times_ms: list[int]
    scores: np.ndarray  # (inferences, classes) uint8


def padded_clip(path: Path, rate: int) -> np.ndarray:
    """The clip with ``LEAD_S`` of silence before and ``TAIL_S`` after (the detector's window passes it)."""
    audio = load_audio(path, rate).samples
    return np.concatenate([np.zeros(int(LEAD_S * rate), np.int16), audio, np.zeros(int(TAIL_S * rate), np.int16)])


def detected_labels(engine: Engine, path: Path) -> set[str]:
    """What the live engine (with its own detection settings) detects in the padded clip."""
    return {r.detection.label for r in engine.run_clip(padded_clip(path, engine.sample_rate)) if r.detection}


def _stream(engine: Engine, path: Path, label: str) -> _ClipScores:
    results = engine.run_clip(padded_clip(path, engine.sample_rate))
    return _ClipScores(label, [int(round(r.time_s * MS_PER_S)) for r in results],
                       np.stack([r.scores for r in results]))


def _detected(clip: _ClipScores, classes: Sequence[str], settings: DetectionSettings) -> set[str]:
    detector = make_detector("mltk", classes, settings)
    found = set()
    for time_ms, scores in zip(clip.times_ms, clip.scores):
        detection = detector.process(scores, time_ms)
        if detection is not None:
            found.add(detection.label)
    return found


def choose_threshold(model: LoadedModel, clips: Sequence[tuple[Path, str]], detection: DetectionSettings,
                     candidates: Sequence[int] = CANDIDATES,
                     progress: Callable[[int, int], None] | None = None,
                     cancel: CancelToken | None = None) -> ThresholdChoice:
    """The best threshold for ``model`` on ``clips`` ((path, class label) pairs), see module docstring.

    ``cancel`` is checked before every clip: a stop raises :class:`~.cancel.RunStopped` (streaming the
    validation clips can take minutes)."""
    classes = model.classes
    keywords = keyword_classes(classes)
    engine = Engine(model, detection.replace(detection_threshold=SCORE_MAX))
    streamed: list[_ClipScores] = []
    for i, (path, label) in enumerate(clips):
        if cancel is not None:
            cancel.check("the threshold selection")
        try:
            streamed.append(_stream(engine, path, label))
        except WorkbenchError:
            continue  # an unreadable clip was already reported by the training run
        if progress is not None:
            progress(i + 1, len(clips))
    labels = sorted({c.label for c in streamed})
    if not streamed or not any(label in keywords for label in labels):
        raise WorkbenchError("No validation keyword clips to choose a detection threshold on.")
    table = []
    for threshold in candidates:
        settings = detection.replace(detection_threshold=int(threshold))
        right: dict[str, list[bool]] = {label: [] for label in labels}
        for clip in streamed:
            found = _detected(clip, classes, settings)
            right[clip.label].append(found == {clip.label} if clip.label in keywords else not found)
        rates = {label: float(np.mean(v)) for label, v in right.items()}
        table.append({"threshold": float(threshold), "balanced": float(np.mean(list(rates.values()))), **rates})
    best = max(row["balanced"] for row in table)
    tied = [row for row in table if row["balanced"] == best]
    chosen = tied[len(tied) // 2]
    per_class = {k: v for k, v in chosen.items() if k not in ("threshold", "balanced")}
    return ThresholdChoice(int(chosen["threshold"]), best, per_class, table)
