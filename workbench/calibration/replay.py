"""One pass of a recording through the live engine, keeping every inference's raw scores.

Why keep scores: the frontend and the model do not depend on the detection parameters, so a sweep of
thousands of parameter sets only has to re-run the detector (see :mod:`fast_detector`) on what one
replay produced. The replay uses :class:`~workbench.core.engine.Engine` itself -- the object the live
view and ``kws detect`` use -- fed in blocks, so its scores are the device-faithful ones (streaming
frontend state, dynamic quantisation of the whole window, activity detection) and a replay of an hour
takes seconds (the engine is fast enough; no second implementation to keep in step).

One firmware rule ties the scores to the parameters: with ``suppression_ms <= 1`` the firmware resets
the frontend after each detection, so later scores depend on where detections fell. The replay
therefore runs with a suppression above that limit, and the sweep refuses such suppressions (see
:mod:`sweep_grid`).

Each recording -- the stream, and each background-only recording apart -- is heard from a fresh state
(:func:`hear`), as a freshly flashed device would hear it. ``kws detect --background`` hears its recordings through
:func:`hear` too, with its own engine: the figures it reports for a set are then the calibration's for that set,
background recordings included, not just alike.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import numpy.typing as npt

from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import MS_PER_SECOND, Engine, InferenceResult
from workbench.core.errors import WorkbenchError
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.model.model_file import LoadedModel

REPLAY_BLOCK_S = 10.0  # progress and cancel granularity
FRONTEND_RESET_SUPPRESSION_MS = 1  # at or below this the firmware resets the frontend after a detection
REPLAY_SUPPRESSION_MS = FRONTEND_RESET_SUPPRESSION_MS + 1

ProgressCallback = Callable[[float], None]  # fraction done, 0..1


class CalibrationCancelled(WorkbenchError):
    """The user stopped the calibration."""


@dataclass(frozen=True, eq=False)
class ReplayScores:
    """Every inference of one recording: when it ran and what the model said."""

    name: str
    duration_s: float
    classes: tuple[str, ...]
    latency_ms: int
    time_ms: npt.NDArray[np.int64]  # the firmware loop's timestamp of each inference
    scores: npt.NDArray[np.uint8]  # (inferences, classes) raw 0–255 scores
    fed: npt.NDArray[np.bool_]  # False where activity detection held the model (and the detector) back

    @property
    def inferences(self) -> int:
        return int(self.time_ms.size)

    @property
    def hours(self) -> float:
        return self.duration_s / 3600.0


def replay_settings(model: LoadedModel, latency_ms: int | None = None) -> DetectionSettings:
    """The engine settings of a replay: the model's, with a suppression that never resets the frontend."""
    settings = DetectionSettings.from_params(model.params)
    if latency_ms is not None:
        settings = settings.replace(latency_ms=int(latency_ms))
    if settings.suppression_ms <= FRONTEND_RESET_SUPPRESSION_MS:
        settings = settings.replace(suppression_ms=REPLAY_SUPPRESSION_MS)
    return settings


def model_sample_rate(model: LoadedModel) -> int:
    """The rate ``model``'s frontend hears (``fe.sample_rate_hz``, as the engine reads it): every recording a
    replay gets is loaded at this rate, once, so its samples, its length and its label times all count the same
    seconds (a 16 kHz load for an 8 kHz model doubled the stream's length and halved its FA/h)."""
    return int(FrontendSettings.from_params(model.params).sample_rate_hz)


def replay_samples(model: LoadedModel, samples: npt.NDArray[np.int16], name: str, *,
                   latency_ms: int | None = None, progress: ProgressCallback | None = None,
                   cancel: threading.Event | None = None) -> ReplayScores:
    """Run ``samples`` (mono int16 at :func:`model_sample_rate`) through a fresh engine once; raises
    :class:`CalibrationCancelled`."""
    engine = Engine(model, replay_settings(model, latency_ms))
    audio = np.asarray(samples)
    if audio.dtype != np.int16 or audio.ndim != 1:
        raise WorkbenchError(f"{name}: replay needs 1-D int16 samples, got {audio.dtype} {audio.shape}")
    rate = engine.sample_rate
    times: list[int] = []
    scores: list[np.ndarray] = []
    fed: list[bool] = []
    for result in hear(engine, audio, progress=progress, cancel=cancel):
        samples_done = round(result.time_s * rate)  # time_s = samples / rate exactly
        times.append(samples_done * MS_PER_SECOND // rate)
        scores.append(result.scores)
        fed.append(result.ran_model)
    n_classes = len(engine.classes)
    return ReplayScores(
        name=name,
        duration_s=recording_duration_s(audio, rate),
        classes=tuple(engine.classes),
        latency_ms=engine.detection_settings.latency_ms,
        time_ms=np.asarray(times, dtype=np.int64),
        scores=np.asarray(scores, dtype=np.uint8).reshape(-1, n_classes),
        fed=np.asarray(fed, dtype=bool),
    )


def recording_duration_s(samples: npt.NDArray[np.int16], sample_rate: int) -> float:
    """How long a recording of ``samples`` at ``sample_rate`` lasts: the seconds its FA/h divides by, counted the
    same way wherever a recording's false accepts are counted per hour."""
    return samples.size / sample_rate


def hear(engine: Engine, samples: npt.NDArray[np.int16], *, progress: ProgressCallback | None = None,
         cancel: threading.Event | None = None) -> Iterator[InferenceResult]:
    """Every inference of ``samples`` (mono int16 at the engine's rate) through ``engine``, from the state of a
    freshly flashed device: empty spectrogram, fresh frontend, and a detector whose previous detection is class 0
    at 0 ms, so suppression counts from the recording's start (:meth:`Engine.reset`). A block of
    :data:`REPLAY_BLOCK_S` at a time, reporting ``progress`` and checking ``cancel`` between blocks (raises
    :class:`CalibrationCancelled`): a recording of an hour is never one array of results."""
    block = max(1, int(REPLAY_BLOCK_S * engine.sample_rate))
    engine.reset()
    for start in range(0, samples.size, block):
        if cancel is not None and cancel.is_set():
            raise CalibrationCancelled("calibration cancelled")
        yield from engine.process(samples[start:start + block])
        if progress is not None:
            progress(min(1.0, (start + block) / samples.size))


def replay_file(model: LoadedModel, path: str | Path, **kwargs: object) -> ReplayScores:
    """Load an audio file as the engine hears it (mono int16 at the model's rate, recorded level) and replay it."""
    from workbench.core.audio.audio_file import load_audio

    clip = load_audio(path, model_sample_rate(model))
    return replay_samples(model, clip.samples, Path(path).name, **kwargs)  # type: ignore[arg-type]
