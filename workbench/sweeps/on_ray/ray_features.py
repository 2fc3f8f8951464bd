"""Training spectrograms computed as Ray tasks: the training package's per-clip work, spread over a cluster.

Why: feature generation (decode, augmentation, the frontend) is the CPU-bound half of a training run
on the full Speech Commands (105k clips), and it needs no TensorFlow -- so it can run on every CPU of
a Ray cluster, not only on the training machine. :class:`RayFeatureMaker` has the interface of the
training package's :class:`~workbench.training.data.features.FeatureMaker` (``compute(samples, epoch,
progress, cancel)``, ``close()``, a context manager) and renders each chunk of samples with the same
:class:`~workbench.training.data.features.SampleRenderer`, so its spectrograms are identical (each
sample's augmentation depends only on the seed, the epoch and the sample; tests compare them).

Each Ray worker process keeps the renderer of the settings it saw last (background noise loaded and
trimmed once, as the training's own worker pool does) instead of rebuilding it for every task.
"""

from __future__ import annotations

import threading
from typing import Any, Sequence

import numpy as np

from workbench.sweeps.on_ray.ray_session import require_ray
from workbench.training.data.features import (CHUNK_SAMPLES, FeatureBatch, FeatureSettings, ProgressCallback,
                                              SampleRenderer)
from workbench.training.data.sample_plan import Sample

Chunk = list[tuple[int, str | None]]
CPUS_PER_TASK = 1

# per Ray worker process: (settings, renderer) of the last task (see the module docstring)
_worker_renderer: list[tuple[FeatureSettings, SampleRenderer]] = []


def render_chunk(settings: FeatureSettings, chunk: Chunk, epoch: int) -> tuple[list[int], np.ndarray,
                                                                                list[tuple[int, str]]]:
    """One task: the spectrograms of ``chunk`` (indices done, rows, failures) in this worker."""
    if not _worker_renderer or _worker_renderer[0][0] != settings:
        _worker_renderer[:] = [(settings, SampleRenderer(settings))]
    return _worker_renderer[0][1].render_chunk(chunk, epoch)


class RayFeatureMaker:
    """Spectrograms of sample lists as Ray tasks (Ray must be initialised: ``ray.init`` or a sweep)."""

    def __init__(self, settings: FeatureSettings, chunk_samples: int = CHUNK_SAMPLES) -> None:
        self.ray = require_ray()
        if not self.ray.is_initialized():
            raise RuntimeError("RayFeatureMaker needs a running Ray (ray.init) in this process")
        self.settings = settings
        self.chunk_samples = chunk_samples
        self._settings_ref = self.ray.put(settings)
        self._task = self.ray.remote(num_cpus=CPUS_PER_TASK)(render_chunk)

    @property
    def workers(self) -> int:
        """CPUs the cluster offers to the tasks (for progress messages)."""
        return int(self.ray.cluster_resources().get("CPU", 1))

    @property
    def description(self) -> str:
        """Where the spectrograms are computed, for progress messages."""
        return f"Ray tasks on the cluster's {self.workers} CPUs"

    def __enter__(self) -> "RayFeatureMaker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: the tasks end with each call; Ray stays as the caller started it."""

    def _chunks(self, samples: Sequence[Sample]) -> list[Chunk]:
        items = [(i, str(s.path) if s.path else None) for i, s in enumerate(samples)]
        return [items[i:i + self.chunk_samples] for i in range(0, len(items), self.chunk_samples)]

    def compute(self, samples: Sequence[Sample], epoch: int, progress: ProgressCallback | None = None,
                cancel: threading.Event | None = None) -> FeatureBatch:
        """Spectrograms of ``samples`` in sample order; returns early with what is done when cancelled."""
        shape = self.settings.frontend.spectrogram_shape
        features = np.zeros((len(samples), *shape), dtype=np.int8)
        ok = np.zeros(len(samples), dtype=bool)
        failed = []
        pending: list[Any] = [self._task.remote(self._settings_ref, chunk, epoch) for chunk in self._chunks(samples)]
        done = 0
        while pending:
            ready, pending = self.ray.wait(pending, num_returns=1)
            indices, rows, errors = self.ray.get(ready[0])
            if indices:
                features[indices] = rows
                ok[indices] = True
            failed += [(samples[i].path, reason) for i, reason in errors]
            done += len(indices) + len(errors)
            if progress is not None:
                progress(done, len(samples))
            if cancel is not None and cancel.is_set():
                for ref in pending:
                    self.ray.cancel(ref)
                break
        labels = np.array([s.label for s in samples], dtype=np.int64)
        return FeatureBatch(features[ok], labels[ok], failed)
