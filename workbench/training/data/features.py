"""Spectrograms of training samples, computed in worker processes while the model trains.

Why processes: augmentation (phase vocoder, resampling, noise) and the frontend are CPU-bound
Python/numpy; threads would serialise on the GIL and starve TensorFlow. Workers are *spawned* (never
forked from a process that has TensorFlow loaded, which can deadlock) and import only numpy, soxr,
soundfile and the native frontend. Each sample is computed from fresh frontend state with
``MicroFrontend.process_clip(..., dtype=np.int8)``, exactly what MLTK trains on and what the board's
firmware feeds the model, and from its own random generator (see :mod:`.augmentation`), so the
features do not depend on the number of workers or the order they finish in.

A sample with a frontend history (``history_share``, see :mod:`.augmentation`) is the exception: the
frontend hears the history before the window (``process_clip(..., history=...)``) -- what the device's
never-restarted frontend makes of the same second of a stream. Spectrogram masks (``mask_share``) are set on
the frontend's output, whichever way it was rendered.

Context augmentation and histories (see :mod:`.augmentation`) take their words from ``context_clips``: the
training split's other-word clips (:meth:`FeatureSettings.for_plan`), never validation or test
clips, and never keyword clips (a keyword heard beside an ``_unknown_`` sample would teach the model
to ignore keywords). They are read when drawn, not held in memory: thousands of clips per worker
would cost more memory than the reads cost time.

A clip that cannot be decoded (a corrupt WAV whose header looked fine) does not stop training: it is
returned in ``failed`` with the reason, and the caller drops it from the plan and reports it.

The workers are a :class:`workbench.worker_pool.WorkerPool` (a pipe per worker): they leave Ctrl+C to the run
(even while they still import) and die with the run when it is killed outright, instead of idling forever with the
caller's pipes open. A worker that dies itself (the OOM killer, ``kill -9``) ends the computation with one sentence
(:class:`FeatureWorkerDied`): ``multiprocessing.Pool`` replaced such a worker silently and lost its chunk, and
``ProcessPoolExecutor`` waited forever when the worker died while it wrote a chunk's result. A worker whose setup
fails (an unreadable background noise) answers its chunks with that error rather than dying, so the run reports
the file instead of a dead worker.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from workbench.core.audio.audio_file import load_audio
from workbench.core.errors import WorkbenchError
from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings
from workbench.core.wording import counted
from workbench.training.data.audio_effects import trim_silence
from workbench.training.data.augmentation import (INT16_SCALE, Transform, apply_masks, apply_transform,
                                                  draw_transform, history_audio, sample_rng, to_int16)
from workbench.training.data.sample_plan import Sample, SamplePlan
from workbench.training.spec.model_spec import AugmentationSettings, ModelSpec
from workbench.usable_cpus import usable_cpus
from workbench.worker_pool import WorkerPool

CHUNK_SAMPLES = 32  # samples per task sent to a worker
NO_AUGMENTATION_EPOCH = -1  # the "epoch" of fixed (validation) features

ProgressCallback = Callable[[int, int], None]  # (done, total)
ChunkItems = list[tuple[int, str | None]]  # (sample index, clip path or None for silence)
ChunkResult = tuple[list[int], np.ndarray, list[tuple[int, str]]]  # indices done, their rows, (index, why) failed

# kws train --resume continues a run from its last saved epoch; a run that saved none is forgotten, so it starts
# again (see workbench.training.run.pipeline)
WORKER_DIED = ("A feature worker process died (out of memory?); try again with fewer --workers (add --resume to "
               "continue the run from its last saved epoch, if it saved one).")


class FeatureWorkerDied(WorkbenchError):
    """A feature worker process ended without finishing its chunk (killed, out of memory)."""


@dataclass(frozen=True)
class FeatureSettings:
    """Everything a worker needs to turn a sample into a spectrogram."""

    frontend: FrontendSettings
    augmentation: AugmentationSettings
    background: tuple[Path, ...]
    seed: int
    context_clips: tuple[Path, ...] = ()  # where context neighbours come from (training clips only)

    @classmethod
    def for_plan(cls, spec: ModelSpec, plan: SamplePlan) -> "FeatureSettings":
        """The settings of a training run: the spec's frontend and augmentation, the plan's noises and,
        when the spec asks for context or histories, the plan's training clips of other words."""
        aug = spec.augmentation
        context = tuple(plan.context_clips()) if aug.context_share > 0 or aug.history_share > 0 else ()
        return cls(spec.frontend, spec.augmentation, tuple(plan.background), spec.training.seed, context)


@dataclass
class FeatureBatch:
    """Spectrograms of the samples that could be read, and the ones that could not."""

    features: np.ndarray  # (n, frames, channels) int8
    labels: np.ndarray  # (n,) class indices
    failed: list[tuple[Path, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedSample:
    """One sample as :class:`SampleRenderer` makes it."""

    transform: Transform  # its random choices
    audio: np.ndarray  # int16, the window the spectrogram is cut from (a history heard before it is not in it)
    spectrogram: np.ndarray  # int8 (frames, channels), masks set: the model's input


class SampleRenderer:
    """Augmentation + frontend for one process (the worker's state, or the in-process path)."""

    def __init__(self, settings: FeatureSettings) -> None:
        self.settings = settings
        self.frontend = MicroFrontend(settings.frontend)
        self.length = settings.frontend.sample_length
        self.rate = int(settings.frontend.sample_rate_hz)
        trim_db = settings.augmentation.trim_threshold_db
        self.noises = []
        for path in settings.background:  # trimmed once here instead of on every draw (same result)
            noise = load_audio(path, self.rate).samples.astype(np.float32) / INT16_SCALE
            self.noises.append(trim_silence(noise, trim_db) if trim_db else noise)

    def audio(self, path: Path | None) -> np.ndarray:
        if path is None:
            return np.zeros(self.length, dtype=np.float32)
        return load_audio(path, self.rate).samples.astype(np.float32) / INT16_SCALE

    def neighbour(self, clip: int) -> np.ndarray:
        """Context clip ``clip``; an unreadable one is heard as nothing (it only decorates a sample)."""
        try:
            return self.audio(self.settings.context_clips[clip])
        except WorkbenchError:
            return np.zeros(0, dtype=np.float32)

    def transform(self, index: int, path: Path | None, epoch: int) -> Transform:
        """The random choices of sample ``index`` in ``epoch`` (NO_AUGMENTATION_EPOCH: none)."""
        if epoch == NO_AUGMENTATION_EPOCH:
            return Transform()
        return draw_transform(sample_rng(self.settings.seed, epoch, index), self.settings.augmentation,
                              len(self.noises), silence=path is None, n_context=len(self.settings.context_clips))

    def waveform(self, index: int, path: Path | None, epoch: int) -> np.ndarray:
        """The float audio of sample ``index`` in ``epoch`` (NO_AUGMENTATION_EPOCH: plain), 1 s long."""
        return self._window(path, self.transform(index, path, epoch))

    def _window(self, path: Path | None, transform: Transform) -> np.ndarray:
        neighbours = [self.neighbour(n.clip) for n in transform.context]
        return apply_transform(self.audio(path), transform, self.settings.augmentation, self.noises, self.length,
                               self.rate, neighbours)

    def render(self, index: int, path: Path | None, epoch: int) -> np.ndarray:
        """The int8 spectrogram of sample ``index`` in ``epoch`` (NO_AUGMENTATION_EPOCH: plain)."""
        return self.rendered(index, path, epoch).spectrogram

    def rendered(self, index: int, path: Path | None, epoch: int) -> RenderedSample:
        """Sample ``index`` in ``epoch`` with what made it: :meth:`render`'s spectrogram, its audio and its
        random choices (the augmentation preview shows all three of the very sample training computes)."""
        transform = self.transform(index, path, epoch)
        window = to_int16(self._window(path, transform))
        heard = None
        if transform.history is not None:
            heard = to_int16(history_audio(transform, self.settings.augmentation, self.noises,
                                           self.neighbour(transform.history.clip), self.rate,
                                           self.frontend.step_samples))
        spectrogram = apply_masks(self.frontend.process_clip(window, dtype=np.int8, history=heard), transform.masks)
        return RenderedSample(transform, window, spectrogram)

    def render_chunk(self, chunk: Sequence[tuple[int, str | None]], epoch: int) -> ChunkResult:
        done, rows, failed = [], [], []
        for index, path in chunk:
            try:
                rows.append(self.render(index, Path(path) if path else None, epoch))
                done.append(index)
            except WorkbenchError as exc:
                failed.append((index, str(exc)))
        shape = (0, *self.settings.frontend.spectrogram_shape)
        return done, np.stack(rows) if rows else np.zeros(shape, np.int8), failed


_worker: SampleRenderer | None = None  # per worker process (set by the pool initializer)
_worker_failure: WorkbenchError | None = None  # why this worker has no renderer (its chunks say it)


def _init_worker(settings: FeatureSettings) -> None:
    """Pool initializer (after the pool's guard): the renderer.

    A renderer that cannot be made (an unreadable background noise) is kept as the answer to every chunk:
    an initializer that raised would end the worker, which the pool reports as a dead worker.
    """
    global _worker, _worker_failure
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        _worker = SampleRenderer(settings)
    except WorkbenchError as exc:
        _worker_failure = exc


def _render_chunk(chunk: ChunkItems, epoch: int) -> ChunkResult:
    if _worker_failure is not None:
        raise _worker_failure.with_traceback(None)  # the same error for every chunk, not a growing traceback
    assert _worker is not None, "worker not initialised"
    return _worker.render_chunk(chunk, epoch)


class FeatureMaker:
    """Computes spectrograms of sample lists, in ``workers`` processes (1: in this process)."""

    def __init__(self, settings: FeatureSettings, workers: int = 0) -> None:
        self.settings = settings
        self.workers = workers if workers > 0 else usable_cpus()
        self._local: SampleRenderer | None = None
        self._pool: WorkerPool | None = None
        if self.workers > 1:
            self._pool = WorkerPool(self.workers, _render_chunk, lambda: FeatureWorkerDied(WORKER_DIED),
                                    initializer=_init_worker, initargs=(settings,), name="kws-features")
        else:
            self._local = SampleRenderer(settings)

    @property
    def description(self) -> str:
        """Where the spectrograms are computed, for progress messages."""
        return counted(self.workers, "worker process", "worker processes")

    def __enter__(self) -> "FeatureMaker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the workers (a chunk still running is not wanted: it is stopped)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _chunks(self, samples: Sequence[Sample], epoch: int) -> list[tuple[ChunkItems, int]]:
        items = [(i, str(s.path) if s.path else None) for i, s in enumerate(samples)]
        return [(items[i:i + CHUNK_SAMPLES], epoch) for i in range(0, len(items), CHUNK_SAMPLES)]

    def _results(self, samples: Sequence[Sample], epoch: int, cancel: threading.Event | None
                 ) -> Iterator[ChunkResult]:
        """Chunk results as they come (any order); stops early when ``cancel`` is set (the pool drops the
        chunks not yet started, so the next call's chunks are not queued behind them)."""
        chunks = self._chunks(samples, epoch)
        if self._pool is None:
            assert self._local is not None
            yield from (self._local.render_chunk(*chunk) for chunk in chunks)
            return
        yield from self._pool.run(chunks, cancel)

    def compute(self, samples: Sequence[Sample], epoch: int, progress: ProgressCallback | None = None,
                cancel: threading.Event | None = None) -> FeatureBatch:
        """Spectrograms of ``samples`` (augmented for ``epoch`` >= 0), in sample order.

        Returns early with what is done when ``cancel`` is set; raises :class:`FeatureWorkerDied` when a
        worker process died.
        """
        shape = self.settings.frontend.spectrogram_shape
        features = np.zeros((len(samples), *shape), dtype=np.int8)
        ok = np.zeros(len(samples), dtype=bool)
        failed: list[tuple[Path, str]] = []
        done = 0
        with contextlib.closing(self._results(samples, epoch, cancel)) as results:
            for indices, rows, errors in results:
                features[indices] = rows
                ok[indices] = True
                failed += [(Path(str(samples[i].path)), reason) for i, reason in errors]
                done += len(indices) + len(errors)
                if progress is not None:
                    progress(done, len(samples))
                if cancel is not None and cancel.is_set():
                    break
        labels = np.array([s.label for s in samples], dtype=np.int64)
        return FeatureBatch(features[ok], labels[ok], failed)
