"""What an output folder holds, read for the Training workspace: nothing, a stopped run or a finished one.

Why the workspace reads the folder itself: a run is not always one this window started -- a colleague's
run copied over, ``kws train`` on the command line, a run of an earlier session. The folder is the
single source of truth (``kws train``'s layout: ``workbench/training/run/output_folder.py``): a finished
run has ``summary.json`` and the model it names (written last), a stopped run has ``run.json`` without
``summary.json`` and continues with Resume. The GUI never imports the training package (an
import-linter contract): the names of that layout come from :mod:`workbench.run_folder_layout`, as training's do.

Why :class:`RunFolderState` always carries one sentence (``note``) instead of raising: the folder is read
while the user types its path; a half-copied or damaged run must say what is wrong, never stop the window.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from workbench.core.errors import SettingsError, WorkbenchError
from workbench.core.wording import counted
from workbench.gui.training.data_list.dataset_weights import DEFAULT_WEIGHT, DatasetFolder, is_weight
from workbench.spec_files import is_spec_file, read_table, table_keywords
from workbench.run_folder_layout import (HISTORY_FILE, LOG_FILE, RESUME_HINT_END, RESUME_HINT_START, RUN_FILE,
                                         RUN_KEYWORDS_KEY, RUN_SETTINGS_KEY, RUN_SPEC_KEY, SPEC_FILE, STATE_FILE,
                                         SUMMARY_FILE, SUMMARY_MODEL_KEY, TRAIN_DIR, read_json_object)

BEST_EPOCH_KEY = "best_epoch"
WINDOW_RESUME_HINT = "Resume continues it."  # in place of the log's command line (see run_log)
RUN_SEED_KEY, RUN_INIT_KEY = "seed", "init_from"  # run.json: its --seed and --init-from (null: the spec's)
# run.json: its --dataset folders and their weights, [{"path": ..., "weight": 0.5}, ...]
RUN_DATASETS_KEY, DATASET_PATH_KEY, DATASET_WEIGHT_KEY = "datasets", "path", "weight"
MAX_EPOCHS = 1_000_000  # more than any run trains: a larger epoch number is a damaged file
SPEC_NAME_KEY = "name"  # spec.toml: the spec's (and the model's) name


class RunKind(Enum):
    """What the folder holds, as far as the workspace is concerned."""

    NEW = "new"  # no run (or no folder yet): Train starts one
    STOPPED = "stopped"  # run.json without summary.json: Resume continues it
    FINISHED = "finished"  # summary.json and its model: the report and "Use this model"
    DAMAGED = "damaged"  # summary.json unreadable, or its model missing: a sentence says what


@dataclass(frozen=True)
class RunFolderState:
    """One reading of an output folder; ``note`` is the sentence for the status line ("" for a new run)."""

    kind: RunKind
    folder: Path | None = None
    summary: dict[str, Any] | None = None  # the finished run's summary.json (also kept when the model is missing)
    model_path: Path | None = None  # only when the model file is there
    history: list[dict[str, float]] = field(default_factory=list)  # training-history.json, [] when absent
    best_epoch: int = 0  # 0: unknown
    note: str = ""

    def curve_events(self) -> list[dict[str, Any]]:
        """The history as ``kws train`` epoch events, the last one marking the best epoch (for the curves)."""
        events: list[dict[str, Any]] = [dict(row) for row in self.history]
        if events and self.best_epoch:
            events[-1][BEST_EPOCH_KEY] = self.best_epoch
        return events


@dataclass(frozen=True)
class RunSpec:
    """The spec, keywords and changed settings a run trained with, for the form: Train again (elsewhere) repeats
    the run.

    ``spec`` is what ``kws train --spec`` takes: the shipped name the run used, else the run's own resolved
    ``spec.toml`` (the file it was started with may have changed, moved, or been named relative to another
    working folder); ``label`` is how the spec list shows that file. ``keywords`` None: the spec's own.
    ``settings``: the run's ``kws train --set`` values ({path: value}, as run.json holds them; {} for none), for a
    shipped spec; {} when ``spec`` is the run's own ``spec.toml``, which already holds them (the settings dialog
    would show them as the spec's own values while the form said they were changed). ``seed`` and ``init_from``:
    its ``--seed`` and ``--init-from``, None for the spec's own. ``datasets``: its dataset folders with their
    weights, as run.json holds them (absolute).
    """

    spec: str
    label: str | None
    keywords: list[str] | None
    settings: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    init_from: str | None = None
    datasets: list[DatasetFolder] = field(default_factory=list)


def run_spec(folder: Path | None) -> RunSpec | None:
    """What the run in ``folder`` trained with (from ``run.json`` and ``spec.toml``); None when unreadable."""
    if folder is None:
        return None
    run = _json_object(folder / RUN_FILE)
    resolved = folder / SPEC_FILE
    table = _spec_table(resolved) if resolved.is_file() else None
    started_with = run.get(RUN_SPEC_KEY) if run is not None else None
    if isinstance(started_with, str) and started_with and not is_spec_file(started_with):
        spec, label = started_with, None
    elif resolved.is_file():
        name = table.get(SPEC_NAME_KEY) if table is not None else None
        spec, label = str(resolved), f"{name} ({folder.name}/{SPEC_FILE})" if isinstance(name, str) and name else None
    elif isinstance(started_with, str) and started_with:  # a run copied without its spec.toml
        spec, label = started_with, None
    else:
        return None
    keywords = _keywords(table)
    if keywords is None and run is not None:
        given = run.get(RUN_KEYWORDS_KEY)
        keywords = list(given) if isinstance(given, list) and given and all(isinstance(k, str) for k in given) \
            else None
    own_file = spec == str(resolved)  # the run's spec.toml already holds its --set changes, as its keywords
    seed = run.get(RUN_SEED_KEY) if run is not None else None
    init_from = run.get(RUN_INIT_KEY) if run is not None else None
    return RunSpec(spec, label, keywords, {} if own_file else _settings(run),
                   seed if isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0 else None,
                   init_from if isinstance(init_from, str) and init_from else None, _datasets(run))


def _datasets(run: dict[str, Any] | None) -> list[DatasetFolder]:
    """run.json's dataset folders and their weights; [] when the record has none or is malformed (the form keeps
    its own): a folder shown without its weight would be trained again as it was not. A folder without a weight
    counts 1, as ``kws train --resume`` reads it."""
    given = run.get(RUN_DATASETS_KEY) if run is not None else None
    if not isinstance(given, list):
        return []
    folders = [_dataset(entry) for entry in given]
    return [folder for folder in folders if folder is not None] if None not in folders else []


def _dataset(entry: Any) -> DatasetFolder | None:
    """One entry of run.json's datasets, None when malformed (no path, or a weight kws train would refuse)."""
    path = entry.get(DATASET_PATH_KEY) if isinstance(entry, dict) else None
    weight = entry.get(DATASET_WEIGHT_KEY, DEFAULT_WEIGHT) if isinstance(entry, dict) else None
    if not isinstance(path, str) or not path or not is_weight(weight):
        return None
    return DatasetFolder(Path(path), float(weight))


def _settings(run: dict[str, Any] | None) -> dict[str, Any]:
    """run.json's changed settings; {} when there are none or the record is malformed (the form then shows the
    spec's own settings, and a run's own spec.toml holds the changes anyway)."""
    settings = run.get(RUN_SETTINGS_KEY) if run is not None else None
    if not isinstance(settings, dict) or not all(isinstance(path, str) and path for path in settings):
        return {}
    return dict(settings)


def _json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in the run's file ``path``, read as ``kws evaluate`` reads it; None where that says why not
    (missing, damaged, no object): the window then does without it (the form keeps its own choices)."""
    try:
        return read_json_object(path)
    except WorkbenchError:
        return None


def _spec_table(path: Path) -> dict[str, Any] | None:
    """A run's ``spec.toml`` (resolved when the run started: no ``extends``), None when it cannot be read."""
    try:
        return read_table(path)
    except SettingsError:
        return None


def _keywords(table: dict[str, Any] | None) -> list[str] | None:
    """The keywords of a run's spec table, None when there is none or they are malformed."""
    try:
        return list(table_keywords(table, SPEC_FILE)) if table is not None else None
    except SettingsError:
        return None


def inspect_run_folder(folder: Path | None) -> RunFolderState:
    """Read ``folder`` as ``kws train`` leaves it; never raises (damage is described in ``note``)."""
    if folder is None or not folder.is_dir():
        return RunFolderState(RunKind.NEW, folder)
    if (folder / SUMMARY_FILE).exists():
        return _finished(folder)
    if (folder / RUN_FILE).exists():
        history, history_note = _history(folder)
        trained = f" ({_epochs(len(history))} trained)" if history else ""
        note = f"{folder.name} holds a stopped run{trained}: Resume continues it{history_note}."
        return RunFolderState(RunKind.STOPPED, folder, history=history, best_epoch=_state_best_epoch(folder),
                              note=note)
    return RunFolderState(RunKind.NEW, folder)


def run_log(folder: Path | None) -> str:
    """The run's ``train/log.txt`` (every session of it), "" when there is none or it cannot be read: the Log
    tab of a run this window did not start. A stopped session's "Continue with: kws train --out … --resume"
    reads as the window's Resume."""
    if folder is None:
        return ""
    try:
        text = (folder / TRAIN_DIR / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(_in_window_terms(line) for line in text.split("\n"))


def _in_window_terms(line: str) -> str:
    start = line.find(RESUME_HINT_START)
    if start < 0 or not line.rstrip().endswith(RESUME_HINT_END):
        return line
    return line[:start] + WINDOW_RESUME_HINT


def _finished(folder: Path) -> RunFolderState:
    summary_path = folder / SUMMARY_FILE
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not text"
        return RunFolderState(RunKind.DAMAGED, folder, note=f"Cannot read {summary_path} ({reason}).")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than any summary (a damaged file)
        return RunFolderState(RunKind.DAMAGED, folder, note=f"{summary_path} is not a run summary (not valid "
                                                            "JSON): the run cannot be shown.")
    model_name = summary.get(SUMMARY_MODEL_KEY) if isinstance(summary, dict) else None
    if not isinstance(model_name, str) or not model_name or Path(model_name).name != model_name:
        return RunFolderState(RunKind.DAMAGED, folder, note=f"{summary_path} names no model file: it is not "
                                                            "the summary of a finished run.")
    history, history_note = _history(folder)
    best_epoch = _whole_number(summary.get(BEST_EPOCH_KEY))
    model_path = folder / model_name
    if not model_path.is_file():
        return RunFolderState(RunKind.DAMAGED, folder, summary, None, history, best_epoch,
                              note=f"The finished run in {folder.name} has no model file {model_name}: copy the "
                                   "whole run folder, or train again.")
    return RunFolderState(RunKind.FINISHED, folder, summary, model_path, history, best_epoch,
                          note=f"Finished run in {folder.name}: its report is in the Evaluation tab{history_note}.")


def _history(folder: Path) -> tuple[list[dict[str, float]], str]:
    """The epochs of ``train/training-history.json``, and a clause ("; its training curves …") when unreadable.

    Why a damaged history is only a clause: the curves are a view of the run, the model and report stand alone.
    """
    path = folder / TRAIN_DIR / HISTORY_FILE
    if not path.exists():
        return [], ""
    unreadable = f"; its training curves are unreadable ({HISTORY_FILE} is damaged)"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return [], unreadable
    if not isinstance(rows, list) or not all(_is_epoch_row(row) for row in rows):
        return [], unreadable
    return rows, ""


def _is_epoch_row(row: Any) -> bool:
    return (isinstance(row, dict) and _whole_number(row.get("epoch")) > 0
            and all(value is None or _is_number(value) for value in row.values()))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _whole_number(value: Any) -> int:
    """``value`` as a whole number of epochs (JSON may write 2.0), else 0 -- also for an absurd one (a
    400-digit integer of a damaged file), which would overflow a float."""
    if not _is_number(value) or (isinstance(value, float) and not (math.isfinite(value) and value.is_integer())):
        return 0
    return int(value) if 0 < value <= MAX_EPOCHS else 0


def _state_best_epoch(folder: Path) -> int:
    """The best epoch so far of a stopped single-model run (``train/state.json``); 0 when not known."""
    state = _json_object(folder / TRAIN_DIR / STATE_FILE)
    return _whole_number(state.get(BEST_EPOCH_KEY)) if state is not None else 0


def _epochs(count: int) -> str:
    return counted(count, "epoch")


def stopped_sentence(folder: Path | None) -> str:
    """What a run stopped by Cancel left in ``folder``, in the window's terms (Resume, not ``--resume``).

    Why from the folder, not from the child's last words: those name the command line ("Continue with: kws train
    … --resume", "signal SIGTERM"), and a child stopped while TensorFlow loaded says nothing at all.
    """
    state = inspect_run_folder(folder)
    if state.kind is RunKind.STOPPED and state.history:
        best = f" (epoch {state.best_epoch})" if state.best_epoch else ""
        return (f"Stopped after {_epochs(len(state.history))}: the best checkpoint{best} is kept; Resume continues "
                "the run.")
    if state.kind is RunKind.STOPPED:
        return "Stopped before the first epoch finished: nothing was trained yet; Resume starts the run again."
    return "Stopped before the training began: nothing was trained."


def first_missing_folder(folder: Path) -> Path | None:
    """The outermost folder of ``folder``'s path that does not exist yet (``folder`` itself, or one above it):
    what starting a run there creates. None when ``folder`` exists."""
    missing = None
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def remove_empty_folders(folder: Path, created: Path) -> None:
    """Remove ``folder`` and the folders above it up to ``created`` while they are empty: what a run that
    never started left (the stop file's folder of an early Cancel), as ``kws train`` removes the folders of a
    failed start. A folder holding anything stays."""
    if folder != created and created not in folder.parents:
        return
    for candidate in (folder, *folder.parents):
        try:
            candidate.rmdir()  # only an empty folder
        except OSError:
            return
        if candidate == created:
            return
