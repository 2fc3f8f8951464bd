"""The sweep file (TOML): what to search, on which data, for which objective, within which budget.

Why a file: a search is an experiment to keep, diff and repeat, like a spec. Every mistake -- an
unknown key, an empty range, a missing dataset folder, an unknown spec, a setting path that is not in
the spec, an unknown objective -- is one sentence naming the file and the key, raised before Ray
starts. See ``docs/sweeps.md`` for the format; in short::

    name = "yes_no_search"            # optional: the file's stem
    datasets = ["speech_commands"]     # folders (relative to this file), "DIR:WEIGHT" as kws train
    specs = ["tflite_micro_speech"]    # shipped names or .toml files; several = one more dimension
    keywords = ["yes", "no"]           # optional: the spec's
    epochs = 30                        # at most per trial (ASHA stops the weak ones sooner)
    seed = 1                           # seeds the search; every trial draws its own training seed

    [fixed]                            # spec settings every trial uses
    "data.split_method" = "stratified"

    [search]                           # spec settings to search
    "training.learning_rate" = { loguniform = [1e-4, 1e-2] }
    "layers.1.filters" = { int = [4, 16] }

    [objective]  metric = "val_balanced_accuracy" | "frr" (+ target_fa_per_hour, stream_minutes)
    [budget]     trials, time_minutes, max_concurrent
    [scheduler]  type = "asha" | "fifo", grace_epochs, reduction_factor
    [board]      flash_kb, ram_kb (the model's share of the board), accelerator, max_inference_ms
    [resources]  cpus_per_trial, feature_workers, ray_features
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from workbench.core.errors import SettingsError
from workbench.core.toml_file import read_toml_table
from workbench.datasets.dataset_option import WEIGHT_SEPARATOR, dataset_option_value
from workbench.spec_files import load_spec_table
from workbench.sweeps.definition.search_space import (DISTRIBUTIONS, SPEC_DIMENSION, Dimension, flatten_paths,
                                                      parse_dimension)
from workbench.sweeps.definition.trial_spec import check_trial_specs
from workbench.training.spec.setting_paths import check_path, path_depth_reached
from workbench.training.spec.values import build_settings, coerce

OBJECTIVES = {"val_balanced_accuracy": "max", "frr": "min"}
SCHEDULERS = ("asha", "fifo")
SWEEP_FILE_KIND = "sweep file"  # in messages
_TOP_LEVEL = ("name", "datasets", "specs", "keywords", "epochs", "seed", "evaluate_test", "fixed", "search",
              "objective", "budget", "scheduler", "board", "resources")
_RUN_KEYS = ("epochs", "seed", "keywords", "evaluate_test")  # top-level keys of RunSettings
GRACE_KEY = "grace_epochs"
# EFR32xG24 (1536 kB flash, 256 kB RAM): the model's share when the sweep file names none. Flash leaves
# a third for the application image; RAM is the heap MLTK's firmware gives the tensor arena (200-240 kB).
DEFAULT_MODEL_FLASH_KB = 1024.0
DEFAULT_ARENA_RAM_KB = 200.0


@dataclass(frozen=True)
class ObjectiveSettings:
    """What ranks finished trials: validation balanced accuracy (live path) or FRR at a target FA/h."""

    metric: str = "val_balanced_accuracy"
    target_fa_per_hour: float = 100.0  # frr: false accepts per hour to stay at or under
    stream_minutes: float = 5.0  # frr: length of the validation stream kws stream make builds
    tolerance_s: float = 1.5  # frr: a detection this long after a keyword's end still hits it

    def __post_init__(self) -> None:
        if self.metric not in OBJECTIVES:
            raise ValueError(f"metric must be one of {', '.join(OBJECTIVES)}, got {self.metric!r}")
        if not self.target_fa_per_hour > 0 or not self.stream_minutes > 0 or not self.tolerance_s >= 0:
            raise ValueError("target_fa_per_hour and stream_minutes must be positive")

    @property
    def mode(self) -> str:
        return OBJECTIVES[self.metric]


@dataclass(frozen=True)
class BudgetSettings:
    trials: int = 8
    time_minutes: float | None = None  # None: no time limit
    max_concurrent: int | None = None  # None: as many as the cluster's CPUs allow

    def __post_init__(self) -> None:
        if self.trials < 1:
            raise ValueError(f"trials must be at least 1, got {self.trials}")
        if self.time_minutes is not None and not self.time_minutes > 0:
            raise ValueError(f"time_minutes must be positive, got {self.time_minutes}")
        if self.max_concurrent is not None and self.max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, got {self.max_concurrent}")


@dataclass(frozen=True)
class SchedulerSettings:
    type: str = "asha"
    grace_epochs: int = 2  # ASHA: every trial trains at least this many epochs
    reduction_factor: int = 3  # ASHA: keep about 1 in this many trials at each rung

    def __post_init__(self) -> None:
        if self.type not in SCHEDULERS:
            raise ValueError(f"type must be one of {', '.join(SCHEDULERS)}, got {self.type!r}")
        if self.grace_epochs < 1 or self.reduction_factor < 2:
            raise ValueError("grace_epochs must be at least 1 and reduction_factor at least 2")


@dataclass(frozen=True)
class BoardBudget:
    """The model's share of the board: trials whose model would not fit are rejected before training, and so are
    those slower than ``max_inference_ms`` (estimated time per inference, the model alone; None: any time).

    Why a time budget: the board infers at most once per inference's time, whatever ``latency_ms`` says, so a model
    slower than the interval it is meant to run at is tuned on the PC for results the board never delivers."""

    flash_kb: float = DEFAULT_MODEL_FLASH_KB
    ram_kb: float = DEFAULT_ARENA_RAM_KB
    accelerator: str = "mvp"
    max_inference_ms: float | None = None

    def __post_init__(self) -> None:
        if not self.flash_kb > 0 or not self.ram_kb > 0:
            raise ValueError("flash_kb and ram_kb must be positive")
        if self.max_inference_ms is not None and not 0 < self.max_inference_ms < math.inf:
            raise ValueError(f"max_inference_ms must be a positive number of milliseconds, got {self.max_inference_ms}")
        if self.accelerator not in ("mvp", "none"):
            raise ValueError(f"accelerator must be 'mvp' or 'none', got {self.accelerator!r}")


@dataclass(frozen=True)
class ResourceSettings:
    cpus_per_trial: float = 1.0  # Ray CPUs each trial reserves
    feature_workers: int = 1  # kws train --workers inside a trial
    # each trial's spectrograms as Ray tasks on the sweep's cluster (kws train --features-on-ray) instead of
    # feature_workers processes beside the trial; the trials then leave one cluster CPU free for the tasks
    ray_features: bool = False

    def __post_init__(self) -> None:
        if not self.cpus_per_trial > 0 or self.feature_workers < 1:
            raise ValueError("cpus_per_trial must be positive and feature_workers at least 1")


@dataclass(frozen=True)
class RunSettings:
    """The top-level settings of every trial's ``kws train``."""

    epochs: int = 30
    seed: int = 0
    keywords: tuple[str, ...] | None = None
    evaluate_test: bool = True  # figures on the test split (reported, never used to choose)

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {self.epochs}")
        if self.seed < 0:  # Tune's sampler (numpy) and kws stream make take no negative seed
            raise ValueError(f"seed must be 0 or more, got {self.seed}")
        if self.keywords is not None and not self.keywords:
            raise ValueError("keywords must name at least one word")


@dataclass(frozen=True)
class DatasetEntry:
    """A dataset folder (absolute) and how strongly its training clips count, as ``kws train --dataset``."""

    folder: Path
    weight: float = 1.0

    @property
    def argument(self) -> str:
        """The ``--dataset`` value: ``DIR`` or ``DIR:WEIGHT`` (the weight in full, as every writer of it gives it)."""
        return dataset_option_value(self.folder, self.weight)


@dataclass(frozen=True)
class SweepFile:
    """A parsed, checked sweep file; paths are absolute."""

    name: str
    source: Path
    datasets: tuple[DatasetEntry, ...]
    specs: tuple[str, ...]  # shipped names or absolute .toml paths (kws train --spec)
    run: RunSettings
    fixed: dict[str, Any] = field(default_factory=dict)
    search: tuple[Dimension, ...] = ()
    objective: ObjectiveSettings = ObjectiveSettings()
    budget: BudgetSettings = BudgetSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    board: BoardBudget = BoardBudget()
    resources: ResourceSettings = ResourceSettings()
    table: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)  # the file as read

    def dimensions(self) -> tuple[Dimension, ...]:
        """The search dimensions, with the choice among specs first when there are several."""
        if len(self.specs) > 1:
            return (Dimension(SPEC_DIMENSION, "choice", self.specs), *self.search)
        return self.search


def _text_list(table: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise SettingsError(f"{where}: {key!r} must be a list of names, e.g. {key} = [\"...\"]")
    return value


def _split_weight(text: str) -> tuple[str, float]:
    """``DIR`` or ``DIR:WEIGHT`` as (DIR, weight); a Windows drive letter is not mistaken for a weight."""
    head, sep, tail = text.rpartition(WEIGHT_SEPARATOR)
    if sep and len(head) > 1:
        try:
            return head, float(tail)
        except ValueError:
            pass
    return text, 1.0


def _dataset(text: str, base: Path, where: str) -> DatasetEntry:
    """``DIR`` or ``DIR:WEIGHT``, DIR relative to ``base``."""
    folder, weight = _split_weight(text)
    if not weight > 0:
        raise SettingsError(f"{where}: the weight of dataset {folder!r} must be positive, not "
                            f"{text.rpartition(WEIGHT_SEPARATOR)[2]}")
    path = (base / Path(folder).expanduser()).resolve()
    if not path.exists():
        raise SettingsError(_missing_dataset(where, path, folder, base))
    if not path.is_dir():
        raise SettingsError(f"{where}: the dataset {path} is not a folder")
    return DatasetEntry(path, weight)


def _is_bundled(folder: Path) -> bool:
    """True for a folder inside the workbench's own resources (the example sweep files: read-only when installed)."""
    from workbench.assets import resources_root

    try:
        return folder.resolve().is_relative_to(resources_root().resolve())
    except FileNotFoundError:
        return False


def _missing_dataset(where: str, path: Path, folder: str, base: Path) -> str:
    """The sentence for a dataset folder that is not there: which key to edit, and how a relative path is read.

    Why so explicit: the shipped example names a folder beside the source repository, which an installed
    app does not have; the bare "does not exist" left the user guessing where the odd path came from.
    """
    remedy = ("copy this example sweep file somewhere of yours and set datasets in the copy to your dataset folder"
              if _is_bundled(base) else f"set datasets in {where} to your dataset folder")
    relative = "" if Path(folder).expanduser().is_absolute() else \
        f" ({folder!r} is relative, and a relative path is read beside the sweep file)"
    return f"{where}: the dataset folder {path} does not exist: {remedy}{relative}"


def _spec_name(text: str, base: Path, where: str) -> tuple[str, list[dict[str, Any]]]:
    """The spec as kws train takes it, and its resolved ``[[layers]]`` (for checking layer paths)."""
    candidate = base / Path(text).expanduser()
    name = str(candidate.resolve()) if candidate.suffix == ".toml" or candidate.is_file() else text
    try:
        table, _ = load_spec_table(name)
    except SettingsError as exc:
        raise SettingsError(f"{where}: spec {text!r}: {exc}") from None
    return name, list(table.get("layers") or [])


def _settings(cls: type, table: Any, where: str) -> Any:
    if table is not None and not isinstance(table, Mapping):
        raise SettingsError(f"{where} must be a table")
    return build_settings(cls, table, where)


def load_sweep(path: str | Path) -> SweepFile:
    """Parse and check a sweep file (specs are loaded and every path checked against them)."""
    source = Path(path).expanduser().resolve()
    table = read_toml_table(source, SWEEP_FILE_KIND)
    where = source.name
    unknown = sorted(set(table) - set(_TOP_LEVEL))
    if unknown:
        raise SettingsError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_TOP_LEVEL)})")
    if "datasets" not in table:
        raise SettingsError(f"{where}: no dataset: add datasets = [\"FOLDER\"] (one folder per word)")
    base = source.parent
    datasets = tuple(_dataset(t, base, where) for t in _text_list(table, "datasets", where))
    specs_and_layers = [_spec_name(t, base, where) for t in _text_list(table, "specs", where)] \
        if "specs" in table else [_spec_name("tflite_micro_speech", base, where)]
    run = _run_settings(table, where)
    fixed = _paths(table.get("fixed"), f"{where}: [fixed]", leaf=lambda p, v: path_depth_reached(p))
    search_table = _paths(table.get("search"), f"{where}: [search]",
                          leaf=lambda p, v: path_depth_reached(p) or _looks_like_distribution(v))
    search = tuple(parse_dimension(p, v, f"{where}: [search]") for p, v in search_table.items())
    for name, layers in specs_and_layers:
        for p in (*fixed, *search_table):
            check_path(p, layers, f"{where} (spec {Path(name).stem})")
    both = sorted(set(fixed) & set(search_table))
    if both:
        raise SettingsError(f"{where}: {both[0]!r} is both [fixed] and [search]: keep one")
    sweep = SweepFile(
        name=str(table.get("name") or source.stem), source=source, datasets=datasets,
        specs=tuple(n for n, _ in specs_and_layers), run=run, fixed=fixed, search=search,
        objective=_settings(ObjectiveSettings, table.get("objective"), f"{where}: [objective]"),
        budget=_settings(BudgetSettings, table.get("budget"), f"{where}: [budget]"),
        scheduler=_settings(SchedulerSettings, table.get("scheduler"), f"{where}: [scheduler]"),
        board=_settings(BoardBudget, table.get("board"), f"{where}: [board]"),
        resources=_settings(ResourceSettings, table.get("resources"), f"{where}: [resources]"), table=table)
    sweep = _fit_grace(sweep, table.get("scheduler"), where)
    check_trial_specs(sweep)
    return sweep


def _run_settings(table: Mapping[str, Any], where: str) -> RunSettings:
    """The top-level keys of every trial's ``kws train``; a bad value reads "FILE: epochs must ...".

    Why not :func:`build_settings` as for the tables: it names a value ``WHERE.KEY``, right for
    "[budget].trials" but not for a top-level key ("sweep.toml.epochs")."""
    hints = typing.get_type_hints(RunSettings)
    values = {key: coerce(table[key], hints[key], f"{where}: {key}") for key in _RUN_KEYS if key in table}
    try:
        return RunSettings(**values)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{where}: {exc}") from None


def _fit_grace(sweep: SweepFile, scheduler_table: Any, where: str) -> SweepFile:
    """ASHA's grace period within the trials' epochs: the default one shrinks to ``epochs`` (a quick
    one-epoch sweep needs no [scheduler] table), a grace_epochs the file gives is an error naming the fix."""
    scheduler, epochs = sweep.scheduler, sweep.run.epochs
    if scheduler.type != "asha" or scheduler.grace_epochs <= epochs:
        return sweep
    if GRACE_KEY not in (scheduler_table or {}):
        return dataclasses.replace(sweep, scheduler=dataclasses.replace(scheduler, grace_epochs=epochs))
    raise SettingsError(f"{where}: [scheduler] grace_epochs ({scheduler.grace_epochs}) is more than epochs "
                        f"({epochs}): lower grace_epochs or raise epochs")


def _looks_like_distribution(value: Any) -> bool:
    return isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in DISTRIBUTIONS


def _paths(table: Any, where: str, leaf: Any) -> dict[str, Any]:
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise SettingsError(f"{where} must be a table of \"SECTION.SETTING\" = value")
    return flatten_paths(table, leaf)


def portable_table(sweep: SweepFile) -> dict[str, Any]:
    """The sweep file's table with its dataset folders and spec files as absolute paths and its name written out.

    Why: both kinds of path are relative to the sweep file's folder, and a sweep without ``name`` is named
    after its file, so a copy in another folder (``kws sweep``'s ``OUT/sweep.toml``) would name other
    folders, or none, and another sweep. This table means the same sweep wherever it is written.
    """
    table = {"name": sweep.name} | {key: value for key, value in sweep.table.items() if key != "name"}
    table["datasets"] = [_dataset_text(entry) for entry in sweep.datasets]
    table["specs"] = list(sweep.specs)  # absolute .toml paths, or shipped names (the same from anywhere)
    return table


def _dataset_text(entry: DatasetEntry) -> str:
    """``DIR`` or ``DIR:WEIGHT`` that reads back as ``entry``: the weight is written when it is not 1, and also
    when the folder's own name ends in what would read as one (a folder "takes:2")."""
    folder = str(entry.folder)
    if entry.weight == 1.0 and _split_weight(folder) == (folder, 1.0):
        return folder
    return f"{folder}{WEIGHT_SEPARATOR}{entry.weight!r}"
