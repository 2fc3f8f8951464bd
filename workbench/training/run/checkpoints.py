"""The checkpoint folder of a run: the latest model (with optimizer state), the best weights, the state.

Why a pair of files per checkpoint plus a state file that names them: a run can be killed at any
instant, and the disk can fill. Each checkpoint file is serialised in memory and written atomically
(:mod:`.keras_files`), and ``state.json`` -- written last, also atomically -- names the files it
belongs to; older files are deleted only after that. So ``--resume`` always finds a state and the
exact checkpoint it describes, and a checkpoint that cannot be written leaves the previous one as it was.
A run's checkpoints are written under its hold of the output folder (:class:`~workbench.core.folder_lock.FolderHold`):
into a folder deleted or replaced while the run went on, none is written and no folder is made again.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.core.atomic_write import atomic_write_bytes, atomic_write_text, remove_quietly
from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import FolderHold
from workbench.training.model.keras_builder import keras
from workbench.training.model.weights_import import weight_key
from workbench.training.run.keras_files import archive_weights, keras_archive
from workbench.run_folder_layout import CHECKPOINTS_DIR, STATE_FILE
from workbench.training.run.output_folder import CheckpointWriteError
from workbench.training.run.training_state import TrainingState

IMPORTED_FILE = "imported-weights.npz"  # which weight entries came from init_from (kept by frozen_layers)
LAST_PATTERN = "last-{epoch:04d}.keras"
BEST_PATTERN = "best-{epoch:04d}.weights.h5"


@dataclass
class CheckpointFiles:
    last: str | None = None
    best: str | None = None


class Checkpoints:
    """Saving and restoring a run's model, optimizer and :class:`TrainingState` under ``folder``; ``hold``: the
    run's hold of the output folder ``folder`` is in (None: none, nothing is checked)."""

    def __init__(self, folder: Path, hold: FolderHold | None = None) -> None:
        self.folder = folder
        self.dir = folder / CHECKPOINTS_DIR
        self.state_path = folder / STATE_FILE
        self._hold = hold if hold is not None else FolderHold()

    def exists(self) -> bool:
        return self.state_path.is_file()

    def save(self, model: keras.Model, state: TrainingState, is_best: bool) -> None:
        """Write the epoch's checkpoint (and best weights when ``is_best``), then the state.

        Raises :class:`CheckpointWriteError` (one sentence naming the file) when a file cannot be
        written; the files of this epoch are then removed and the state still names the previous ones.
        """
        files = self.files()
        last = LAST_PATTERN.format(epoch=state.epochs_done)
        best = files.best
        if is_best or best is None:
            best = BEST_PATTERN.format(epoch=state.epochs_done)
        written: list[Path] = []
        with self._hold.guarding():  # (a folder gone: FolderGone, not a checkpoint to write again on --resume)
            try:
                self._hold.make_folder(self.dir)
                archive = keras_archive(model)
                written.append(atomic_write_bytes(self.dir / last, archive))
                if best != files.best:
                    written.append(atomic_write_bytes(self.dir / best, archive_weights(archive)))
                payload = json.loads(state.to_json())
                payload["files"] = {"last": last, "best": best}
                atomic_write_text(self.state_path, json.dumps(payload, indent=1))
            except WorkbenchError as exc:
                for path in written:
                    if path.name not in (files.last, files.best):  # never the files the state still names
                        remove_quietly(path)
                raise CheckpointWriteError(str(exc)) from None
        keep = {last, best}
        for path in self.dir.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)

    def files(self) -> CheckpointFiles:
        if not self.state_path.is_file():
            return CheckpointFiles()
        files = json.loads(self.state_path.read_text(encoding="utf-8")).get("files", {})
        return CheckpointFiles(files.get("last"), files.get("best"))

    def save_imported(self, masks: dict[str, np.ndarray]) -> None:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **{name.replace("/", "|"): mask for name, mask in masks.items()})
        self._hold.make_folder(self.folder)
        with self._hold.guarding():
            atomic_write_bytes(self.folder / IMPORTED_FILE, buffer.getvalue())

    def load_imported(self) -> dict[str, np.ndarray]:
        path = self.folder / IMPORTED_FILE
        if not path.is_file():
            return {}
        with np.load(path) as data:
            return {weight_key(name.replace("|", "/")): data[name] for name in data.files}

    def load_state(self) -> TrainingState:
        return TrainingState.from_json(self.state_path.read_text(encoding="utf-8"))

    def load_last(self) -> keras.Model:
        files = self.files()
        if files.last is None:
            raise FileNotFoundError(self.dir / "last-*.keras")
        return keras.models.load_model(self.dir / files.last)

    def load_best_into(self, model: keras.Model) -> None:
        files = self.files()
        if files.best is not None:
            model.load_weights(self.dir / files.best)
