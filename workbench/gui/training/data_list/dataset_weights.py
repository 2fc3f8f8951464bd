"""The Data list's folders with their weights, written as ``kws train --dataset DIR[:WEIGHT]`` reads them.

Why a module of its own, without Qt: a (folder, weight) pair travels through the command line, the remembered
session (QSettings) and a run's ``run.json`` (read by :mod:`run_folder_state`, which has no widgets); one place
says how each of them writes a weight.

How ``--dataset`` is written (when a folder carries its weight, and how a weight is spelt) is
:mod:`workbench.datasets.dataset_option`'s, shared with the training run and the sweeps; its reader is
``DatasetArg.parse`` in the training package, which the GUI may not import.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

from workbench.core.errors import SettingsError
from workbench.datasets.dataset_option import DEFAULT_WEIGHT, dataset_option_value, weight_text
FOLDERS_KEY, WEIGHTS_KEY = "datasets", "dataset_weights"  # the remembered session's two lists (after a prefix)


class SettingsStore(Protocol):
    """Where the session is remembered (a ``QSettings``; this module imports no Qt)."""

    def value(self, key: str) -> Any: ...

    def setValue(self, key: str, value: Any) -> None: ...  # noqa: N802 (Qt API)


@dataclass(frozen=True)
class DatasetFolder:
    """A dataset folder to train on and how much its training clips count (``kws train --dataset DIR:WEIGHT``)."""

    path: Path
    weight: float = DEFAULT_WEIGHT


def is_weight(value: Any) -> bool:
    """Whether ``value`` is a weight ``kws train`` takes: a positive, finite number (a bool is no number)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and value > 0)


def dataset_argument(folder: DatasetFolder) -> str:
    """The value of ``--dataset`` for ``folder`` (:mod:`workbench.datasets.dataset_option` says when it carries
    its weight)."""
    return dataset_option_value(folder.path, folder.weight)


def dataset_arguments(folders: Iterable[DatasetFolder]) -> list[str]:
    """``--dataset DIR[:WEIGHT]`` for each folder; SettingsError (one sentence) for a weight ``kws train`` refuses.

    Why refused here: the child would refuse it only after the window said "Starting", and in its command line's
    terms; the form says it before anything starts, and what to do instead.
    """
    arguments: list[str] = []
    for folder in folders:
        if not is_weight(folder.weight):
            raise SettingsError(f"The weight of dataset {folder.path} must be a positive number, not "
                                f"{weight_text(folder.weight)}: to train without it, remove it from the Data list.")
        arguments += ["--dataset", dataset_argument(folder)]
    return arguments


def _as_list(value: Any) -> list[Any]:
    """A list QSettings gave back: a one-item list comes back from an INI file as its item, an empty one as None."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _stored_weight(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return DEFAULT_WEIGHT  # a hand-edited settings file: the folder stays, counted as it is


def recalled_folders(store: SettingsStore, prefix: str) -> list[DatasetFolder]:
    """The folders and weights :func:`remember_folders` stored under ``prefix``.

    Why a weight that cannot be read is 1 and a missing list is all 1: the folders were remembered before their
    weights were (an earlier version), and losing the list for a damaged weight would lose more than it saves.
    A weight that reads but ``kws train`` refuses (0) is kept: the form says so before a run starts.
    """
    folders = [str(path) for path in _as_list(store.value(prefix + FOLDERS_KEY)) if str(path)]
    given = _as_list(store.value(prefix + WEIGHTS_KEY))
    numbers = [_stored_weight(w) for w in given] if len(given) == len(folders) else [DEFAULT_WEIGHT] * len(folders)
    return [DatasetFolder(Path(path), weight) for path, weight in zip(folders, numbers)]


def remember_folders(store: SettingsStore, prefix: str, folders: Sequence[DatasetFolder]) -> None:
    """Store the folders' paths and their weights' texts under ``prefix``: two lists in the same order (the paths'
    list is the one an earlier version stored and reads)."""
    store.setValue(prefix + FOLDERS_KEY, [str(folder.path) for folder in folders])
    store.setValue(prefix + WEIGHTS_KEY, [weight_text(folder.weight) for folder in folders])
