"""One trial of a sweep: a Ray Tune trainable that runs ``kws train`` as a child process in its worker.

Why a child process: the Ray worker then needs only the workbench installed and never loads
TensorFlow itself; the training is exactly what ``kws train`` does for a person (same output folder,
same model with its parameters), and a crash in it is a failed trial, not a dead worker.

Life of a trial (a Tune class trainable, so stopping is ordered: Tune calls :meth:`cleanup` in the
worker before the worker ends):

1. ``setup``: the trial's spec (the sweep's spec + fixed settings + sampled values) is validated and
   its flash/RAM estimated; a model over the board's budget is *rejected* here, before training.
   Otherwise the spec is written into the trial folder and ``kws train --progress jsonl`` started.
2. ``step``: reads the child's progress lines until the next finished epoch and returns its figures
   (``epoch``, ``val_balanced_accuracy``, ...) -- what ASHA compares; the last epoch is not returned
   on its own (a stop then would only lose the conversion) but with the final result. When the child
   ends, the trial's record (objective, model figures, status) is the final result.
3. ``cleanup``: if the child still runs (ASHA stopped the trial, the time budget ran out) it gets
   one SIGINT -- it stops after the current batch and keeps its best checkpoint -- and is waited for.

A sweep's cancel is a marker file in the trials folder: a trial that sees it asks its child to stop
(or does not start one) and ends with status ``cancelled``, so every child ends before Ray does. A trials folder
that is gone (the sweep's output folder deleted or moved) is a cancel too, and is never made again by a trial.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ray import tune

from workbench.child_command import EXIT_CANCELLED, kws_command
from workbench.core.atomic_write import atomic_write_text
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.run_folder_layout import SUMMARY_FILE, SUMMARY_MODEL_KEY
from workbench.profiler import profile_model
from workbench.sweeps.budget.budget_check import (board_arena_bytes, budget_problem, estimate_problem,
                                                  estimated_arena_bytes)
from workbench.sweeps.on_ray.child_process import ChildProcess
from workbench.sweeps.definition.objectives import ObjectiveStream, accuracy_objective, frr_objective
from workbench.sweeps.reporting.results import (CANCELLED, FAILED, FINISHED, INVALID, REJECTED, STOPPED, TrialRecord)
from workbench.sweeps.budget.spec_graph import estimate_spec
from workbench.sweeps.definition.sweep_file import SweepFile
from workbench.sweeps.sweep_preflight import (CANCEL_MARKER, NOT_STARTED_MESSAGE, TRIAL_RECORD_FILE,
                                              TRIAL_SPEC_FILE, WRITE_ERROR_KEY)
from workbench.sweeps.definition.trial_spec import plain, spec_of, trial_spec

CHILD_STDERR_FILE = "kws-train.stderr.txt"
CALIBRATION_DIR = "calibration"
POLL_S = 0.5  # how often a trial looks for the cancel marker while its child is silent
DISK_FULL = os.strerror(errno.ENOSPC)  # "No space left on device", as kws train reports it
# kws train's reason for a stop it was asked for (its CancelToken's "signal SIGINT"): a trial of a cancelled sweep
# says why in the sweep's words instead
SIGNAL_REASON = re.compile(r"\(signal SIG[A-Z]+\)")
SWEEP_CANCELLED_REASON = "(the sweep was cancelled)"
NO_VALUE = float("nan")  # ASHA ignores NaN (nanpercentile); Tune insists the metric key is present


@dataclass(frozen=True)
class TrialContext:
    """What every trial needs from the driver (pickled to the workers)."""

    sweep: SweepFile
    trials_dir: Path
    stream: ObjectiveStream | None = None

    @property
    def cancel_marker(self) -> Path:
        return self.trials_dir / CANCEL_MARKER


def _node_id() -> str:
    try:
        import ray

        return str(ray.get_runtime_context().get_node_id())
    except Exception:  # outside Ray (never in a sweep)
        return ""


def _cluster_address() -> str:
    """HOST:PORT of the cluster this trial runs on, for its child to attach to (``--features-on-ray``)."""
    import ray

    return str(ray.get_runtime_context().gcs_address)


class KwsTrainTrial(tune.Trainable):
    """See the module docstring. ``config`` = ``{"params": {path: value}, "seed": int}``."""

    def setup(self, config: dict[str, Any], context: TrialContext) -> None:
        self.context = context
        self.sweep = context.sweep
        self.started = time.monotonic()
        self.child: ChildProcess | None = None
        self.final: dict[str, Any] | None = None
        self.write_error: str | None = None  # the first file of this trial that could not be written
        self.folder = context.trials_dir / self.trial_id
        params = {k: plain(v) for k, v in dict(config.get("params") or {}).items()}
        spec_name = spec_of(self.sweep, params)
        self.record = TrialRecord(trial_id=self.trial_id, spec=Path(spec_name).stem, seed=int(config["seed"]),
                                  params=params, node_id=_node_id(), worker_pid=os.getpid(),
                                  folder=str(self.folder))
        try:
            self.folder.mkdir(exist_ok=True)  # (not its parents: a sweep folder deleted meanwhile is not made again)
        except OSError as exc:
            self.write_error = f"Cannot write {self.folder}: {exc.strerror or exc}."
            self._end(FAILED, self.write_error)
            return
        if context.cancel_marker.exists():
            self._end(CANCELLED, NOT_STARTED_MESSAGE)
            return
        try:
            spec = trial_spec(self.sweep, spec_name, params)
        except SettingsError as exc:
            self._end(INVALID, str(exc))
            return
        estimate = estimate_spec(spec, accelerator=self.sweep.board.accelerator)
        self.record.macs, self.record.parameters = estimate.macs, estimate.parameters
        self.record.estimated_flash_bytes = estimate.flash_bytes
        self.record.estimated_arena_bytes = estimated_arena_bytes(estimate, self.sweep.board)
        problem = estimate_problem(estimate, self.sweep.board)
        if problem:
            self._end(REJECTED, problem)
            return
        spec_path = self.folder / TRIAL_SPEC_FILE
        try:
            atomic_write_text(spec_path, spec.to_toml())
        except WorkbenchError as exc:
            self.write_error = str(exc)
            self._end(FAILED, self.write_error)
            return
        self.child = ChildProcess(self._train_command(spec_path), self.folder / CHILD_STDERR_FILE)
        self.record.child_pid = self.child.pid
        self._save_record()

    def _train_command(self, spec_path: Path) -> list[str]:
        sweep = self.sweep
        args = ["train", "--spec", str(spec_path), "--out", str(self.folder), "--epochs", str(sweep.run.epochs),
                "--seed", str(self.record.seed), "--progress", "jsonl",
                "--workers", str(sweep.resources.feature_workers)]
        for dataset in sweep.datasets:
            args += ["--dataset", dataset.argument]
        if not sweep.run.evaluate_test:
            args.append("--no-evaluate")
        if sweep.resources.ray_features:
            args += ["--features-on-ray", _cluster_address()]
        return kws_command(*args)

    # -- results --------------------------------------------------------------------------------
    def _save_record(self) -> None:
        """The record into the trial folder, best effort.

        Why never raising: the record also travels to the driver in the trial's results (which need no
        disk), so a full disk must not turn the trial into a Ray task error -- whose pickled error Tune
        then cannot write either, and the sweep would end in a traceback instead of its results. The
        first write error is kept and reported to the driver (``write_error``), which stops the sweep
        and names it."""
        try:
            atomic_write_text(self.folder / TRIAL_RECORD_FILE, json.dumps(self.record.to_dict(), indent=1) + "\n")
        except WorkbenchError as exc:
            self.write_error = self.write_error or str(exc)

    def _result(self, done: bool) -> dict[str, Any]:
        value = self.record.val_balanced_accuracy
        return {"epoch": self.record.epochs, "val_balanced_accuracy": NO_VALUE if value is None else value,
                "objective": NO_VALUE if self.record.objective is None else self.record.objective,
                "status": self.record.status, "record": self.record.to_dict(), "done": done,
                WRITE_ERROR_KEY: self.write_error or ""}

    def _end(self, status: str, message: str = "") -> None:
        self.record.status = status
        if message:
            self.record.message = message
        self.record.wall_s = round(time.monotonic() - self.started, 3)
        self._save_record()
        self.final = self._result(done=True)

    def _cancelled(self) -> bool:
        return self.context.cancel_marker.exists() or not self.context.trials_dir.is_dir()

    # -- Tune's interface ------------------------------------------------------------------------
    def step(self) -> dict[str, Any]:
        if self.final is not None:
            return self.final
        assert self.child is not None
        error = ""
        # look for the cancel marker at once, then every POLL_S: a step ends with each epoch, and epochs of a
        # small dataset are shorter than POLL_S, so a first look only after POLL_S would never come
        next_check = time.monotonic()
        while True:
            event = self.child.next_event(POLL_S)
            if time.monotonic() >= next_check or event is False:
                next_check = time.monotonic() + POLL_S
                if self._cancelled():
                    self.child.request_stop()
            if event is False:
                continue
            if event is None:
                return self._finish(error)
            if event.get("phase") == "train" and event.get("event") == "epoch":
                self._take_epoch(event)
                if self.record.epochs < self.sweep.run.epochs:
                    return self._result(done=False)
            elif event.get("phase") in ("error", "cancelled"):
                error = str(event.get("message") or "")

    def _take_epoch(self, event: dict[str, Any]) -> None:
        self.record.epochs = int(event.get("epoch") or 0)
        value = event.get("val_balanced_accuracy", event.get("val_accuracy"))
        self.record.val_balanced_accuracy = float(value) if value is not None and math.isfinite(value) else None

    def _finish(self, message: str) -> dict[str, Any]:
        assert self.child is not None
        code = self.child.wait()
        if code == 0:
            try:
                self._score()
            except WorkbenchError as exc:
                self._end(FAILED, str(exc))
        elif code == EXIT_CANCELLED or self.child.stop_requested:
            if self._cancelled():
                self._end(CANCELLED, SIGNAL_REASON.sub(SWEEP_CANCELLED_REASON, message) or "cancelled")
            else:
                self._end(STOPPED, message or "stopped")
        else:
            tail = self.child.stderr_tail(self.folder / CHILD_STDERR_FILE)
            if DISK_FULL in f"{message} {tail}":  # every later trial would fail the same way: the sweep's error
                named = message if message.startswith("Cannot write ") and DISK_FULL in message else ""
                self.write_error = self.write_error or named or f"Cannot write {self.folder}: {DISK_FULL}."
            self._end(FAILED, message or tail or f"kws train ended with exit code {code}")
        assert self.final is not None
        return self.final

    def _score(self) -> None:
        try:
            summary = json.loads((self.folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise WorkbenchError(f"the finished run's {SUMMARY_FILE} cannot be read: {exc}") from None
        model = self.folder / str(summary.get(SUMMARY_MODEL_KEY) or "")
        record = self.record
        record.model = str(model)
        record.flash_bytes = summary.get("flash_bytes")
        record.arena_bytes = self._trained_arena_bytes(model)
        record.epochs = int(summary.get("epochs") or record.epochs)
        record.validation_balanced_accuracy = (summary.get("validation_evaluation") or {}).get("balanced_accuracy")
        record.test_balanced_accuracy = (summary.get("evaluation") or {}).get("balanced_accuracy")
        objective = self.sweep.objective
        if objective.metric == "frr":
            assert self.context.stream is not None
            value = frr_objective(model, self.context.stream, objective, self.folder / CALIBRATION_DIR)
            record.frr, record.fa_per_hour = value.figures.get("frr"), value.figures.get("fa_per_hour")
            record.detection = value.figures.get("detection")  # what the figures are for: the best model gets it
        else:
            value = accuracy_objective(summary)
        record.objective = value.value
        problem = budget_problem(int(record.flash_bytes or 0), int(record.arena_bytes or 0), self.sweep.board,
                                 "the trained model")
        if problem:
            self._end(REJECTED, problem)
        elif value.value is None:
            self._end(FAILED, value.message)
        else:
            self._end(FINISHED, value.message)

    def _trained_arena_bytes(self, model: Path) -> int:
        """The trained model's RAM figure for the board's accelerator, profiled from its file.

        Why not the run summary's ``runtime_memory_size``: that is the larger of the CPU-only and the MVP
        arena (what the firmware allocates on an xG24), while the estimate before training checked the
        board's own figure; both sides use :func:`board_arena_bytes`."""
        try:
            tflite = model.read_bytes()
        except OSError as exc:
            raise WorkbenchError(f"the finished run's model {model.name} cannot be read: {exc.strerror or exc}") \
                from None
        summary = profile_model(tflite, accelerator=self.sweep.board.accelerator).summary
        assert summary is not None  # profile_model always summarises
        return board_arena_bytes(summary.arena_bytes, summary.arena_bytes_mvp, self.sweep.board.accelerator)

    def cleanup(self) -> None:
        if self.child is not None and self.child.running():
            self.child.stop()
            if self.final is None:
                self.record.message = "stopped by the scheduler or the time budget"
                self.record.wall_s = round(time.monotonic() - self.started, 3)
                self._save_record()
