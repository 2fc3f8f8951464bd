"""Spectrogram masks (SpecAugment): bands of channels and runs of frames set to silence, drawn last."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from workbench.datasets.layout import scan_dataset
from workbench.training.data.augmentation import (CHANNELS_AXIS, FRAMES_AXIS, MASK_VALUE, Mask, apply_masks,
                                                  draw_transform)
from workbench.training.data.features import NO_AUGMENTATION_EPOCH, FeatureMaker, FeatureSettings, SampleRenderer
from workbench.training.data.sample_plan import make_plan
from workbench.training.spec import AugmentationSettings, load_spec

FRAMES, CHANNELS = 49, 40


def test_masks_set_exactly_their_band_or_run_to_silence() -> None:
    spectrogram = np.arange(FRAMES * CHANNELS).reshape(FRAMES, CHANNELS).astype(np.int8)
    spectrogram[spectrogram == MASK_VALUE] = 0  # so every masked cell is told apart
    masks = (Mask(CHANNELS_AXIS, 3, 0.0), Mask(FRAMES_AXIS, 4, 0.999), Mask(CHANNELS_AXIS, 0, 0.5))
    out = apply_masks(spectrogram, masks)
    expected = spectrogram.copy()
    expected[:, 0:3] = MASK_VALUE  # position 0: the first channels
    expected[FRAMES - 4:, :] = MASK_VALUE  # position just under 1: the last frames
    assert np.array_equal(out, expected)
    assert not np.any(spectrogram == MASK_VALUE)  # the input is left as it was
    assert apply_masks(spectrogram, ()) is spectrogram
    assert np.all(apply_masks(spectrogram, (Mask(FRAMES_AXIS, 500, 0.7),)) == MASK_VALUE)  # wider than the axis
    middle = apply_masks(spectrogram, (Mask(CHANNELS_AXIS, 10, 0.5),))
    masked = np.flatnonzero(np.all(middle == MASK_VALUE, axis=0))
    assert list(masked) == list(range(15, 25))  # half of the 31 places left


def test_draws_honour_the_share_and_widths_and_leave_every_other_draw_alone() -> None:
    plain = AugmentationSettings(loudness_range=(0.5, 1.5), context_share=0.3, history_share=0.5)
    settings = dataclasses.replace(plain, mask_share=0.4, frequency_masks=3, frequency_mask_channels=6,
                                   time_masks=1, time_mask_frames=2)
    draws = [draw_transform(np.random.default_rng([5, i]), settings, 2, silence=i % 4 == 0, n_context=5)
             for i in range(1000)]
    assert 0.35 < np.mean([bool(d.masks) for d in draws]) < 0.45
    masked = [d.masks for d in draws if d.masks]
    assert all([m.axis for m in masks] == [CHANNELS_AXIS] * 3 + [FRAMES_AXIS] for masks in masked)
    widths = {(m.axis, m.width) for masks in masked for m in masks}
    assert {w for axis, w in widths if axis == CHANNELS_AXIS} == set(range(7))
    assert {w for axis, w in widths if axis == FRAMES_AXIS} == {0, 1, 2}
    assert all(0.0 <= m.position < 1.0 for masks in masked for m in masks)
    for i, d in enumerate(draws[:200]):  # drawn last: without masks a run sees exactly the data it saw before
        before = draw_transform(np.random.default_rng([5, i]), plain, 2, silence=i % 4 == 0, n_context=5)
        assert dataclasses.replace(d, masks=()) == before


def test_a_masked_sample_is_the_same_sample_with_its_masks_set_to_silence(speech_slice: Path) -> None:
    spec = load_spec("tflite_micro_speech")
    spec = spec.replace(data=dataclasses.replace(spec.data, validation_resplit_percent=25.0))
    plan = make_plan(scan_dataset(speech_slice), spec.data, spec.training.seed)
    masked_spec = spec.replace(augmentation=dataclasses.replace(spec.augmentation, mask_share=1.0,
                                                                time_mask_frames=8, frequency_mask_channels=8))
    masked = SampleRenderer(FeatureSettings.for_plan(masked_spec, plan))
    plain = SampleRenderer(FeatureSettings.for_plan(spec, plan))
    samples = [(i, s.path) for i, s in enumerate(plan.training)][:24]
    changed = 0
    for index, path in samples:
        transform = masked.transform(index, path, epoch=2)
        assert len(transform.masks) == 4
        features, unmasked = masked.render(index, path, epoch=2), plain.render(index, path, epoch=2)
        assert np.array_equal(masked.waveform(index, path, epoch=2), plain.waveform(index, path, epoch=2))
        assert np.array_equal(features, apply_masks(unmasked, transform.masks))
        changed += not np.array_equal(features, unmasked)
    assert changed > len(samples) // 2  # real speech is rarely silent where a mask falls
    assert np.array_equal(masked.render(*samples[0], epoch=NO_AUGMENTATION_EPOCH),
                          plain.render(*samples[0], epoch=NO_AUGMENTATION_EPOCH))  # validation is never masked
    settings = FeatureSettings.for_plan(masked_spec, plan)
    batch = list(plan.training[:40])
    with FeatureMaker(settings, workers=1) as one, FeatureMaker(settings, workers=2) as two:
        assert np.array_equal(one.compute(batch, epoch=2).features, two.compute(batch, epoch=2).features)
