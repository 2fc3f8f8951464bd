"""``kws evaluate RUN/MODEL --split validation``: the clips the model's training run validated on.

Why: a run whose spec re-splits the non-test clips by speaker (``validation_resplit_percent``: the default recipe
does) validates on other clips than the dataset's own validation split -- on the shared subset 425 clips where the
dataset's split has 1,704, most of which that run trained on. Scored on the dataset's split, the model of a run
looked worse or better than its run said, and nothing said why. A model beside its run's ``spec.toml`` and
``plan.json`` (a ``kws train`` folder, as :mod:`.stream_split_check` finds it) is therefore scored on the run's own
validation clips, made again from the datasets given by the training's own planning code with the run's resolved
spec (split, re-split, cap and seed), and checked against what the run recorded of them: the digest of their names
(:func:`~workbench.training.data.sample_plan.clips_digest`), or, for a run from before it, its samples per class.
Datasets that do not give them -- other folders, or the run's changed since -- are scored on their own split as
before, with a warning that says so and why the figures differ. The test split is left as it is (``--split test``
is the datasets' test split, the one the run's own evaluation used when its spec kept the default split).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from workbench.core.errors import WorkbenchError
from workbench.datasets.layout import ClipEntry, DatasetIndex
from workbench.datasets.splits import TESTING, VALIDATION
from workbench.run_folder_layout import (PLAN_COUNT_KEY, PLAN_DIGEST_KEY, PLAN_FILE, PLAN_SAMPLES_KEY,
                                         PLAN_VALIDATION_KEY, RUN_FILE, SPEC_FILE, SUMMARY_FILE, read_json_object)

RESPLIT_OPTION = "validation_resplit_percent"
CAP_OPTION = "max_clips_per_word"
CHECKED_SPLITS = (VALIDATION, TESTING)  # a run's plan.json counts of these (its training counts are weighted)


@dataclass(frozen=True)
class RunValidation:
    """What ``--split validation`` scores for the model of a training run."""

    run: Path  # the run's folder
    clips: list[ClipEntry] | None  # the run's validation clips; None: the datasets' own split is scored (``note``)
    description: str = ""  # what is scored, for the report (with ``clips``)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # dataset files the scan could not read
    note: str = ""  # the warning when the run's clips cannot be scored


def run_folder_of(model: Path) -> Path | None:
    """The ``kws train`` folder ``model`` sits in (its ``spec.toml`` and ``plan.json`` beside it), or None."""
    folder = Path(model).parent
    return folder if all((folder / name).is_file() for name in (SPEC_FILE, PLAN_FILE)) else None


def run_validation(model: Path, dirs: Sequence[Path]) -> RunValidation | None:
    """The validation clips of ``model``'s run made from ``dirs`` (see the module docstring); None when the model is
    no run's."""
    from workbench.cli.data.dataset_plan import training_index
    from workbench.training.data.sample_plan import make_plan
    from workbench.training.spec.model_spec import load_spec

    run = run_folder_of(model)
    if run is None:
        return None
    try:
        spec = load_spec(run / SPEC_FILE)
        record = read_json_object(run / PLAN_FILE)
    except WorkbenchError as exc:
        return RunValidation(run, None, note=_unknown_note(run, str(exc).rstrip(".")))
    data = spec.data
    ordered = _in_run_order(dirs, run)
    index = training_index(ordered, data)
    try:
        plan = make_plan(index, data, spec.training.seed)
    except WorkbenchError:  # a class the run had is missing from these folders: they are not its datasets
        plan = None
    if plan is None or not _as_recorded(plan, record):
        return RunValidation(run, None, note=_other_clips_note(run, data, record))
    return RunValidation(run, plan.validation_clips, _description(run, ordered, index, data), list(index.unreadable))


def _in_run_order(dirs: Sequence[Path], run: Path) -> list[Path]:
    """``dirs`` in the order the run's ``run.json`` lists them when they are its datasets (merged in another order,
    a ``max_clips_per_word`` cap keeps other clips), else as given."""
    from workbench.training.run.run_request import TrainRequest

    try:
        recorded = [d.path.resolve() for d in TrainRequest.from_record(read_json_object(run / RUN_FILE)).datasets]
    except (WorkbenchError, KeyError, TypeError, ValueError, AttributeError):  # no run.json, or a damaged one
        return list(dirs)
    given = {Path(d).resolve(): Path(d) for d in dirs}
    return [given[path] for path in recorded] if set(recorded) == set(given) else list(dirs)


def _as_recorded(plan: Any, record: dict[str, Any]) -> bool:
    """Whether ``plan``'s validation clips are those the run's ``plan.json`` recorded: their digest, or (a run from
    before the digest) the samples per class of validation and testing."""
    from workbench.training.data.sample_plan import clips_digest

    recorded = record.get(PLAN_VALIDATION_KEY)
    if isinstance(recorded, dict) and isinstance(recorded.get(PLAN_DIGEST_KEY), str):
        return bool(recorded[PLAN_DIGEST_KEY] == clips_digest(plan.validation_clips))
    samples = record.get(PLAN_SAMPLES_KEY)
    return isinstance(samples, dict) and all(samples.get(split) == plan.counts(split) for split in CHECKED_SPLITS)


def _rules(data: Any) -> list[str]:
    """How the run's spec chose its validation clips beyond the datasets' split, in words ([] for not at all)."""
    said = []
    if data.validation_resplit_percent is not None:
        said.append(f"the non-test clips re-split by speaker, {RESPLIT_OPTION} {data.validation_resplit_percent:g}")
    if data.max_clips_per_word is not None:
        said.append(f"at most {data.max_clips_per_word} clips per word ({CAP_OPTION})")
    return said


def _description(run: Path, dirs: Sequence[Path], index: DatasetIndex, data: Any) -> str:
    where = ", ".join(str(d) for d in dirs)
    rules = "; ".join([*sorted(set(index.split_rules.values())), *_rules(data)])
    return f"the validation clips of the training run in {run}, from {where} ({rules})"


def _unknown_note(run: Path, reason: str) -> str:
    return (f"the model is of the training run in {run}, but which clips it validated on is not known ({reason}): "
            "this scores the datasets' own validation split, which may hold clips the run trained on")


def _other_clips_note(run: Path, data: Any, record: dict[str, Any]) -> str:
    recorded = record.get(PLAN_VALIDATION_KEY)
    count = recorded.get(PLAN_COUNT_KEY) if isinstance(recorded, dict) else None
    how = [f"{count} clips" if isinstance(count, int) else "", *_rules(data)]
    said = f" ({'; '.join(part for part in how if part)})" if any(how) else ""
    return (f"the model is of the training run in {run}, and these datasets do not give the clips it validated "
            f"on{said}: they are not its datasets, or those changed since it trained; this scores their own validation "
            f"split, which may hold clips the run trained on, so the figures differ from the run's ({SUMMARY_FILE}); "
            "give the run's datasets as they were to score its own validation clips")
