"""Each trial's final status when Tune ended without saying it, and the sweep's closing sentence.

Why this is needed: Ray Tune's time budget (``[budget] time_minutes``) ends the experiment without
calling ``on_trial_complete`` for the trials it interrupts -- nor for a trial whose last result (its
record, with the objective) had not reached the driver yet, though the trial finished and wrote its
model. Every trial writes its own record file (``sweep-trial.json``), so that file, not the driver's
last copy, says how the trial ended; a trial still "running" in its file was stopped by the sweep's end.
The same holds for a sweep stopped at once (a second Ctrl+C or SIGTERM, or its Ray cluster gone): the trials still
running are not waited for.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.core.wording import counted
from workbench.sweeps.reporting.events import WARNING_PREFIX
from workbench.sweeps.reporting.results import (CANCELLED, FINISHED, MISSED_TARGET, RUNNING, STOPPED, TrialRecord,
                                                judge_target)

TIME_BUDGET_STOP_MESSAGE = "stopped by the time budget"
TIME_BUDGET_NOT_STARTED_MESSAGE = "the time budget ran out before this trial started"
ENDED_NOT_STARTED_MESSAGE = "the sweep ended before this trial started"
ABANDONED_MESSAGE = ("the sweep was stopped at once (a second Ctrl+C or SIGTERM) before this trial ended: its last "
                     "figures are unknown (its folder holds what its kws train wrote)")
CLUSTER_LOST_TRIAL_MESSAGE = ("the Ray cluster stopped answering before this trial ended: its last figures are "
                              "unknown (its folder holds what its kws train wrote)")
CLUSTER_LOST = "the Ray cluster at {where} stopped answering (its head node stopped, or the network to it is down)"
CLUSTER_LOST_REMEDY = ("start the cluster again and repeat the sweep with another --out, or leave out --address for a "
                       "local Ray instance")


def settle(last: TrialRecord | None, written: TrialRecord | None, stop_status: str, metric: str,
           stop_message: str = "") -> TrialRecord | None:
    """The final record of a trial Tune did not report as ended (None: nothing is known of it).

    ``last``: the driver's last copy (from the trial's results), ``written``: its record file, ``stop_status``:
    what a trial still running when the sweep ended became (stopped by the time budget, or cancelled), and
    ``stop_message`` its message (default: the time budget's for a stopped trial, else the trial's own).
    """
    record = written if written is not None and written.status != RUNNING else (written or last)
    if record is None:
        return None
    if last is not None and record.epochs < last.epochs:  # a file saved before the driver's last epoch
        record.epochs = last.epochs
    if record.status == RUNNING:
        record.status = stop_status
        if stop_message or stop_status == STOPPED:
            record.message = stop_message or TIME_BUDGET_STOP_MESSAGE
    return judge_target(record, metric)


def not_started(cancelled: bool, time_budget: bool, cancel_message: str) -> tuple[str, str]:
    """``(status, message)`` of a trial of the budget that never started."""
    if cancelled:
        return CANCELLED, cancel_message
    return STOPPED, TIME_BUDGET_NOT_STARTED_MESSAGE if time_budget else ENDED_NOT_STARTED_MESSAGE


def never_started(record: TrialRecord) -> bool:
    """A trial no Ray worker ran (only such trials have no worker process)."""
    return record.worker_pid is None and record.status != FINISHED


def closing_sentence(records: list[TrialRecord], metric: str, target_fa_per_hour: float | None,
                     has_best: bool) -> str:
    """What the sweep's summary says when no trial is the best ("" when one is)."""
    if has_best:
        return ""
    if metric == "frr" and any(r.status == MISSED_TARGET for r in records):
        return f"no trial reached the target of {target_fa_per_hour:g} false accepts per hour, so no model was copied"
    return "no trial finished"


def cluster_lost_sentence(where: str, records: list[TrialRecord], results: Path | None, problem: str = "") -> str:
    """The error of a sweep whose cluster (at ``where``) stopped answering: what is kept -- ``results`` (None: not
    written, because of ``problem``) with ``records`` -- and what to do."""
    ended = sum(1 for record in records if record.status != CANCELLED)
    if results is None:
        kept = f"its results could not be written ({problem})"
    elif ended:
        kept = f"{results} holds the {counted(ended, 'trial')} that had ended, the others listed as cancelled"
    else:
        kept = f"no trial had ended ({results} lists every trial as cancelled)"
    return f"{CLUSTER_LOST.format(where=where)}, so the sweep stopped: {kept}; {CLUSTER_LOST_REMEDY}"


def summary_text(sentence: str, warnings: list[str]) -> str:
    """The sweep's summary: why there is no best (or what the best model carries), then each warning."""
    return "; ".join([part for part in (sentence, *(WARNING_PREFIX + w for w in warnings)) if part])


def results_of_empty_sweep(out: Path, trials_dir: Path, names: tuple[str, ...]) -> list[Path]:
    """The result files (``names``; the first is results.json) in ``out`` of a sweep that started no trial.

    Why: a sweep cancelled (or stopped) before any trial started writes results that describe no trial; the
    same OUT must then be usable again, which a folder holding results otherwise is not. [] when ``out`` holds
    no results, trial folders, or a results.json of anything else.
    """
    results = out / names[0]
    if not results.is_file() or (trials_dir.is_dir() and any(p.is_dir() for p in trials_dir.iterdir())):
        return []
    try:
        trials = json.loads(results.read_text(encoding="utf-8")).get("trials")
    except (OSError, ValueError, AttributeError):
        return []  # not a sweep's results: the output folder check refuses the folder
    if not isinstance(trials, list) or not all(isinstance(t, dict) and t.get("worker_pid") is None for t in trials):
        return []
    return [out / name for name in names]
