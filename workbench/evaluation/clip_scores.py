"""Score clip files with a model exactly as the device would, in worker processes when it pays off.

Why this path: an evaluation must measure the model the board runs, fed the way it was trained. Each clip
is decoded to 16 kHz mono int16 (:func:`~workbench.core.audio.audio_file.load_audio`), trimmed and
padded to the model's sample length as MLTK's data generator does (:mod:`workbench.datasets.clip_length`),
turned into a spectrogram by the project's native frontend from *fresh state* (``process_clip``, as MLTK
computes training and evaluation features) and run through LiteRT (:class:`ModelRunner`, the live view's
runner). The result per clip is the output dequantised with the tensor's scale and zero point, which is
what MLTK's ``TfliteModel.predict(y_dtype=float32)`` hands to its evaluation.

Clips are independent, so large sets are split into chunks scored by a :class:`~workbench.worker_pool.WorkerPool`
of spawned processes (spawn, not fork: the GUI process has threads). The workers ignore Ctrl+C and die with the
parent: a stop is the parent's, a parent killed outright leaves no worker behind, and a worker that dies is one
sentence, never a hang. A clip that cannot be decoded is reported, not fatal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np
import numpy.typing as npt

from workbench.core.audio.audio_file import load_audio
from workbench.core.errors import AudioError, WorkbenchError
from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.inference import ModelRunner
from workbench.datasets.clip_length import fit_length
from workbench.datasets.dataset_defaults import MLTK_TRIM_DB
from workbench.usable_cpus import usable_cpus
from workbench.worker_pool import StopFlag, WorkerPool

CHUNK_CLIPS = 64
MIN_CLIPS_FOR_WORKERS = 400  # below this, starting processes costs more than it saves
MAX_DEFAULT_WORKERS = 8  # the default's cap: more only when asked for (kws evaluate --workers)
WORKER_DIED = "An evaluation worker process died (out of memory?); try --workers 1."

ProgressCallback = Callable[[int, int], None]  # (clips done, clips in all)


class EvaluationCancelled(WorkbenchError):
    """``cancel`` was set before every clip was scored."""


class ClipScorer:
    """Frontend + model for one process: ``score(path)`` gives the dequantised output row."""

    def __init__(self, tflite: bytes, params: Mapping[str, Any], trim_db: float = MLTK_TRIM_DB) -> None:
        self.runner = ModelRunner(tflite)
        self.settings = FrontendSettings.from_params(params)
        self.frontend = MicroFrontend(self.settings)
        self.trim_db = float(trim_db)
        self.runner.feature_shape  # ModelError, as kws detect gives it, when the frontend cannot fill the input

    def features(self, path: str | Path) -> np.ndarray:
        clip = load_audio(path, self.settings.sample_rate_hz)
        audio = fit_length(clip.samples, self.settings.sample_length, trim_db=self.trim_db)
        return self.frontend.process_clip(audio, dtype=self.runner.features_dtype)

    def score(self, path: str | Path) -> npt.NDArray[np.float64]:
        return self.runner.probabilities(self.features(path))


@dataclass(frozen=True)
class ScoredClips:
    scores: npt.NDArray[np.float64]  # clips x classes; rows of failed clips are NaN
    errors: dict[int, str]  # clip index -> why it could not be scored


def _score_chunk(tflite: bytes, params: dict[str, Any], trim_db: float,
                 chunk: list[tuple[int, str]]) -> list[tuple[int, Optional[list[float]], Optional[str]]]:
    """Worker entry: a fresh scorer per chunk (a few ms against a chunk's ~100 ms; no process globals)."""
    scorer = ClipScorer(tflite, params, trim_db)
    return [_score_one(scorer, index, path) for index, path in chunk]


def _score_one(scorer: ClipScorer, index: int, path: str) -> tuple[int, Optional[list[float]], Optional[str]]:
    try:
        return index, scorer.score(path).tolist(), None
    except AudioError as exc:
        return index, None, str(exc)


def default_workers() -> int:
    """Worker processes when the caller names none: one per usable CPU, up to :data:`MAX_DEFAULT_WORKERS`."""
    return min(usable_cpus(), MAX_DEFAULT_WORKERS)


def score_clips(tflite: bytes, params: Mapping[str, Any], paths: Sequence[Path], n_classes: int, *,
                trim_db: float = MLTK_TRIM_DB, workers: Optional[int] = None,
                progress: Optional[ProgressCallback] = None,
                cancel: Optional[StopFlag] = None) -> ScoredClips:
    """Score every clip (module docstring); raises :class:`EvaluationCancelled` when cancelled."""
    scores = np.full((len(paths), n_classes), np.nan)
    errors: dict[int, str] = {}
    workers = default_workers() if workers is None else max(1, int(workers))
    items = [(i, str(p)) for i, p in enumerate(paths)]
    if workers == 1 or len(items) < MIN_CLIPS_FOR_WORKERS:
        scorer = ClipScorer(tflite, params, trim_db)
        for i, path in items:
            if cancel is not None and cancel.is_set():
                raise EvaluationCancelled(f"The evaluation was cancelled after {i} of {len(items)} clips.")
            _store(scores, errors, _score_one(scorer, i, path))
            if progress is not None:
                progress(i + 1, len(items))
        return ScoredClips(scores, errors)
    chunks = [items[k:k + CHUNK_CLIPS] for k in range(0, len(items), CHUNK_CLIPS)]
    done = 0
    ClipScorer(tflite, params, trim_db)  # a bad model fails here, once, with its own message
    model, settings = bytes(tflite), dict(params)
    with WorkerPool(min(workers, len(chunks)), _score_chunk, lambda: WorkbenchError(WORKER_DIED),
                    name="kws-evaluation") as pool:
        for rows in pool.run([(model, settings, trim_db, chunk) for chunk in chunks], cancel):
            for row in rows:
                _store(scores, errors, row)
            done += len(rows)
            if progress is not None:
                progress(done, len(items))
    if cancel is not None and cancel.is_set() and done < len(items):
        raise EvaluationCancelled(f"The evaluation was cancelled after {done} of {len(items)} clips.")
    return ScoredClips(scores, errors)


def _store(scores: np.ndarray, errors: dict[int, str],
           row: tuple[int, Optional[list[float]], Optional[str]]) -> None:
    index, values, error = row
    if values is None:
        errors[index] = error or "cannot be scored"
    else:
        scores[index] = values
