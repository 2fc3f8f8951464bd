"""Checks before Ray starts: the output folder, and that the datasets can feed every spec of the sweep.

Why before: a sweep of fifty trials that fails in each trial for the same missing keyword folder
wastes the cluster and buries the one sentence the user needs. The datasets are scanned (headers
not read: the trials do that) and planned with each spec's data rules exactly as ``kws train`` plans
them, so "the validation split has no samples of yes" appears once, here.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.core.atomic_write import atomic_write_text, create_folder
from workbench.core.errors import WorkbenchError
from workbench.datasets.layout import merge_datasets, scan_dataset
from workbench.sweeps.definition.sweep_file import SweepFile, portable_table
from workbench.sweeps.definition.trial_spec import trial_spec
from workbench.training.data.sample_plan import make_plan
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
COPY_HEADER = ("# The sweep of {source}, written by kws sweep with its dataset folders and spec files as\n"
               "# absolute paths (and its name), so that kws sweep repeats it from any folder; the comments are\n"
               "# in the original.\n\n")


def prepare_out_folder(out: Path, sweep: SweepFile) -> None:
    """Create ``out`` and write the sweep file into it (:func:`sweep_copy_text`); refuse a folder that already
    holds a sweep (results or trial folders; a folder left by a sweep that never started a trial, e.g. Ray
    was unreachable, is reused)."""
    if out.exists() and not out.is_dir():
        raise WorkbenchError(f"{out} is a file, not an output folder.")
    trials = out / TRIALS_DIR
    if (out / RESULTS_MARK).exists() or (trials.is_dir() and any(p.is_dir() for p in trials.iterdir())):
        raise WorkbenchError(f"{out} already holds a sweep: choose another --out folder.")
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


def check_datasets(sweep: SweepFile) -> DataSettings:
    """Plan each spec's samples from the datasets (WorkbenchError naming what is missing).

    Returns the first spec's data settings (the frr objective's stream uses its keywords and split rule).
    """
    first: DataSettings | None = None
    for spec_name in sweep.specs:
        spec = trial_spec(sweep, spec_name, {})
        data = spec.data
        first = first or data
        indexes = [scan_dataset(d.folder, validation_percent=data.validation_percent,
                                testing_percent=data.testing_percent, check_audio=False,
                                split_method=data.split_method) for d in sweep.datasets]
        try:
            make_plan(merge_datasets(indexes), data, spec.training.seed)
        except WorkbenchError as exc:
            raise WorkbenchError(f"{sweep.source.name} (spec {Path(spec_name).stem}): {exc}") from None
    assert first is not None  # a sweep has at least one spec
    return first
