"""Which clips a training run uses, per split and class, by MLTK's rules for keyword datasets.

Why a plan apart from the features: the counts decide class balance and therefore the model, so they
are computed once, shown to the user (``kws train`` prints them, the output folder records them) and
tested without audio processing. The rules (MLTK ``list_dataset_directory``):

* every clip of a keyword folder is a keyword sample of its split;
* ``_unknown_``: ``unknown_percentage`` x the mean keyword count of the split, drawn from all other
  word folders, an equal share per word (MLTK). Two additions: ``unknown_word_weights`` give "hard"
  words (``go``/``down`` sound like ``no``) a larger share, and a word with fewer clips than its share
  leaves the remainder to the other words (MLTK simply falls short);
* a word of ``negative_words`` (a word heard as a keyword) is a class of its own, ``_<word>_``: every
  clip of it is a sample, and it is not among the unknown words;
* ``_silence_``: ``silence_percentage`` x the mean keyword count of generated samples (zeros plus
  background noise), plus -- when ``silence_clips`` -- the dataset's own ``_silence_`` clips.

Splits come from :func:`workbench.datasets.layout.scan_dataset` (the dataset's lists or its
hash-of-speaker rule), so the testing split is the same speakers as in ``kws dataset info`` and
``kws evaluate``; it is never used here except to hand to the final evaluation. When
``validation_resplit_percent`` is set, the non-test clips are re-split by speaker with the datasets'
stratified rule (for data such as the shared subset, whose speakers sit in one official split).

A class with only a handful of training samples trains silently into a model that never predicts it (the
shared subset without the re-split gives "yes 7, no 5"), so :func:`plan_warnings` names such classes and
the remedy; the run prints it among its ``[plan]`` lines.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from workbench.core.errors import WorkbenchError, closest_name
from workbench.core.wording import listed
from workbench.datasets.dataset_defaults import RESPLIT_PERCENT
from workbench.datasets.layout import (SILENCE, UNKNOWN, ClipEntry, DatasetIndex, class_label, follows_its_speaker,
                                       is_negative_class, label_of)
from workbench.datasets.splits import TESTING, TRAINING, VALIDATION, stratified_splits
from workbench.training.spec.model_spec import DataSettings, TrainingSettings, check_named_classes

MIN_GENERATED_SILENCE = 1
DATASET_WEIGHT_STREAM = 0x3E1  # the random stream that draws a fractional dataset weight's copies in the plan
MIN_TRAINING_SAMPLES = 20  # below this a class is too rare to learn: warn (the run still goes ahead)
RESPLIT_OPTION = "validation_resplit_percent"  # the [data] setting that re-splits the non-test clips
SILENCE_OPTION = "silence_percentage"  # the [data] setting that sets how many _silence_ samples are generated
SILENCE_PERCENTAGE_STEP = 0.05  # the silence_percentage a warning suggests is a multiple of this
# how close a word folder must be to a missing keyword to be offered: keywords are short, and difflib's usual 0.6
# offers "no" for "down"; a keyword in the wrong case ("Yes" for yes/) matches fully
KEYWORD_GUESS_CUTOFF = 0.8


@dataclass(frozen=True)
class Sample:
    """One sample of a split: a clip (``path``) or generated silence (``path`` None), and its class."""

    path: Path | None
    label: int


@dataclass
class SamplePlan:
    """The samples of the training and validation splits, the test clips, and the noise files."""

    classes: tuple[str, ...]
    training: list[Sample]
    validation: list[Sample]
    testing: list[ClipEntry]
    background: list[Path]
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    unknown_pool: dict[str, list[Path]] = field(default_factory=dict)  # training clips by word
    validation_clips: list[ClipEntry] = field(default_factory=list)  # every clip of the validation split
    # (dataset root resolved, weight) of the datasets weighted other than 1 (kws train --dataset DIR:WEIGHT), and
    # the unknown samples drawn before those weights (None: as many as ``training`` holds): see weighted_plan
    dataset_weights: tuple[tuple[Path, float], ...] = ()
    unknown_draw: int | None = None
    # the clips of ``unknown_pool`` weighted other than 1, by path: worked out once (weighted_plan), so a fresh draw
    # each epoch looks its clips up instead of resolving every path against every weighted root again
    unknown_pool_weights: dict[Path, float] = field(default_factory=dict)
    # every scanned clip with the split the run gave it, before data.max_clips_per_word: what a warning about a
    # folder's split reads (untrained_datasets), so the splits are assigned once per run
    assigned: list[ClipEntry] = field(default_factory=list)

    def counts(self, split: str) -> dict[str, int]:
        """Samples per class of ``training`` or ``validation``; ``testing`` counts clips by class."""
        if split == TESTING:
            counter = Counter(class_label(c.word, self.classes) for c in self.testing)
        else:
            samples = self.training if split == TRAINING else self.validation
            counter = Counter(self.classes[s.label] for s in samples)
        return {name: counter.get(name, 0) for name in self.classes}

    def context_clips(self) -> list[Path]:
        """The training clips of other words, in a fixed order: what context augmentation may put
        beside a sample (never a validation or test clip, never a keyword)."""
        return sorted(path for paths in self.unknown_pool.values() for path in paths)

    def class_weights(self) -> dict[int, float]:
        """Balanced weights ``n / (classes * count)`` of the training samples (scikit-learn's rule)."""
        counts = Counter(s.label for s in self.training)
        total, n_classes = len(self.training), len(self.classes)
        return {i: total / (n_classes * counts[i]) if counts[i] else 0.0 for i in range(n_classes)}


def _listed_roots(index: DatasetIndex) -> list[Path]:
    """Dataset roots split by their own lists (``validation_list.txt``/``testing_list.txt``)."""
    return [root for root in index.split_rules if root in index.listed_roots]


def assign_splits(index: DatasetIndex, data: DataSettings) -> list[ClipEntry]:
    """The index's clips with their splits, the validation split re-cut when the settings ask for it.

    Only clips of datasets split by the speaker hash are re-cut; a dataset with split lists keeps
    its lists' decisions (e.g. a folder of extra clips listed as training only), and so do the clips of the
    speakers it lists in the other datasets, which :func:`~workbench.datasets.layout.merge_datasets` put in the
    lists' split: re-cut, a folder of false accepts cut from a stream of the official archive's validation
    speakers went partly into training, beside those speakers' validation clips.
    """
    if data.validation_resplit_percent is None:
        return list(index.clips)
    listed = _listed_roots(index)
    in_lists = {id(c) for c in index.clips if any(c.path.is_relative_to(r) for r in listed)}
    listed_speakers = {c.speaker for c in index.clips if id(c) in in_lists and follows_its_speaker(c)}
    pool = [c for c in index.clips if c.split != TESTING and id(c) not in in_lists
            and not (follows_its_speaker(c) and c.speaker in listed_speakers)]
    words: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for clip in pool:
        words[clip.speaker][label_of(clip.word, data.keywords)] += 1
        names.setdefault(clip.speaker, clip.path.name)
    splits = stratified_splits(words, names, data.validation_resplit_percent, 0.0)
    resplit = {id(c): replace(c, split=splits[c.speaker]) for c in pool}
    return [resplit.get(id(c), c) for c in index.clips]


def clips_digest(clips: Sequence[ClipEntry]) -> str:
    """SHA-256 of the clips' word folders and file names, sorted: which clips, wherever their datasets are now.

    Why: the run's ``plan.json`` records it for its validation clips, so ``kws evaluate`` can tell that the clips
    it makes again from the datasets by the run's rules are exactly those the run validated on (a clip added or
    removed since can move whole speakers in the re-split), and a dataset moved to another folder still matches.
    """
    names = sorted(f"{clip.path.parent.name}/{clip.path.name}" for clip in clips)
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def _split_quotas(sizes: dict[str, int], cap: int) -> dict[str, int]:
    """How many of a word's ``cap`` clips each split keeps: its share of the word's clips (largest remainders
    first), and at least one for every split that has any while the cap allows.

    Why not ``cap`` clips drawn from the word as a whole: a small cap (a sweep's quick trials) then leaves a split
    without the word for some seeds -- validation holds a tenth of the clips -- and the run fails on it."""
    total = sum(sizes.values())
    if total <= cap:
        return dict(sizes)
    present = sorted(s for s, n in sizes.items() if n)
    floor = dict.fromkeys(present, 1) if cap >= len(present) else {}
    left = cap - sum(floor.values())
    spare = {s: sizes[s] - floor.get(s, 0) for s in present}
    exact = {s: left * spare[s] / max(1, sum(spare.values())) for s in present}
    quota = {s: floor.get(s, 0) + int(exact[s]) for s in present}
    for s in sorted(present, key=lambda s: (int(exact[s]) - exact[s], s))[:cap - sum(quota.values())]:
        quota[s] += 1
    return quota


def _cap_per_word(clips: list[ClipEntry], cap: int | None, rng: np.random.Generator) -> list[ClipEntry]:
    """At most ``cap`` clips of each word, shared among the splits as the word's clips are (:func:`_split_quotas`)."""
    if cap is None:
        return clips
    by_word: dict[str, dict[str, list[ClipEntry]]] = defaultdict(lambda: defaultdict(list))
    for clip in clips:
        by_word[clip.word][clip.split].append(clip)
    kept: list[ClipEntry] = []
    for word in sorted(by_word):
        splits = by_word[word]
        quotas = _split_quotas({split: len(group) for split, group in splits.items()}, cap)
        for split in sorted(splits):
            group = splits[split]
            order = rng.permutation(len(group))[:quotas.get(split, 0)]
            kept += [group[i] for i in sorted(order)]
    return kept


def draw_unknown(by_word: dict[str, list[Path]], target: int, weights: dict[str, float],
                 rng: np.random.Generator) -> list[Path]:
    """``target`` unknown clips: a (weighted) equal share per word, shortfalls filled by the others."""
    words = sorted(w for w, paths in by_word.items() if paths)
    if not words or target <= 0:
        return []
    shuffled = {w: [by_word[w][i] for i in rng.permutation(len(by_word[w]))] for w in words}
    weight = np.array([weights.get(w, 1.0) for w in words], dtype=np.float64)
    chosen: list[Path] = []
    taken = dict.fromkeys(words, 0)
    remaining = target
    while remaining > 0:
        open_words = [i for i, w in enumerate(words) if taken[w] < len(shuffled[w])]
        if not open_words:
            break
        share = weight[open_words] / weight[open_words].sum() * remaining
        quotas = np.maximum(np.floor(share).astype(int), 0)
        if quotas.sum() == 0:  # fewer samples left to place than words: the heaviest words first
            quotas[np.argsort(-share, kind="stable")[:remaining]] = 1
        for i, quota in zip(open_words, quotas):
            word = words[i]
            n = min(int(quota), len(shuffled[word]) - taken[word], remaining)
            chosen += shuffled[word][taken[word]:taken[word] + n]
            taken[word] += n
            remaining -= n
    return sorted(chosen)


def _split_samples(clips: list[ClipEntry], classes: tuple[str, ...], data: DataSettings,
                   rng: np.random.Generator) -> tuple[list[Sample], dict[str, list[Path]]]:
    keywords = data.keywords
    class_index = {name: i for i, name in enumerate(classes)}
    samples = [Sample(c.path, class_index[c.word]) for c in clips if c.word in keywords]
    mean_keyword = len(samples) // len(keywords)
    unknown_by_word: dict[str, list[Path]] = defaultdict(list)
    for clip in clips:
        label = label_of(clip.word, keywords, data.negative_words)
        if label == UNKNOWN:
            unknown_by_word[clip.word].append(clip.path)
        elif is_negative_class(label):  # every clip, as keywords
            samples.append(Sample(clip.path, class_index[label]))
    target = int(mean_keyword * data.unknown_percentage)
    if data.unknown_percentage > 0:
        target = max(target, 1)
    samples += [Sample(p, class_index[UNKNOWN])
                for p in draw_unknown(unknown_by_word, target, data.unknown_word_weights, rng)]
    if data.silence_percentage > 0:
        generated = max(MIN_GENERATED_SILENCE, int(mean_keyword * data.silence_percentage))
        samples += [Sample(None, class_index[SILENCE])] * generated
    if data.silence_clips:
        samples += [Sample(c.path, class_index[SILENCE]) for c in clips if c.word == SILENCE]
    return samples, dict(unknown_by_word)


def make_plan(index: DatasetIndex, data: DataSettings, seed: int) -> SamplePlan:
    """The plan for ``index`` (see the module docstring); WorkbenchError when a class has no samples."""
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 0x5A17])
    classes = data.classes
    assigned = assign_splits(index, data)
    clips = _cap_per_word(assigned, data.max_clips_per_word, rng)
    by_split: dict[str, list[ClipEntry]] = defaultdict(list)
    for clip in clips:
        by_split[clip.split].append(clip)
    training, pool = _split_samples(by_split[TRAINING], classes, data, rng)
    validation, _ = _split_samples(by_split[VALIDATION], classes, data, rng)
    plan = SamplePlan(classes, training, validation, by_split[TESTING], list(index.background),
                      list(index.unreadable), pool, by_split[VALIDATION], assigned=assigned)
    for split in (TRAINING, VALIDATION):
        missing = [name for name, n in plan.counts(split).items() if n == 0]
        if missing and data.max_clips_per_word is not None:  # the cap, not the dataset, is the likely cause
            raise WorkbenchError(f"The {split} split has no samples of {', '.join(missing)} with "
                                 f"data.max_clips_per_word = {data.max_clips_per_word}: raise the cap or leave "
                                 "it out.")
        if missing:
            raise WorkbenchError(f"The {split} split has no samples of {', '.join(missing)}: the dataset "
                                 f"needs clips of every keyword (and other words for {UNKNOWN}) in it"
                                 + (_did_you_mean(missing, index) or "."))
    return plan


def _did_you_mean(missing: list[str], index: DatasetIndex) -> str:
    """The clause ``; did you mean yes, no?`` for classes missing because they are spelt unlike the dataset's word
    folders (``Yes`` for ``yes/``: a keyword is matched as it is written); "" when no folder resembles them."""
    words = {clip.word for clip in index.clips} - set(missing)
    guesses = [guess for name in missing if (guess := closest_name(name, words, KEYWORD_GUESS_CUTOFF)) is not None]
    return f"; did you mean {', '.join(guesses)}?" if guesses else ""


def plan_warnings(plan: SamplePlan, data: DataSettings) -> list[str]:
    """One-line warnings about the plan: classes with fewer than ``MIN_TRAINING_SAMPLES`` training samples.

    Why: the run does not fail on them, it learns nothing of them (0 % recall on the test split), and the
    counts line alone is easy to read past. The remedy offered for a word class is more clips, and -- unless
    the spec already re-splits -- the re-split that moves the validation split's speakers into training.
    ``_silence_`` has a warning of its own: its count is mostly generated samples, ``silence_percentage`` times
    the mean keyword count (module docstring), so that setting is its remedy, not the re-split.
    """
    counts = plan.counts(TRAINING)
    sparse = [f"{name} ({n})" for name, n in counts.items() if n < MIN_TRAINING_SAMPLES and name != SILENCE]
    warnings = [_sparse_words_warning(sparse, data)] if sparse else []
    if counts.get(SILENCE, MIN_TRAINING_SAMPLES) < MIN_TRAINING_SAMPLES:
        warnings.append(_sparse_silence_warning(counts, data))
    return warnings


def warnings_before_training(plan: SamplePlan, data: DataSettings, start_warnings: Sequence[str] = ()) -> list[str]:
    """What a run warns of before it trains, the most serious first: its classes with too few training samples
    (:func:`plan_warnings`), then ``start_warnings`` (the model it starts from, whose renamed outputs learn from
    there: :func:`~workbench.training.spec.init_classes.check_init_classes`).

    Why that order, and here once: a class with too few samples is one the model never learns, the graver news, and
    the Training workspace's status line says a finished run's first warning; the run's log, the terminal and
    ``kws dataset info --spec`` list them in the order given here."""
    return [*plan_warnings(plan, data), *start_warnings]


def _too_few(sparse: list[str]) -> str:
    has = "has" if len(sparse) == 1 else "have"
    return f"warning: {listed(sparse)} {has} fewer than {MIN_TRAINING_SAMPLES} training samples, too few for the model"


def _sparse_words_warning(sparse: list[str], data: DataSettings) -> str:
    remedy = "add clips of them"
    if data.validation_resplit_percent is None:
        remedy += (f", or set {RESPLIT_OPTION} in the spec's [data] table (the default spec does; for one run: kws "
                   f"train --set data.{RESPLIT_OPTION}={RESPLIT_PERCENT:g}) to re-split the non-test clips by speaker")
    return f"{_too_few(sparse)} to learn: {remedy}."


def _enough_silence_percentage(counts: dict[str, int], data: DataSettings) -> float:
    """The smallest ``silence_percentage`` (in steps of ``SILENCE_PERCENTAGE_STEP``) that generates
    ``MIN_TRAINING_SAMPLES`` silence samples for the training keyword ``counts`` (as :func:`_split_samples`)."""
    mean_keyword = max(1, sum(counts[k] for k in data.keywords) // len(data.keywords))
    steps = math.ceil(MIN_TRAINING_SAMPLES / mean_keyword / SILENCE_PERCENTAGE_STEP)
    while int(mean_keyword * round(steps * SILENCE_PERCENTAGE_STEP, 2)) < MIN_TRAINING_SAMPLES:  # float rounding
        steps += 1
    return round(steps * SILENCE_PERCENTAGE_STEP, 2)


def _sparse_silence_warning(counts: dict[str, int], data: DataSettings) -> str:
    enough = _enough_silence_percentage(counts, data)
    remedy = (f"raise {SILENCE_OPTION} in the spec's [data] table (now {data.silence_percentage:g}; it generates "
              f"that times the mean keyword count of {SILENCE} samples), e.g. kws train --set "
              f"data.{SILENCE_OPTION}={enough:g} for at least {MIN_TRAINING_SAMPLES}")
    if data.silence_clips:
        remedy += f", or add clips of background sound to a {SILENCE} folder"
    return f"{_too_few([f'{SILENCE} ({counts[SILENCE]})'])} to learn: {remedy}."


def dataset_weight(path: Path | None, weights: Sequence[tuple[Path, float]]) -> float:
    """The weight of the first dataset root (``weights``: resolved root, weight) that holds ``path``; 1 for none
    and for generated silence (``path`` None)."""
    if path is None or not weights:
        return 1.0
    resolved = path.resolve()
    return next((w for root, w in weights if resolved.is_relative_to(root)), 1.0)


def weigh_samples(samples: Sequence[Sample], weight_of: Callable[[Path | None], float],
                  rng: np.random.Generator) -> list[Sample]:
    """``samples`` with each one weighted w (``weight_of`` its path) counted w times, the fraction drawn at random
    (0.5: half of them, 2.5: two or three copies)."""
    weighted: list[Sample] = []
    for sample in samples:
        weight = weight_of(sample.path)
        copies = int(weight) + int(rng.random() < weight - int(weight))
        weighted += [sample] * copies
    return weighted


def weighted_plan(plan: SamplePlan, weights: Sequence[tuple[Path, float]], seed: int) -> SamplePlan:
    """``plan`` with the training samples of each dataset root weighted w counted w times (``kws train --dataset
    DIR:WEIGHT``; ``weights``: resolved root, weight, of the datasets weighted other than 1).

    Why the plan keeps the weights and its unknown count before them: a spec that draws the unknown words afresh
    each epoch (:func:`resample_unknown`) draws that count again and weighs the new draw the same way. Without them
    it drew the weighted count from the unweighted pool, so a folder of false accepts (other words) weighted 3
    counted once, and its weight only drew more clips of every other word."""
    if not weights:
        return plan
    rng = np.random.default_rng([seed & 0xFFFFFFFF, DATASET_WEIGHT_STREAM])
    unknown = plan.classes.index(UNKNOWN)
    pool_weights = {path: weight for paths in plan.unknown_pool.values() for path in paths
                    if (weight := dataset_weight(path, weights)) != 1.0}
    return replace(plan, training=weigh_samples(plan.training, lambda path: dataset_weight(path, weights), rng),
                   dataset_weights=tuple(weights), unknown_pool_weights=pool_weights,
                   unknown_draw=sum(1 for sample in plan.training if sample.label == unknown))


def resample_unknown(plan: SamplePlan, data: DataSettings, seed: int, epoch: int) -> list[Sample]:
    """The training samples with a fresh draw of unknown clips for ``epoch``: as many as the plan drew, weighted
    by their datasets' weights as the plan's were (:func:`weighted_plan`)."""
    unknown = plan.classes.index(UNKNOWN)
    kept = [s for s in plan.training if s.label != unknown]
    count = plan.unknown_draw if plan.unknown_draw is not None else len(plan.training) - len(kept)
    rng = np.random.default_rng([seed & 0xFFFFFFFF, epoch, 0x0A4E])
    drawn = [Sample(p, unknown) for p in draw_unknown(plan.unknown_pool, count, data.unknown_word_weights, rng)]
    if not plan.dataset_weights:
        return kept + drawn
    return kept + weigh_samples(drawn, lambda path: plan.unknown_pool_weights.get(path, 1.0), rng)


def class_weights(plan: SamplePlan, settings: TrainingSettings) -> dict[int, float] | None:
    """The loss weight of each class: balanced (or 1), times the spec's ``class_weight_scale``."""
    balanced = settings.class_weights == "balanced"
    base = plan.class_weights() if balanced else dict.fromkeys(range(len(plan.classes)), 1.0)
    check_named_classes("class_weight_scale", settings.class_weight_scale, plan.classes)
    scaled = {i: w * settings.class_weight_scale.get(plan.classes[i], 1.0) for i, w in base.items()}
    return None if settings.class_weights == "none" and not settings.class_weight_scale else scaled
