"""How a sweep ends when Tune did not report every trial's end: the trials' own record files decide.

No Ray here: the driver (:class:`SweepRun`) is given what Tune's callbacks would have given it -- the last
results of trials still "running" when Tune's time budget ended the run -- and the trial folders hold the
record files the trials wrote, as on a real sweep (the audit's ``timeb.toml``).
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

import pytest

from workbench.core.errors import WorkbenchError
from workbench.sweeps.definition.sweep_file import load_sweep
from workbench.sweeps.reporting.results import FINISHED, MISSED_TARGET, RUNNING, STOPPED, TrialRecord
from workbench.sweeps.sweep_preflight import TRIAL_RECORD_FILE, prepare_out_folder
from workbench.sweeps.sweep_run import SweepOptions, SweepRun

from sweep_data import sweep_text, write_sweep

BUDGET_MINUTES = 0.25
PAST_THE_BUDGET_S = 60.0  # the run started this long ago: Tune's time budget has ended it
MODEL_BYTES = b"TFL3 the finished trial's model"
FRR_FIXED = '"data.validation_resplit_percent" = "off"\n'


def _sweep(folder: Path, dataset: Path, *, trials: int, objective: str = "") -> Any:
    text = sweep_text(dataset, trials=trials, epochs=30).replace(
        f"[budget]\ntrials = {trials}", f"[budget]\ntrials = {trials}\ntime_minutes = {BUDGET_MINUTES}")
    if objective:
        text = text.replace("[fixed]\n", "[fixed]\n" + FRR_FIXED) + f"\n[objective]\n{objective}\n"
    return load_sweep(write_sweep(folder, text))


def _driver(sweep: Any, out: Path, events: list[dict[str, Any]]) -> SweepRun:
    run = SweepRun(sweep, SweepOptions(out=out), emit=events.append)
    prepare_out_folder(run.out, sweep)
    run.trials_dir.mkdir()
    run._started_at = time.monotonic() - PAST_THE_BUDGET_S
    return run


def _trial(run: SweepRun, trial_id: str, status: str, epochs: int, **figures: Any) -> TrialRecord:
    """A trial Tune created and started: its folder, the record it wrote there, and the driver's last copy
    (still running: the record with the trial's end never reached the driver)."""
    folder = run.trials_dir / trial_id
    folder.mkdir()
    written = TrialRecord(trial_id=trial_id, spec="tflite_micro_speech", seed=7, status=status, epochs=epochs,
                          folder=str(folder), worker_pid=1, child_pid=2, **figures)
    if written.model:
        Path(written.model).write_bytes(MODEL_BYTES)
    (folder / TRIAL_RECORD_FILE).write_text(json.dumps(written.to_dict()), encoding="utf-8")
    last = TrialRecord.from_dict(written.to_dict())
    last.status, last.objective, last.model, last.epochs = RUNNING, None, None, epochs - 1
    run.trials_seen([(trial_id, {"params": {}, "seed": 7})])
    run.records[trial_id] = last
    return last


def test_trials_the_time_budget_cut_take_their_status_from_their_record_files(speech_slice: Path,
                                                                              tmp_path: Path) -> None:
    events: list[dict[str, Any]] = []
    run = _driver(_sweep(tmp_path, speech_slice, trials=3), tmp_path / "out", events)
    model = run.trials_dir / "t_00000" / "model.tflite"
    _trial(run, "t_00000", FINISHED, 30, objective=0.5625, validation_balanced_accuracy=0.5625, model=str(model))
    _trial(run, "t_00001", RUNNING, 10)  # interrupted by the budget: its file still says running
    outcome = run._finish(list(run.records.values()))  # the third trial was never created

    statuses = {r.trial_id: r.status for r in outcome.records}
    assert statuses == {"t_00000": FINISHED, "t_00001": STOPPED, "t_00002": STOPPED}, statuses
    assert outcome.best is not None and outcome.best.trial_id == "t_00000" and outcome.best.objective == 0.5625
    assert outcome.model == run.out / "model.tflite" and outcome.model.read_bytes() == MODEL_BYTES
    messages = {r.trial_id: r.message for r in outcome.records}
    assert messages["t_00001"] == "stopped by the time budget"
    assert messages["t_00002"] == "the time budget ran out before this trial started"
    rows = list(csv.DictReader((run.out / "results.csv").open()))
    assert [(r["trial_id"], r["status"], r["epochs"]) for r in rows] == [
        ("t_00000", FINISHED, "30"), ("t_00001", STOPPED, "10"), ("t_00002", STOPPED, "0")]
    assert json.loads((run.out / "results.json").read_text())["best_trial"] == "t_00000"
    ended = [e["trial"]["trial_id"] for e in events if e["event"] == "trial_end"]
    assert sorted(ended) == ["t_00000", "t_00001", "t_00002"]  # each announced: a line per trial, GUI rows
    done = [e for e in events if e["event"] == "done"][0]
    assert [t["status"] for t in done["trials"]] == [FINISHED, STOPPED, STOPPED]


def test_frr_trials_that_reach_no_parameters_at_the_target_are_not_the_best(speech_slice: Path,
                                                                           tmp_path: Path) -> None:
    events: list[dict[str, Any]] = []
    sweep = _sweep(tmp_path, speech_slice, trials=1, objective='metric = "frr"\ntarget_fa_per_hour = 2')
    run = _driver(sweep, tmp_path / "out", events)
    model = run.trials_dir / "t_00000" / "model.tflite"
    _trial(run, "t_00000", FINISHED, 30, objective=1.0, frr=None, model=str(model),
           message="no detection parameters reach 2 FA/h")
    written = json.loads((run.trials_dir / "t_00000" / TRIAL_RECORD_FILE).read_text())
    run.trial_result("t_00000", {"record": written, "done": True, "status": FINISHED})  # its last result
    run.trial_ended("t_00000")  # and Tune reports its end
    assert [e["trial"]["status"] for e in events if e["event"] == "trial_end"] == [MISSED_TARGET]
    assert events[-1]["best_trial"] is None

    outcome = run._finish(list(run.records.values()))
    assert outcome.best is None and outcome.model is None and not (run.out / "model.tflite").exists()
    record = outcome.records[0]
    assert (record.status, record.message) == (MISSED_TARGET, "no detection parameters reach 2 FA/h")
    done = [e for e in events if e["event"] == "done"][0]
    assert done["summary"] == "no trial reached the target of 2 false accepts per hour, so no model was copied"
    assert json.loads((run.out / "results.json").read_text())["summary"] == done["summary"]


def test_an_output_folder_of_a_sweep_cancelled_before_any_trial_can_be_used_again(speech_slice: Path,
                                                                                  tmp_path: Path) -> None:
    sweep = load_sweep(write_sweep(tmp_path, sweep_text(speech_slice)))
    for _ in range(2):  # the second run in the same OUT: refused as "already holds a sweep" before
        run = SweepRun(sweep, SweepOptions(out=tmp_path / "out"))
        run.cancel("a test")  # before Ray starts: no trial runs
        outcome = run.run()
        assert outcome.status == "cancelled" and all(r.worker_pid is None for r in outcome.records)
    run._finish([])  # results of no trial
    trial = tmp_path / "out" / "trials" / "t_00000"
    trial.mkdir()  # a trial ran: the folder holds a sweep
    with pytest.raises(WorkbenchError, match="already holds a sweep"):
        SweepRun(sweep, SweepOptions(out=tmp_path / "out")).run()
