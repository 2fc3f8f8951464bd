"""The output folder of ``kws train``, laid out like MLTK's model archive.

::

    OUT/<name>.tflite            int8 model with SL_PARAMSv1 (written last: its presence = finished)
    OUT/<name>.float32.tflite    float twin;  OUT/<name>.keras, OUT/<name>.h5: the Keras model
    OUT/spec.toml                the fully resolved spec, command-line options included; its first lines
                                 give the kws train command (--spec it, --dataset ...) that repeats the run
    OUT/run.json                 datasets, seed, options and versions of the run
    OUT/plan.json                samples per split and class, which clips validate (count, digest), skipped files
    OUT/summary.json             figures of the finished run (epochs, threshold, evaluation)
    OUT/train/log.txt            every session's lines (a resumed session's after a "resumed" line)
    OUT/train/training-history.json|.csv|.png, state.json, checkpoints/
    OUT/train/member-<k>/        ensemble specs: each member's state.json and checkpoints/ instead
    OUT/eval/                    evaluation on the test split (eval-results.json, plots)
    OUT/<name>.mltk.zip          with --mltk-zip: all of the above in one archive

``<name>`` is the spec's name as written ("my spec" gives ``my spec.tflite``), with only the characters
no file name may hold replaced (:func:`file_stem`); a run for other keywords than the spec's own adds them
(``tflite_micro_speech_go_stop``: :mod:`workbench.training.spec.keyword_names`). ``summary.json`` names the model
file. The names themselves live in :mod:`workbench.run_folder_layout`, which the sweeps and the GUI read them from too.

Why atomic writes everywhere: a run can be stopped (or the disk can fill) at any moment; every file
is either its previous version or complete, never half-written (:mod:`workbench.core.atomic_write`).

Why every write is guarded (:meth:`OutputFolder.writing`): a folder deleted, moved or replaced while the run went
on must stop the run with one sentence (:class:`~workbench.core.folder_lock.FolderGone`), not be made again by
the next write -- which left a ``summary.json`` naming a model that was never written, or "model written" for a
folder that was gone.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.core.atomic_write import atomic_write_bytes, atomic_write_text, create_folder
from workbench.core.errors import WorkbenchError
from workbench.core.folder_lock import FolderHold, hold_output_folder
from workbench.run_folder_layout import (CHECKPOINTS_DIR, EVAL_DIR, FLOAT_MODEL_SUFFIX, H5_SUFFIX, HISTORY_NAME,
                                         KERAS_SUFFIX, LOG_FILE, MLTK_ZIP_SUFFIX, MODEL_SUFFIX, RUN_FILE,
                                         SUMMARY_FILE, TRAIN_DIR)

HISTORY_COLUMNS = ("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr")
ZIP_EXCLUDED_DIRS = (CHECKPOINTS_DIR,)
# a model name's characters no file name may hold on Linux, macOS or Windows (separators, reserved, control)
UNSAFE_FILE_CHARACTER = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
FILE_NAME_REPLACEMENT = "_"
FILE_NAME_TRIMMED = " ."  # Windows drops them at the end; at the start "." hides the file (and the .mltk.zip skips it)
MAX_FILE_STEM_BYTES = 200  # room for the longest suffix (".float32.tflite") within the usual 255-byte limit
FALLBACK_FILE_STEM = "model"
RESUMED_SESSION_LINE = "----- resumed {when}: a new session of this run starts -----"


def file_stem(name: str) -> str:
    """The part before ``.tflite`` of the files of a model named ``name``: the name itself where it can be.

    Why not the name as is: a spec's ``name`` is free text; "my spec" or "modèle" stay as they are, but a
    "/" would put the model in another folder, ":" is refused by Windows, ".." names no file at all.
    """
    stem = UNSAFE_FILE_CHARACTER.sub(FILE_NAME_REPLACEMENT, name).strip(FILE_NAME_TRIMMED)
    while len(stem.encode("utf-8")) > MAX_FILE_STEM_BYTES:
        stem = stem[:-1]
    return stem.rstrip(FILE_NAME_TRIMMED) or FALLBACK_FILE_STEM


class CheckpointWriteError(WorkbenchError):
    """An epoch's checkpoint could not be written (a full disk, a folder gone); the previous one is intact.

    Why its own class: the epoch was trained, so the run is worth continuing once there is room --
    the pipeline keeps such a run resumable instead of forgetting it as a run that never started.
    """


class OutputFolder:
    """Paths and atomic writers for one run's folder."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = Path(root)
        self.name = name  # the model's name, as the user wrote it
        self.stem = file_stem(name)  # its files' names
        self.train_dir = self.root / TRAIN_DIR
        self.eval_dir = self.root / EVAL_DIR
        self._earlier_log = ""  # the log of the sessions before this one (a resumed run)
        self._created: Path | None = None  # the outermost folder prepare() made (all below it are new too)
        self._hold = FolderHold()  # the run's hold of its folder, from prepare() to release()

    # -- paths --------------------------------------------------------------------------------
    @property
    def model_path(self) -> Path:
        return self.root / f"{self.stem}{MODEL_SUFFIX}"

    @property
    def float_model_path(self) -> Path:
        return self.root / f"{self.stem}{FLOAT_MODEL_SUFFIX}"

    @property
    def zip_path(self) -> Path:
        return self.root / f"{self.stem}{MLTK_ZIP_SUFFIX}"

    @property
    def keras_path(self) -> Path:
        return self.root / f"{self.stem}{KERAS_SUFFIX}"

    @property
    def h5_path(self) -> Path:
        return self.root / f"{self.stem}{H5_SUFFIX}"

    @property
    def log_path(self) -> Path:
        return self.train_dir / LOG_FILE

    @property
    def run_path(self) -> Path:
        return self.root / RUN_FILE

    def prepare(self, resume: bool) -> None:
        """Create the folders and hold the output folder until :meth:`release`; refuse a folder another live
        run holds, and refuse to mix a new run into the folder of another one.

        Why hold it first: two runs started into one folder both passed the checks below (neither had written
        its ``run.json`` yet) and wrote one folder together; a second start told to use ``--resume`` trained
        into the folder of a run still training. Held, the second is refused at once, naming the first's PID.
        """
        if self.root.exists() and not self.root.is_dir():
            raise WorkbenchError(f"{self.root} is a file, not an output folder.")
        if resume and not self.root.is_dir():  # (said before the folder is made only to be refused)
            raise WorkbenchError(f"{self.root} holds no training run to resume (no {RUN_FILE}).")
        created = next((path for path in reversed((self.train_dir, *self.train_dir.parents)) if not path.exists()),
                       None)
        create_folder(self.root, "the output folder")  # atomic_write's sentence, as kws sweep gives it
        self._created = created
        self._hold = hold_output_folder(self.root)
        if not resume and self.run_path.exists():
            raise WorkbenchError(f"{self.root} already holds a training run: continue it with --resume "
                                 "or give --out another folder.")
        if not resume and (self.root / SUMMARY_FILE).exists():  # a finished run copied without its run.json
            raise WorkbenchError(f"{self.root} already holds a finished training run ({SUMMARY_FILE}): give "
                                 "--out another folder.")
        if resume and not self.run_path.exists():
            raise WorkbenchError(f"{self.root} holds no training run to resume (no {RUN_FILE}).")
        self.make_folder(self.train_dir, "the training folder")
        if resume:
            self._earlier_log = self._read_earlier_log()

    def release(self) -> None:
        """The run has ended: another run may write the folder (see :meth:`prepare`). Safe to call again."""
        self._hold.release()

    @property
    def hold(self) -> FolderHold:
        """The run's hold of its folder (from :meth:`prepare` on): for writers of its files outside this class."""
        return self._hold

    def check(self) -> None:
        """:class:`~workbench.core.folder_lock.FolderGone` when the folder is no longer the one :meth:`prepare`
        held (deleted, moved or replaced since): for the cheap checks between the run's phases and epochs."""
        self._hold.check()

    def writing(self) -> contextlib.AbstractContextManager[None]:
        """Around a write into the folder (:meth:`FolderHold.guarding`): nothing is written into a folder that is
        no longer the run's, and a write that failed because the folder went says so."""
        return self._hold.guarding()

    def make_folder(self, path: Path, what: str = "the folder") -> Path:
        """``path`` inside the run's folder, made without ever making the run's folder again."""
        return self._hold.make_folder(path, what)

    def remove_created_folders(self) -> None:
        """Remove the folders :meth:`prepare` made when nothing was left in them (a run that failed to start).

        Why: a mistyped dataset or setting must not leave an empty ``OUT/train`` behind, which the user
        then has to find and delete. Only empty folders go, and only those this session created (with the
        empty folders the run made inside them): a folder that was there before, or holds a file, stays.
        """
        self.release()  # its lock file goes first: the folder it leaves alone is empty
        if self._created is None or not self._created.is_dir():
            return
        inside = sorted((p for p in self._created.rglob("*") if p.is_dir()), key=lambda p: len(p.parts))
        for folder in [*reversed(inside), self._created]:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds when empty

    def _read_earlier_log(self) -> str:
        """The log so far, ending with a line saying that a resumed session starts (see :meth:`write_log`)."""
        try:
            earlier = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            earlier = ""
        except OSError as exc:
            raise WorkbenchError(f"Cannot read {self.log_path}: {exc.strerror or exc}.") from None
        when = datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")
        separator = RESUMED_SESSION_LINE.format(when=when)
        return f"{earlier}{separator}\n" if not earlier or earlier.endswith("\n") else f"{earlier}\n{separator}\n"

    # -- writers ------------------------------------------------------------------------------
    def write_json(self, path: Path, data: Any) -> Path:
        return self.write_text(path, json.dumps(data, indent=2, default=str) + "\n")

    def write_text(self, path: Path, text: str) -> Path:
        with self.writing():
            return atomic_write_text(path, text)

    def write_bytes(self, path: Path, data: bytes) -> Path:
        with self.writing():
            return atomic_write_bytes(path, data)

    def read_json(self, path: Path) -> Any:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WorkbenchError(f"Cannot read {path}: {exc}.") from None

    def write_history(self, history: list[dict[str, float]]) -> None:
        self.write_json(self.train_dir / f"{HISTORY_NAME}.json", history)
        buffer = io.StringIO()
        columns = list(HISTORY_COLUMNS) + sorted({k for row in history for k in row} - set(HISTORY_COLUMNS))
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in history:
            writer.writerow({k: (int(v) if k == "epoch" else v) for k, v in row.items()})
        self.write_text(self.train_dir / f"{HISTORY_NAME}.csv", buffer.getvalue())
        self._plot_history(history)

    def _plot_history(self, history: list[dict[str, float]]) -> None:
        """``training-history.png`` (matplotlib, only when installed: the plot is a convenience)."""
        if not history:
            return
        try:
            import matplotlib

            matplotlib.use("Agg")
            from matplotlib.figure import Figure
        except ImportError:
            return
        figure = Figure(figsize=(9, 3.6), dpi=100)
        epochs = [row["epoch"] for row in history]
        for i, metric in enumerate(("accuracy", "loss")):
            ax = figure.add_subplot(1, 2, i + 1)
            for key, label in ((metric, "training"), (f"val_{metric}", "validation")):
                if key in history[0]:
                    ax.plot(epochs, [row.get(key) for row in history], label=label)
            ax.set_xlabel("epoch")
            ax.set_title(metric)
            ax.grid(alpha=0.3)
            ax.legend()
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        self.write_bytes(self.train_dir / f"{HISTORY_NAME}.png", buffer.getvalue())

    def write_log(self, lines: list[str]) -> None:
        """This session's log lines after those of the run's earlier sessions, in one atomic write.

        Why keep them: a resumed run's log must still say what the first session did and why it stopped
        ("stopped after N epochs"); the earlier text was read when the folder was prepared, so writing the
        log again in the same session replaces only this session's part.
        """
        self.write_text(self.log_path, self._earlier_log + "\n".join(lines) + "\n")

    def write_mltk_zip(self) -> Path:
        """All run files except checkpoints and the archive itself, in one ``.mltk.zip``."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(self.root.rglob("*")):
                relative = path.relative_to(self.root)
                if (path.is_dir() or path == self.zip_path or path.name.startswith(".")
                        or any(part in ZIP_EXCLUDED_DIRS for part in relative.parts)):
                    continue
                archive.write(path, relative.as_posix())
        return self.write_bytes(self.zip_path, buffer.getvalue())
