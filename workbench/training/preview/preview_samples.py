"""Which training samples the augmentation preview shows: the first epoch's, as the trainer draws and orders them.

Training's epoch ``e`` (1-based) computes the features of its sample list -- the plan's training samples, with a
fresh draw of unknown words when ``resample_unknown_each_epoch`` -- each from its position in that list (the seed of
its augmentation), and trains on them in the order of a permutation seeded by (seed, epoch). The trainer imports
Keras, so the two rules are repeated here (:func:`epoch_samples`, :func:`epoch_order`); a test holds them equal to
the trainer's.

Of that order the preview takes the first samples of each class, as many of each as the class's share of the
epoch's samples gives (:func:`class_quotas`): N samples keep the plan's balance (unknown words 3x, silence 0.2x the
mean keyword count) however the permutation happens to begin, and every class is seen at least once when N allows
-- the silence samples are where the background noise alone is heard.
"""

from __future__ import annotations

from collections import Counter
from typing import Mapping, Sequence

import numpy as np

from workbench.training.data.sample_plan import Sample, SamplePlan, resample_unknown
from workbench.training.spec.model_spec import DataSettings

PREVIEW_EPOCH = 1  # the trainer's first epoch (its epochs count from 1)
EPOCH_ORDER_STREAM = 0x0D3E  # the trainer's ORDER_STREAM: the stream of its epoch order's generator
SEED_MASK = 0xFFFFFFFF  # seeds are taken modulo 2**32, as the trainer and the sample plan take them


def epoch_samples(plan: SamplePlan, data: DataSettings, seed: int, epoch: int) -> list[Sample]:
    """The training samples of ``epoch``, in the order their augmentation is seeded by (the trainer's rule)."""
    return resample_unknown(plan, data, seed, epoch) if data.resample_unknown_each_epoch else list(plan.training)


def epoch_order(seed: int, epoch: int, count: int) -> np.ndarray:
    """The order the trainer feeds the ``count`` samples of ``epoch`` to the model (indices into its samples)."""
    return np.random.default_rng([seed & SEED_MASK, epoch, EPOCH_ORDER_STREAM]).permutation(count)


def class_quotas(counts: Mapping[int, int], count: int) -> dict[int, int]:
    """How many of ``count`` samples each class gets: one for every class present while ``count`` allows, the rest
    in proportion to what each class has beyond that (largest remainders first, then the lower class index);
    never more than a class has. All of them when ``count`` covers every sample."""
    total = sum(counts.values())
    present = sorted(label for label, n in counts.items() if n > 0)
    if count >= total:
        return {label: counts[label] for label in present}
    quota = dict.fromkeys(present, 1 if count >= len(present) else 0)
    spare = {label: counts[label] - quota[label] for label in present}
    left = count - sum(quota.values())
    exact = {label: left * spare[label] / max(1, sum(spare.values())) for label in present}
    for label in present:
        quota[label] += int(exact[label])
    by_remainder = sorted(present, key=lambda label: (int(exact[label]) - exact[label], label))
    for label in by_remainder[:count - sum(quota.values())]:
        quota[label] += 1
    return quota


def preview_choice(samples: Sequence[Sample], order: Sequence[int], count: int) -> list[int]:
    """Indices into ``samples`` of the ``count`` previewed: each class's first in ``order``, up to its quota
    (:func:`class_quotas`), kept in ``order``."""
    quotas = class_quotas(Counter(sample.label for sample in samples), count)
    taken: Counter[int] = Counter()
    chosen: list[int] = []
    for index in order:
        label = samples[index].label
        if taken[label] < quotas.get(label, 0):
            taken[label] += 1
            chosen.append(int(index))
    return chosen
