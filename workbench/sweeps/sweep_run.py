"""Running a sweep: checks, Ray, the Tune experiment, the results, the best model -- and a clean cancel.

Why the driver stays thin: Ray Tune samples the search space, places trials on the cluster's CPUs,
stops weak trials (ASHA) and honours the time budget; this module only prepares what the trials need,
turns Tune's callbacks into the sweep's events (:mod:`.events`) and writes the outputs::

    OUT/sweep.toml                the sweep file with absolute paths (kws sweep OUT/sweep.toml repeats it
                                  from any folder: :func:`.sweep_preflight.sweep_copy_text`)
    OUT/trials/<trial>/           each trial's kws train folder (+ sweep-trial.toml/.json)
    OUT/results.csv|json|png      the results table and objective vs MACs / arena
    OUT/<model>.tflite            the best trial's int8 model with its parameters (frr objective: with the
                                  detection parameters its calibration recommends, what its figures are for)
    OUT/best-spec.toml            the spec that made it, with the trial's epoch cap and seed (kws train
                                  --spec OUT/best-spec.toml --dataset ... repeats it: its header says how)
    OUT/ray/                      Tune's experiment folder

Cancel (:meth:`SweepRun.cancel` -- Ctrl+C or SIGTERM in ``kws sweep``, or a ``STOP`` file in the
output folder, which works where signals do not) writes the trials' cancel marker: running trials ask
their ``kws train`` to stop (one SIGINT each) and end, trials not yet started end at once; when no
trial runs any more Tune is told to stop. So every child has ended before Ray is shut down, and the
finished trials' results and best model are still written. A second Ctrl+C or SIGTERM in ``kws sweep`` stops
at once (KeyboardInterrupt in the driver): the results are written at once from what the driver knows, every trial
still running listed as cancelled (:data:`.final_status.ABANDONED_MESSAGE`) and its record file saying so, and
Ray is shut down without waiting for the trials' ends. An output folder deleted (or replaced) while the sweep runs
stops it like a cancel, before its next trial starts, and ends it with that error instead of results
(:mod:`.sweep_out_folder`). A cluster given by ``--address`` that stops answering while the trials run
(:mod:`.on_ray.cluster_watch`) ends the sweep as a second Ctrl+C does, its running trials listed as lost with it, and
with that error (:meth:`SweepRun.cluster_lost`).
"""

from __future__ import annotations

import pickle
import threading
import time
from pathlib import Path
from typing import Any, Callable

from workbench.core.atomic_write import atomic_write_bytes
from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted
from workbench.sweeps.reporting import events as ev
from workbench.sweeps.definition.objectives import ObjectiveStream, make_validation_stream, stream_warnings
from workbench.sweeps.reporting.final_status import (ABANDONED_MESSAGE, CLUSTER_LOST_TRIAL_MESSAGE,
                                                     closing_sentence, cluster_lost_sentence, not_started,
                                                     results_of_empty_sweep, settle, summary_text)
from workbench.sweeps.reporting.results import (CANCELLED, EARLY_STOPPED, FAILED, RESULTS_CSV, RESULTS_JSON, RUNNING,
                                                STOPPED, TrialRecord, judge_target, rank, write_results)
from workbench.sweeps.reporting.results_plot import results_png
from workbench.plot_advice import PlotUnavailable
from workbench.sweeps.best_model import best_warnings, copy_best, detection_sentence
from workbench.sweeps.definition.sweep_file import SweepFile
from workbench.sweeps.sweep_out_folder import SweepOutFolder
from workbench.sweeps.sweep_outcome import SweepOptions, SweepOutcome
from workbench.sweeps.sweep_preflight import (CANCEL_MARKER, NOT_STARTED_MESSAGE, WRITE_ERROR_KEY, check_datasets,
                                              prepare_out_folder)
from workbench.sweeps.trial_slots import cluster_words, local_cpus, trial_slots

RAY_DIR = "ray"
PLOT_FILE = "results.png"
OBJECTIVE_DIR = "objective"  # the frr objective's validation stream
UNSTARTED_PREFIX = "unstarted_"  # ids of budget trials Tune never created (a cancel before they were drawn)

Emit = Callable[[dict[str, Any]], None]


class SweepRun:
    """One sweep; :meth:`run` blocks (call :meth:`cancel` from another thread or a signal handler)."""

    def __init__(self, sweep: SweepFile, options: SweepOptions, emit: Emit | None = None,
                 on_cluster_lost: Callable[[str], None] | None = None) -> None:
        """``on_cluster_lost(error)``: called by :meth:`cluster_lost` once the results are written (kws sweep ends
        there); without it the error is raised by :meth:`run` -- should Ray give its blocked call back."""
        self.sweep = sweep
        self.options = options
        self.out = options.out.expanduser().resolve()
        self.folder = SweepOutFolder(self.out)  # held by run(): watched between trials
        self.trials_dir = self.folder.trials_dir
        self._emit = emit or (lambda event: None)
        self._cancel = threading.Event()
        self._cancel_reason = ""
        self._cancel_announced = False
        self._started_at = 0.0
        self.records: dict[str, TrialRecord] = {}
        self.running: set[str] = set()
        self.write_error: str | None = None  # the first file a trial could not write: the sweep's error
        self._seen: dict[str, dict[str, Any]] = {}  # every trial Tune created (started or not): its config
        self.warnings: list[str] = []  # what the sweep's summary warns of (the frr objective's stream)
        self._cancel_note = ""
        self._abandoned = ""  # a second Ctrl+C (or the cluster lost): the running trials' message, not waited for
        self.driver_lock = threading.RLock()  # the trial events (tune_hooks) vs. cluster_lost, in the watch's thread
        self.lost = ""  # the error of a cluster that stopped answering (cluster_lost): the results are written
        self._on_cluster_lost = on_cluster_lost
        self._finishing = False  # the trials have ended: the results come next (finishing)

    # -- control ---------------------------------------------------------------------------------
    def emit(self, event: str, **fields: Any) -> None:
        self._emit({"event": event, **fields})

    def cancel(self, reason: str = "cancel requested", note: str = "") -> None:
        """Stop every trial cleanly and end the sweep (safe from signal handlers and other threads); ``note``
        ends the ``cancelling`` message (what a second Ctrl+C would do).

        Only a flag and the marker file here; the ``cancelling`` event is printed by the driver loop
        (a signal handler must not write into a stream the main thread may be writing).
        """
        if self._cancel.is_set():
            return
        self._cancel_reason, self._cancel_note = reason, note
        self._cancel.set()
        if self.trials_dir.is_dir():
            self._touch_cancel_marker()

    def _touch_cancel_marker(self) -> None:
        try:
            (self.trials_dir / CANCEL_MARKER).touch()
        except OSError as exc:  # a full disk: trials not yet started still end (the driver stops Tune)
            self.write_error = self.write_error or f"Cannot write {self.trials_dir / CANCEL_MARKER}: " \
                                                   f"{exc.strerror or exc}."

    @property
    def stop_file(self) -> Path:
        """Creating this file cancels the sweep like :meth:`cancel` (for callers without signals: Windows GUIs)."""
        return self.folder.stop_file

    @property
    def cancelled(self) -> bool:
        """True once cancelled, also by the stop file or by the output folder gone (Tune asks between trials)."""
        reason = self.folder.stop_reason() if not self._cancel.is_set() and self._started_at else None
        if reason:
            self.cancel(reason)
        if self._cancel.is_set() and not self._cancel_announced:
            self._cancel_announced = True
            note = f"; {self._cancel_note}" if self._cancel_note else ""
            self.emit(ev.CANCELLING, message=f"{self._cancel_reason}: stopping every trial{note}")
        return self._cancel.is_set()

    @property
    def finishing(self) -> bool:
        """True once the trials have ended -- Tune returned, Ray shuts down (a second or so), the results are written
        (a second or two) -- to the end: a stop at once then waits for no trial and would only lose the results."""
        return self._finishing

    # -- the run ---------------------------------------------------------------------------------
    def run(self) -> SweepOutcome:
        """The whole sweep; a KeyboardInterrupt while the trials run (a second Ctrl+C) ends it at once, with the
        results of what is known (:meth:`_abandon`)."""
        sweep, options = self.sweep, self.options
        if not options.address:  # a local instance too small for ray_features: refused before anything starts
            trial_slots(sweep, None, local_cpus(options.num_cpus), cluster_words(None, options.num_cpus))
        with self.folder.hold():  # until the sweep ends: another kws run into OUT is refused at once
            return self._run_held(sweep, options)

    def _run_held(self, sweep: SweepFile, options: SweepOptions) -> SweepOutcome:
        # OUT may be used again after a sweep that never started a trial (its results describe none)
        for path in results_of_empty_sweep(self.out, self.trials_dir, (RESULTS_JSON, RESULTS_CSV, PLOT_FILE)):
            path.unlink(missing_ok=True)
        prepare_out_folder(self.out, sweep)
        self.trials_dir.mkdir(parents=True, exist_ok=True)
        self.stop_file.unlink(missing_ok=True)
        self._started_at = time.monotonic()
        if self._cancel.is_set():
            self._touch_cancel_marker()
        self.emit(ev.MESSAGE, message=f"checking the datasets of {counted(len(sweep.specs), 'spec')}")
        data = check_datasets(sweep)
        stream = None
        if sweep.objective.metric == "frr" and not self.cancelled:
            self.emit(ev.MESSAGE, message="building the validation stream for the frr objective (kws stream make)")
            stream = make_validation_stream(sweep, data, self.out / OBJECTIVE_DIR)
            self.warnings = stream_warnings(stream, data.keywords, sweep.objective)
            for warning in self.warnings:
                self.emit(ev.MESSAGE, message=ev.WARNING_PREFIX + warning)
        if self.cancelled:
            return self._finish([])
        from workbench.sweeps.on_ray.cluster_watch import cluster_watched
        from workbench.sweeps.on_ray.ray_session import ray_cluster

        self.emit(ev.MESSAGE, message="starting Ray" if not options.address
                  else f"connecting to the Ray cluster at {options.address}")
        with ray_cluster(options.address, options.num_cpus) as cluster:
            self.emit(ev.START, sweep=sweep.name, trials=sweep.budget.trials, objective=sweep.objective.metric,
                      mode=sweep.objective.mode, out=str(self.out), address=cluster.address, cpus=cluster.cpus,
                      nodes=cluster.nodes, dimensions=[d.describe() for d in sweep.dimensions()])
            if self.cancelled:  # cancelled while Ray started: run no trial
                return self._finish([])
            slots = trial_slots(sweep, self.max_concurrent, cluster.cpus, cluster_words(options.address, None))
            try:
                with cluster_watched(cluster.head, lambda: self.cluster_lost(cluster.where)):
                    self._tune(stream, slots)
            except KeyboardInterrupt:  # a second Ctrl+C: the results at once, without waiting for the trials
                if not self.lost:
                    return self._abandon()
            if self.lost:  # written by cluster_lost: its error follows Ray's shutdown
                raise WorkbenchError(self.lost)
            # the trials have ended: the results are written before Ray shuts down, where a second stop signal
            # ends the process at once (ray_cluster: the first is held until Ray has shut down)
            self._finishing = True
            self.folder.remove_made_again(self.out / RAY_DIR)  # (only when OUT went: Tune makes its folder again)
            outcome = self._finish(list(self.records.values()))
        if self.write_error:  # the results are written (or _finish named why not): now the cause, as the error
            raise WorkbenchError(self.write_error)
        return outcome

    def _tune(self, stream: ObjectiveStream | None, max_concurrent: int | None) -> None:
        from workbench.sweeps.on_ray.tune_experiment import make_tuner

        tuner = make_tuner(self, stream, max_concurrent, self.out / RAY_DIR)
        try:
            tuner.fit()
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            # Tune reads its experiment folder back after the last trial: on a full disk its files are empty.
            # The trials' records came through the callbacks already; keep them and name the cause.
            if not self.write_error:
                cause = exc.strerror if isinstance(exc, OSError) and exc.strerror else "a file in it is empty"
                self.write_error = f"Ray Tune cannot use its experiment folder {self.out / RAY_DIR}: {cause}."

    @property
    def max_concurrent(self) -> int | None:
        """Trials at once: ``--max-concurrent``, else the sweep file's, else None (as the CPUs allow)."""
        return self.options.max_concurrent or self.sweep.budget.max_concurrent

    # -- called by the Tune callback (driver thread) -------------------------------------------------
    def trial_started(self, trial_id: str, config: dict[str, Any]) -> None:
        self.running.add(trial_id)
        from workbench.sweeps.definition.trial_spec import plain, spec_of

        params = {k: plain(v) for k, v in dict(config.get("params") or {}).items()}
        self.emit(ev.TRIAL_START, trial=trial_id, spec=Path(spec_of(self.sweep, params)).stem,
                  seed=config.get("seed"), params=params)

    def trial_result(self, trial_id: str, result: dict[str, Any]) -> None:
        record = result.get("record")
        if isinstance(record, dict):
            self.records[trial_id] = TrialRecord.from_dict(record)
        write_error = result.get(WRITE_ERROR_KEY)
        if write_error and not self.write_error:  # a full disk fails every later trial too: stop here
            self.write_error = str(write_error)
            self.cancel(f"a trial cannot write its files ({self.write_error.rstrip('.')})")
        if not result.get("done") and result.get("status") == RUNNING:
            self.emit(ev.EPOCH, trial=trial_id, epoch=result.get("epoch"),
                      val_balanced_accuracy=result.get("val_balanced_accuracy"))

    def trials_seen(self, trials: list[tuple[str, dict[str, Any]]]) -> None:
        """The trials Tune holds, pending ones too (``(id, config)``): a cancel lists those never started."""
        for trial_id, config in trials:
            self._seen.setdefault(trial_id, config)

    def trial_ended(self, trial_id: str, error: str | None = None) -> None:
        self.running.discard(trial_id)
        record = self.records.get(trial_id) or self._record_from_folder(trial_id)
        if error is not None:
            record.status, record.message = FAILED, error
        elif record.status == RUNNING:
            record.status = self._stop_status()
        self.records[trial_id] = judge_target(record, self.sweep.objective.metric)
        best = rank(self.records.values(), self.sweep.objective.mode)
        self.emit(ev.TRIAL_END, trial=record.to_dict(), best_trial=best[0].trial_id if best else None,
                  best_objective=best[0].objective if best else None)

    def _stop_status(self) -> str:
        if self.cancelled:
            return CANCELLED
        limit = self.sweep.budget.time_minutes
        if limit and time.monotonic() - self._started_at >= limit * 60.0:
            return STOPPED
        return EARLY_STOPPED

    def _record_from_folder(self, trial_id: str) -> TrialRecord:
        return self.folder.written_record(trial_id) or TrialRecord(trial_id=trial_id, spec="", seed=0,
                                                                   folder=str(self.trials_dir / trial_id))

    def _settled(self, records: list[TrialRecord]) -> list[TrialRecord]:
        """Every trial Tune did not report as ended (its time budget ends the run without a word about the
        trials it interrupts, or about one whose last result was still on its way) takes its status from its
        own record file: a finished trial counts (and can be the best), one still running was stopped. Each
        is announced as :meth:`trial_ended` would have."""
        last = {r.trial_id: r for r in records}
        ids = [*last, *(i for i in self._seen if i not in last)]
        settled: list[TrialRecord] = []
        for trial_id in ids:
            record = last.get(trial_id)
            if record is not None and record.status != RUNNING:
                settled.append(record)
                continue
            final = settle(record, self.folder.written_record(trial_id), self._stop_status(),
                           self.sweep.objective.metric, self._abandoned)
            if final is None:  # created by Tune, never started: _unstarted lists it
                continue
            if self._abandoned and final.message == self._abandoned:  # its file must not claim "running"
                self.folder.save_record(final)
            self.records[trial_id] = final
            settled.append(final)
            best = rank(self.records.values(), self.sweep.objective.mode)
            self.emit(ev.TRIAL_END, trial=final.to_dict(), best_trial=best[0].trial_id if best else None,
                      best_objective=best[0].objective if best else None)
        return settled

    def cluster_lost(self, where: str) -> None:
        """The cluster (at ``where``) stopped answering (called in :mod:`.on_ray.cluster_watch`'s thread: the driver's
        may be blocked in Ray until Ray ends the process): the results of what is known at once, as :meth:`_abandon`
        writes them, and no trial event after them; then ``on_cluster_lost`` with the error, else :meth:`run` raises
        it."""
        with self.driver_lock:
            if self._finishing:  # Tune has returned: the driver writes the results (Ray's shutdown says the rest)
                return
            try:
                outcome = self._abandon(f"the Ray cluster at {where} stopped answering", CLUSTER_LOST_TRIAL_MESSAGE)
                self.lost = cluster_lost_sentence(where, outcome.records, self.out / RESULTS_CSV)
            except (WorkbenchError, OSError) as exc:  # (OUT gone, a full disk): the results are not written
                self.lost = cluster_lost_sentence(where, [], None, str(exc).rstrip("."))
        if self._on_cluster_lost is not None:
            self._on_cluster_lost(self.lost)

    def _abandon(self, reason: str = "stopped at once", message: str = ABANDONED_MESSAGE) -> SweepOutcome:
        """The results of a sweep stopped at once (a second Ctrl+C while Tune ran): every trial the driver knows,
        those still running cancelled with ``message`` -- their ``kws train`` already had its stop
        request from the first Ctrl+C, and ends with its Ray worker -- so OUT holds results, not a sweep that
        seems to run."""
        self.cancel(reason)  # (a second Ctrl+C follows a first, which cancelled already)
        self._abandoned = message
        self.running.clear()
        return self._finish(list(self.records.values()))

    # -- outputs ---------------------------------------------------------------------------------------
    def _unstarted(self, records: list[TrialRecord]) -> list[TrialRecord]:
        """Cancelled records for the trials of the budget that never started, each announced as it would
        have been had it started and seen the cancel: results.csv has one row per trial of the budget
        however the cancel came (a SIGTERM to kws sweep alone lets Tune start them; a Ctrl+C to the
        whole process group reaches Ray's processes too, and it does not)."""
        from workbench.sweeps.definition.trial_spec import plain, spec_of

        known = {r.trial_id for r in records}
        added: list[TrialRecord] = []
        for trial_id, config in self._seen.items():  # created by Tune (values drawn), never started
            if trial_id not in known:
                params = {k: plain(v) for k, v in dict(config.get("params") or {}).items()}
                seed = config.get("seed")
                added.append(TrialRecord(trial_id=trial_id, spec=Path(spec_of(self.sweep, params)).stem,
                                         seed=int(seed) if isinstance(seed, (int, float)) else None, params=params))
        ids = [*known, *(r.trial_id for r in added)]
        prefix = ids[0].rpartition("_")[0] + "_" if ids and "_" in ids[0] else UNSTARTED_PREFIX
        index = 0
        while len(records) + len(added) < self.sweep.budget.trials:  # never created: no values drawn
            trial_id = f"{prefix}{index:05d}"
            if trial_id not in ids:
                added.append(TrialRecord(trial_id=trial_id, spec="", seed=None))
            index += 1
        best = rank(records, self.sweep.objective.mode)
        status, message = not_started(self.cancelled, bool(self.sweep.budget.time_minutes), NOT_STARTED_MESSAGE)
        for record in added:
            record.status, record.message = status, message
            self.emit(ev.TRIAL_END, trial=record.to_dict(), best_trial=best[0].trial_id if best else None,
                      best_objective=best[0].objective if best else None)
        return added

    def _finish(self, records: list[TrialRecord]) -> SweepOutcome:
        self._finishing = True
        return self._write_outcome(records)

    def _write_outcome(self, records: list[TrialRecord]) -> SweepOutcome:
        self.folder.check()  # gone: its error, and no results into whatever is at its path now
        sweep = self.sweep
        records = self._settled(records)
        records = records + self._unstarted(records)
        ranked = rank(records, sweep.objective.mode)
        best = ranked[0] if ranked else None
        target = sweep.objective.target_fa_per_hour if sweep.objective.metric == "frr" else None
        status = ev.SWEEP_CANCELLED if self.cancelled else ev.SWEEP_FINISHED
        try:
            model = copy_best(self.sweep, self.out, best) if best is not None else None
        except WorkbenchError as exc:  # the results still get written; run() raises the error after them
            model, self.write_error = None, self.write_error or str(exc)
        warnings = [*self.warnings, *best_warnings(best)]
        for warning in warnings[len(self.warnings):]:  # (the stream's were said when it was built)
            self.emit(ev.MESSAGE, message=ev.WARNING_PREFIX + warning)
        summary = summary_text(closing_sentence(records, sweep.objective.metric, target, best is not None)
                               or (detection_sentence(best) if best is not None and model else ""), warnings)
        wall = time.monotonic() - self._started_at
        document = {"sweep": sweep.name, "file": str(sweep.source), "status": status,
                    "objective": sweep.objective.metric, "mode": sweep.objective.mode,
                    "target_fa_per_hour": target, "best_trial": best.trial_id if best else None,
                    "model": str(model) if model else None,
                    "model_detection": best.detection if best is not None and model else None,
                    "summary": summary, "warnings": warnings, "wall_s": round(wall, 3)}
        files = write_results(self.out, document, records)
        try:
            files.append(atomic_write_bytes(self.out / PLOT_FILE, results_png(
                records, sweep.objective.metric, best.trial_id if best else None)))
        except PlotUnavailable as exc:
            self.emit(ev.MESSAGE, message=f"{PLOT_FILE} not written: {exc}")
        outcome = SweepOutcome(status, records, best, model, files, wall)
        self.emit(ev.DONE, status=status, best=best.to_dict() if best else None, model=str(model) if model else None,
                  results=[str(p) for p in files], trials_per_hour=outcome.trials_per_hour, wall_s=round(wall, 3),
                  summary=summary, warnings=warnings, trials=[r.to_dict() for r in records])
        return outcome
