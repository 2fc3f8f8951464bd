"""``kws dataset info --spec``: the samples a ``kws train`` run with that spec would plan from the dataset folders.

Why the training's own code: the dataset's split is not what a run trains on -- a spec's
``validation_resplit_percent`` re-splits the non-test clips by speaker (the default recipe does: the shared
Speech Commands subset then trains on 129 clips of ``yes`` instead of 7), ``_unknown_`` is a share of the
mean keyword count, ``_silence_`` is partly generated, ``max_clips_per_word`` caps every word. A second copy of
those rules would drift from the training's, so the plan is :func:`workbench.training.data.sample_plan.make_plan`
itself, with the spec read by the training's loader: both are numpy and TOML only (no TensorFlow, which a test
checks), and the import-linter contracts let the CLI import them (only the core and the GUI may not). They are
imported when ``--spec`` is given, so ``kws dataset info`` alone stays as light as before. A run ``kws train`` would
refuse at its start, before it plans (a model to start from whose outputs would never learn the keywords:
:func:`start_check`), is said with the run's own sentence; that check reads the ``init_from`` model's parameters
only.

The datasets are scanned as ``kws train`` scans them (the spec's split settings, headers checked, WAVs cut short
left to the run to skip); ``kws train --dataset DIR:WEIGHT`` weights and ``--set`` changes are not applied.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from workbench.core.errors import SettingsError, WorkbenchError
from workbench.core.wording import counted
from workbench.datasets.layout import SILENCE, UNKNOWN, DatasetIndex, label_of, merge_datasets, scan_dataset
from workbench.datasets.split_checks import DatasetWarning
from workbench.datasets.splits import SPLITS, TRAINING, VALIDATION

RUN_PREFIX = "the run: "  # before the run's own plan warnings among the dataset's
RUN_WARNING = "run_plan"  # their kind in the JSON's warnings
RUN_STOPS = "run_would_stop"  # the kind of the warning that the run would refuse the plan
WARNING_PREFIX = "warning: "  # how plan_warnings begins each sentence
PLANNED_SPLITS = (TRAINING, VALIDATION)  # of samples; testing counts clips


@dataclass
class InfoPlan:
    """The plan of one spec for the dataset folders, or the sentence with which the run would stop."""

    spec: Any  # workbench.training.spec.model_spec.ModelSpec (imported lazily)
    plan: Any | None  # workbench.training.data.sample_plan.SamplePlan, None when the run would stop
    error: str = ""
    warnings: list[str] = field(default_factory=list)  # the run's own (warnings_before_training, without "warning: ")
    unknown_words: int = 0  # word folders the _unknown_ samples are drawn from

    @property
    def data(self) -> Any:
        return self.spec.data

    def counts(self) -> dict[str, dict[str, int]]:
        """Split -> class -> samples (testing: clips), as the run's ``plan.json`` records them."""
        return {split: self.plan.counts(split) for split in SPLITS} if self.plan is not None else {}

    def generated_silence(self) -> dict[str, int]:
        """The ``_silence_`` samples of each split that are generated (zeros plus noise), not clips."""
        if self.plan is None:
            return {}
        silence = self.plan.classes.index(SILENCE)
        return {split: sum(1 for s in getattr(self.plan, split) if s.label == silence and s.path is None)
                for split in PLANNED_SPLITS}

    def to_dict(self) -> dict[str, Any]:
        from workbench.training.spec.values import settings_table

        spec = self.spec
        return {"spec": spec.name, "spec_file": str(spec.source) if spec.source else None,
                "seed": spec.training.seed, "classes": list(spec.classes), "data": settings_table(spec.data),
                "samples": self.counts(), "generated_silence": self.generated_silence(), "error": self.error or None}

    def run_warnings(self) -> list[DatasetWarning]:
        """The run's own warnings, or the sentence it would stop with, as warnings of the dataset info."""
        if self.error:
            return [DatasetWarning(RUN_STOPS, f"the run would stop: {self.error}")]
        return [DatasetWarning(RUN_WARNING, RUN_PREFIX + w) for w in self.warnings]


def info_spec(name_or_path: str, keywords: Sequence[str] | None) -> Any:
    """The spec ``kws train --spec NAME [--keywords ...]`` trains: read by the training's loader, the keywords
    replaced as the run replaces them (and refused as it refuses them)."""
    from workbench.training.spec.model_spec import load_spec

    spec = load_spec(name_or_path)
    if not keywords:
        return spec
    try:
        data = dataclasses.replace(spec.data, keywords=tuple(keywords))
    except ValueError as exc:
        raise SettingsError(f"--keywords: {exc}") from None
    return spec.replace(data=data)


def training_index(dirs: Sequence[Path], data: Any, scanned: DatasetIndex | None = None,
                   scanned_split: tuple[float, float, str] | None = None) -> DatasetIndex:
    """The dataset folders as ``kws train`` scans them with the spec's ``data`` settings.

    ``scanned`` (split as ``scanned_split`` says: validation %, testing %, method) is used as it is when it was
    split alike and refused no file: the run's scan, which leaves WAVs cut short to be skipped when decoded,
    then finds the same clips; otherwise the folders are scanned again.
    """
    split = (data.validation_percent, data.testing_percent, data.split_method)
    if scanned is not None and scanned_split == split and not scanned.unreadable:
        return scanned
    return merge_datasets([scan_dataset(d, validation_percent=data.validation_percent,
                                        testing_percent=data.testing_percent, split_method=data.split_method)
                           for d in dirs])


def start_check(spec: Any) -> tuple[str, list[str]]:
    """The sentence with which ``kws train`` would refuse the spec before it plans ("" when it would not), and its
    warnings about the model it starts from: :func:`~workbench.training.spec.init_classes.check_init_classes`, the
    run's own check (``--keywords go,stop`` with the default recipe: outputs imported by position and kept frozen,
    so go and stop never learn). It reads only the ``init_from`` model's parameters: no TensorFlow."""
    from workbench.training.spec.init_classes import check_init_classes, init_source

    try:
        renamed = check_init_classes(init_source(spec.init_from, spec), spec)
    except WorkbenchError as exc:
        return str(exc), []
    return "", [renamed.removeprefix(WARNING_PREFIX)] if renamed else []


def plan_for_info(spec: Any, index: DatasetIndex) -> InfoPlan:
    """The run's plan of ``index`` (see the module docstring), its warnings, or the error that would stop it.

    A run refused at its start (:func:`start_check`) keeps its plan -- what the datasets give is still worth
    seeing -- with the refusal as its error; a plan that cannot be made has none."""
    from workbench.training.data.sample_plan import make_plan, warnings_before_training

    data = spec.data
    unknown = {c.word for c in index.clips if label_of(c.word, data.keywords, data.negative_words) == UNKNOWN}
    refusal, start_warnings = start_check(spec)
    try:
        plan = make_plan(index, data, spec.training.seed)
    except WorkbenchError as exc:
        return InfoPlan(spec, None, error=refusal or str(exc), unknown_words=len(unknown))
    warnings = [w.removeprefix(WARNING_PREFIX) for w in warnings_before_training(plan, data, start_warnings)]
    return InfoPlan(spec, plan, error=refusal, warnings=warnings, unknown_words=len(unknown))


def _settings_lines(info: InfoPlan) -> list[str]:
    """What the spec's data settings do to the dataset's split, one line each."""
    data = info.data
    lines = []
    if data.validation_resplit_percent is not None:
        lines.append(f"  validation_resplit_percent = {data.validation_resplit_percent:g}: the non-test clips are "
                     f"re-split by speaker, {data.validation_resplit_percent:g} % of them to validation")
    else:
        lines.append("  the dataset's split as it is (no validation_resplit_percent)")
    weights = " (unknown_word_weights favour " + ", ".join(data.unknown_word_weights) + ")" \
        if data.unknown_word_weights else ""
    lines.append(f"  {UNKNOWN}: unknown_percentage = {data.unknown_percentage:g} x the mean keyword count of each "
                 f"split, drawn from {counted(info.unknown_words, 'other word')}{weights}")
    own = ", plus the dataset's own _silence_ clips (silence_clips)" if data.silence_clips else ""
    lines.append(f"  {SILENCE}: silence_percentage = {data.silence_percentage:g} x the mean keyword count "
                 f"generated{own}")
    if data.max_clips_per_word is not None:
        lines.append(f"  max_clips_per_word = {data.max_clips_per_word}: at most that many clips of every word")
    if data.negative_words:
        lines.append(f"  negative_words: {', '.join(data.negative_words)} learned as classes of their own")
    return lines


def render_plan(info: InfoPlan) -> str:
    """The text ``kws dataset info --spec`` prints after the dataset's own table."""
    spec = info.spec
    source = f" ({spec.source})" if spec.source else ""
    lines = [f"plan of a kws train run with spec {spec.name}{source}, keywords {', '.join(info.data.keywords)}:"]
    lines += _settings_lines(info)
    if info.plan is None:
        return "\n".join([*lines, "  no plan: the run would stop (the warning below says why)"]) + "\n"
    if info.error:  # refused at its start: the plan is what the datasets give, not what a run would train on
        lines.append("  kws train would refuse this run before it trains (the warning below says why)")
    counts = info.counts()
    header = f"{'class':<14}" + "".join(f"{s:>12}" for s in SPLITS)
    lines += ["", header, "-" * len(header)]
    for name in info.plan.classes:
        lines.append(f"{name:<14}" + "".join(f"{counts[s][name]:>12}" for s in SPLITS))
    lines.append(f"{'all':<14}" + "".join(f"{sum(counts[s].values()):>12}" for s in SPLITS))
    generated = info.generated_silence()
    made = f", {' and '.join(f'{generated[s]} {s}' for s in PLANNED_SPLITS)} {SILENCE} samples generated" \
        if any(generated.values()) else ""
    lines.append(f"(training and validation count samples{made}; testing counts clips)")
    return "\n".join(lines) + "\n"
