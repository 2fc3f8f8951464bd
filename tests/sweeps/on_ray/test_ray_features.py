"""Training spectrograms as Ray tasks are the training package's own spectrograms, sample for sample."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from workbench.datasets.layout import scan_dataset
from workbench.training.data.features import NO_AUGMENTATION_EPOCH, FeatureMaker, FeatureSettings
from workbench.training.data.sample_plan import Sample, make_plan
from workbench.training.spec.model_spec import load_spec

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = pytest.mark.ray

SAMPLES = 48
SMALL_CHUNKS = 5  # several tasks, the last one short


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield
    ray.shutdown()


def _plan(speech_slice: Path):
    spec = load_spec("tflite_micro_speech")
    index = scan_dataset(speech_slice, split_method="stratified")
    plan = make_plan(index, spec.data, spec.training.seed)
    settings = FeatureSettings(spec.frontend, spec.augmentation, tuple(plan.background), spec.training.seed)
    return plan, settings


def test_ray_tasks_give_the_single_process_spectrograms(local_ray, speech_slice: Path) -> None:
    from workbench.sweeps.on_ray.ray_features import RayFeatureMaker

    plan, settings = _plan(speech_slice)
    samples = plan.training[:SAMPLES]
    assert any(s.path is None for s in plan.training)  # generated silence is covered too
    samples += [s for s in plan.training if s.path is None][:2]
    done: list[tuple[int, int]] = []
    with FeatureMaker(settings, workers=1) as local, RayFeatureMaker(settings, chunk_samples=SMALL_CHUNKS) as remote:
        for epoch in (NO_AUGMENTATION_EPOCH, 0, 3):
            expected = local.compute(samples, epoch)
            got = remote.compute(samples, epoch, progress=lambda d, t: done.append((d, t)))
            assert np.array_equal(got.features, expected.features) and np.array_equal(got.labels, expected.labels)
    assert done[-1] == (len(samples), len(samples))


def test_unreadable_clips_are_reported_and_cancel_stops_early(local_ray, speech_slice: Path,
                                                              tmp_path: Path) -> None:
    from workbench.sweeps.on_ray.ray_features import RayFeatureMaker

    plan, settings = _plan(speech_slice)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    samples = [*plan.training[:4], Sample(broken, 0)]
    batch = RayFeatureMaker(settings).compute(samples, 0)
    assert len(batch.labels) == 4 and [p for p, _ in batch.failed] == [broken]
    cancel = threading.Event()
    cancel.set()
    early = RayFeatureMaker(settings, chunk_samples=1).compute(plan.training[:20], 0, cancel=cancel)
    assert len(early.labels) < 20
