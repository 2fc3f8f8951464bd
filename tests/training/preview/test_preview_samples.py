"""The preview's samples: the first epoch's, in the trainer's order, in proportion to the classes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from workbench.datasets.layout import scan_dataset
from workbench.training.data.sample_plan import Sample, make_plan
from workbench.training.preview.preview_samples import (EPOCH_ORDER_STREAM, PREVIEW_EPOCH, class_quotas, epoch_order,
                                                        epoch_samples, preview_choice)
from workbench.training.spec.model_spec import load_spec


def test_quotas_keep_the_balance_and_give_every_class_one() -> None:
    counts = {0: 47, 1: 47, 2: 141, 3: 9}  # yes, no, unknown 3x, silence 0.2x
    quotas = class_quotas(counts, 12)
    total = sum(counts.values())
    assert sum(quotas.values()) == 12 and min(quotas.values()) >= 1
    assert all(abs(quotas[label] - 12 * n / total) <= 1 for label, n in counts.items())
    assert quotas[2] == max(quotas.values()) and abs(quotas[0] - quotas[1]) <= 1  # a tie: one gets the spare


def test_quotas_never_ask_more_than_a_class_has() -> None:
    assert class_quotas({0: 1, 1: 50}, 10) == {0: 1, 1: 9}
    assert class_quotas({0: 3, 1: 2, 2: 0}, 9) == {0: 3, 1: 2}  # all of them, and no class without samples


def test_fewer_samples_than_classes_go_to_the_largest_classes() -> None:
    assert class_quotas({0: 10, 1: 40, 2: 5}, 2) == {0: 0, 1: 2, 2: 0}


def test_each_class_gives_its_first_samples_in_the_order() -> None:
    samples = [Sample(Path(f"{i}.wav"), label) for i, label in enumerate([0, 0, 1, 1, 1, 1, 2])]
    # quotas of 4: one each, the fourth to class 1 (its share of the rest is the largest)
    assert preview_choice(samples, [6, 5, 4, 3, 2, 1, 0], 4) == [6, 5, 4, 1]
    assert preview_choice(samples, [0, 1, 2, 3, 4, 5, 6], 4) == [0, 2, 3, 6]


@pytest.mark.parametrize("resample", [False, True])
def test_the_epoch_samples_and_order_are_the_trainers(speech_slice: Path, resample: bool) -> None:
    """The trainer imports Keras, so the preview repeats its two rules: they must stay the trainer's."""
    pytest.importorskip("tensorflow", reason="the trainer needs TensorFlow")
    from workbench.training.run.trainer import ORDER_STREAM, EpochFeeder

    spec = load_spec("tflite_micro_speech")
    spec = spec.replace(data=dataclasses.replace(spec.data, validation_resplit_percent=25.0,
                                                 resample_unknown_each_epoch=resample))
    seed = spec.training.seed
    plan = make_plan(scan_dataset(speech_slice), spec.data, seed)
    feeder = EpochFeeder(None, spec, plan, None)  # type: ignore[arg-type]  # (samples() uses neither)
    try:
        assert epoch_samples(plan, spec.data, seed, PREVIEW_EPOCH) == feeder.samples(PREVIEW_EPOCH)
    finally:
        feeder.close()
    assert EPOCH_ORDER_STREAM == ORDER_STREAM
    count = len(plan.training)
    assert np.array_equal(epoch_order(seed, PREVIEW_EPOCH, count),
                          np.random.default_rng([seed & 0xFFFFFFFF, PREVIEW_EPOCH, ORDER_STREAM]).permutation(count))
