"""Checks before Ray starts: the output folder, that the datasets can feed every spec of the sweep (with every
searched data value), that no trial's keywords are ones its starting model would keep from learning, and that some
model of the search space fits the board.

Why before: a sweep of fifty trials that fails in each trial for the same missing keyword folder
wastes the cluster and buries the one sentence the user needs. The datasets are scanned (headers
not read: the trials do that) and planned with each spec's data rules exactly as ``kws train`` plans
them, so "the validation split has no samples of yes" appears once, here. So does ``kws train``'s refusal of a run
whose outputs, imported by position from the model it starts from, would never learn its keywords (the default
recipe with other keywords than yes and no: :func:`~workbench.training.spec.init_classes.check_init_classes`,
which reads only that model's parameters). The same holds for a board budget that no model of the search space
meets: every trial would be rejected, so it is refused here.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

from workbench.core.atomic_write import atomic_write_text, create_folder
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.core.folder_lock import FolderHold, hold_output_folder
from workbench.datasets.layout import DatasetIndex, merge_datasets, scan_dataset
from workbench.sweeps.budget.budget_check import estimate_problem, overshoot
from workbench.sweeps.budget.spec_graph import SpecEstimate, estimate_spec
from workbench.sweeps.definition.sweep_file import SweepFile, portable_table
from workbench.sweeps.definition.trial_spec import is_model_path, trial_spec
from workbench.training.data.sample_plan import make_plan
from workbench.training.spec.init_classes import check_init_classes, init_source
from workbench.training.spec.model_spec import DataSettings
from workbench.training.spec.toml_writer import dumps

SWEEP_COPY = "sweep.toml"
RESULTS_MARK = "results.json"
TRIALS_DIR = "trials"
CANCEL_MARKER = "CANCEL"  # in the trials folder: the sweep was cancelled (trials watch for it)
TRIAL_SPEC_FILE = "sweep-trial.toml"  # in a trial folder: the spec it trained
TRIAL_RECORD_FILE = "sweep-trial.json"  # in a trial folder: its record
NOT_STARTED_MESSAGE = "the sweep was cancelled before this trial started"
WRITE_ERROR_KEY = "write_error"  # in a trial's result: a file of the trial could not be written (a full disk)
DATA_SECTION = "data."  # searched settings under it change the samples a trial plans
MAX_BUDGET_CORNERS = 256  # models estimated for the budget check (about a millisecond each); more: no check
COPY_HEADER = ("# The sweep of {source}, written by kws sweep with its dataset folders and spec files as\n"
               "# absolute paths (and its name), so that kws sweep repeats it from any folder; the comments are\n"
               "# in the original.\n\n")


def hold_out_folder(out: Path) -> FolderHold:
    """Create ``out`` and hold it for the sweep's life (release it when the sweep ends): the first step of the
    preflight, before anything is read or removed in it.

    Why: two sweeps started a second apart into one folder both passed :func:`prepare_out_folder` (neither had
    started a trial) and both "succeeded" into one folder. Held, the second is refused at once with the
    first's PID (:func:`~workbench.core.folder_lock.hold_output_folder`).
    """
    if out.exists() and not out.is_dir():
        raise WorkbenchError(f"{out} is a file, not an output folder.")
    create_folder(out, "the output folder")
    return hold_output_folder(out)


def prepare_out_folder(out: Path, sweep: SweepFile) -> None:
    """Create ``out`` and write the sweep file into it (:func:`sweep_copy_text`); refuse a folder that already
    holds a sweep (results or trial folders; a folder left by a sweep that never started a trial, e.g. Ray
    was unreachable, is reused)."""
    if out.exists() and not out.is_dir():
        raise WorkbenchError(f"{out} is a file, not an output folder.")
    trials = out / TRIALS_DIR
    if (out / RESULTS_MARK).exists() or (trials.is_dir() and any(p.is_dir() for p in trials.iterdir())):
        raise WorkbenchError(f"{out} already holds a sweep: choose another output folder.")
    create_folder(out, "the output folder")
    atomic_write_text(out / SWEEP_COPY, sweep_copy_text(sweep))


def sweep_copy_text(sweep: SweepFile) -> str:
    """The sweep file as ``OUT/sweep.toml``: the same sweep, its paths absolute, under a header naming the original.

    Why not a verbatim copy: the file's dataset folders and spec files are relative to its own folder, so a
    copy in OUT would name nothing (or other folders) when repeated with ``kws sweep OUT/sweep.toml``.
    Why the header: the copy is written from the parsed file (the standard library reads TOML but cannot edit
    it), so the original's comments stay in the original, which the header names.
    """
    try:
        body = dumps(portable_table(sweep))
    except ValueError as exc:  # a value TOML's writer here does not know (a date): the sweep file is still there
        raise WorkbenchError(f"Cannot write the sweep file's copy {SWEEP_COPY}: {exc}.") from None
    return COPY_HEADER.format(source=json.dumps(str(sweep.source), ensure_ascii=False)) + body


def _value_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _data_cases(sweep: SweepFile) -> list[dict[str, Any]]:
    """The trial values whose samples are planned: none (the spec with the fixed settings), then each searched
    value of a ``data.*`` setting on its own (a keyword the dataset lacks fails every trial that picks it); a
    dimension's ``values`` are its choices, or the two ends of its range, which bound what it can ask for."""
    cases: list[dict[str, Any]] = [{}]
    for dimension in sweep.search:
        if dimension.path.startswith(DATA_SECTION):
            cases += [{dimension.path: value} for value in dimension.values]
    return cases


def check_datasets(sweep: SweepFile) -> DataSettings:
    """Check that some model fits the board (:func:`check_budget`), then each spec, with its fixed settings and
    with every searched ``data.*`` value: that ``kws train`` would not refuse it at its start (its keywords against
    the outputs of the model it starts from) and that the datasets give it samples (WorkbenchError naming what is
    wrong, and the searched key and value that asked for it).

    Returns the first spec's data settings (the frr objective's stream uses its keywords and split rule).
    """
    check_budget(sweep)
    first: DataSettings | None = None
    scans: dict[tuple[Any, ...], list[DatasetIndex]] = {}
    for spec_name in sweep.specs:
        label = f"{sweep.source.name} (spec {Path(spec_name).stem}"
        for case in _data_cases(sweep):
            spec = trial_spec(sweep, spec_name, case)
            data = spec.data
            first = first or data
            key = (data.validation_percent, data.testing_percent, data.split_method)
            try:
                check_init_classes(init_source(spec.init_from, spec), spec)  # (a warning is the trial's to give)
                if key not in scans:  # (the scan depends on the split alone: searched keywords share it)
                    scans[key] = [scan_dataset(d.folder, validation_percent=data.validation_percent,
                                               testing_percent=data.testing_percent, check_audio=False,
                                               split_method=data.split_method) for d in sweep.datasets]
                make_plan(merge_datasets(scans[key]), data, spec.training.seed)
            except WorkbenchError as exc:
                where = "".join(f", [search] {path} = {_value_text(value)}" for path, value in case.items())
                raise WorkbenchError(f"{label}{where}): {exc}") from None
    assert first is not None  # a sweep has at least one spec
    return first


def _size(sweep: SweepFile, spec_name: str, values: dict[str, Any]) -> tuple[float, ...] | None:
    """What of a model decides its budget (MACs, parameters, arena, time), or None for values that make the spec
    invalid."""
    try:
        estimate = estimate_spec(trial_spec(sweep, spec_name, values), accelerator=sweep.board.accelerator)
    except SettingsError:
        return None
    return (estimate.macs, estimate.parameters, estimate.arena_bytes, estimate.arena_bytes_mvp, estimate.time_ms)


def _model_corners(sweep: SweepFile, spec_name: str) -> list[dict[str, Any]] | None:
    """Every combination of the bounding values of the searched settings that change the model's size (None:
    more than :data:`MAX_BUDGET_CORNERS`).

    Why the size test first: a searched dropout rate is a model setting but changes no figure, and each such
    dimension would double the corners (and crowd the error's sentence)."""
    dimensions = [d for d in sweep.search if is_model_path(d.path)
                  and len({_size(sweep, spec_name, {d.path: v}) for v in d.values}) > 1]
    if math.prod(len(d.values) for d in dimensions) > MAX_BUDGET_CORNERS:
        return None
    paths = [d.path for d in dimensions]
    return [dict(zip(paths, values)) for values in itertools.product(*(d.values for d in dimensions))]


def check_budget(sweep: SweepFile) -> None:
    """WorkbenchError when no model of the search space fits the board budget, estimated before training.

    Why: otherwise Ray starts, every trial is rejected and the sweep "succeeds" with no model. The model's
    size grows with its filters, units and classes, so the models at the corners of the searched
    architecture values bound the search space; they are estimated without training (a millisecond each).
    A search space with more corners than :data:`MAX_BUDGET_CORNERS` is left to the trials' own checks."""
    nearest: tuple[float, SpecEstimate, str, dict[str, Any]] | None = None
    for spec_name in sweep.specs:
        corners = _model_corners(sweep, spec_name)
        if corners is None:
            return
        for corner in corners:
            try:
                spec = trial_spec(sweep, spec_name, corner)
            except SettingsError:  # this combination is invalid (and so never trains): not a model of the space
                continue
            estimate = estimate_spec(spec, accelerator=sweep.board.accelerator)
            if estimate_problem(estimate, sweep.board) is None:
                return
            miss = overshoot(estimate, sweep.board)
            if nearest is None or miss < nearest[0]:
                nearest = (miss, estimate, spec_name, corner)
    if nearest is None:
        return
    _, estimate, spec_name, corner = nearest
    values = "".join(f", {path} = {_value_text(value)}" for path, value in corner.items())
    what = f"even the smallest model of the search space (spec {Path(spec_name).stem}{values}, estimated)"
    raise WorkbenchError(f"{sweep.source.name}: {estimate_problem(estimate, sweep.board, what)}.")
