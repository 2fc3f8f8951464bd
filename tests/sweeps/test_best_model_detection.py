"""The best model of an ``frr`` sweep carries the detection parameters its figures are for, and the summary says
so -- or warns when those parameters detect none of the stream's keywords.

No Ray here: the driver (:class:`SweepRun`) is given a finished trial's record as its calibration left it (FRR and
FA/h of the recommended parameters, and those parameters), its model a real trained model (the reference model,
whose own parameters are the spec's: threshold 185, window 1000 ms, count 3), as on the audit's frr sweep.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from workbench.core.model.model_file import load_model
from workbench.sweeps.definition.sweep_file import load_sweep
from workbench.sweeps.reporting.results import FINISHED, TrialRecord
from workbench.sweeps.sweep_preflight import TRIAL_SPEC_FILE, prepare_out_folder
from workbench.sweeps.sweep_run import SweepOptions, SweepOutcome, SweepRun
from workbench.sweeps.definition.trial_spec import trial_spec

from sweep_data import sweep_text, write_sweep

FRR_FIXED = '"data.validation_resplit_percent" = "off"\n'
# a calibration's recommended set, as kws calibrate's document gives it (the model's own latency)
RECOMMENDED = {"detection_threshold": 254, "average_window_duration_ms": 300, "suppression_ms": 500,
               "minimum_count": 1, "detection_threshold_list": None, "latency_ms": 100}
OWN = {"detection_threshold": 185, "average_window_duration_ms": 1000, "minimum_count": 3}  # the reference model's


def _finished_frr_sweep(tmp_path: Path, model: Path, events: list[dict[str, Any]], **figures: Any) -> SweepOutcome:
    dataset = tmp_path / "data"
    (dataset / "yes").mkdir(parents=True)
    text = sweep_text(dataset, trials=1).replace("[fixed]\n", "[fixed]\n" + FRR_FIXED) + \
        '\n[objective]\nmetric = "frr"\n'
    sweep = load_sweep(write_sweep(tmp_path, text))
    run = SweepRun(sweep, SweepOptions(out=tmp_path / "out"), emit=events.append)
    prepare_out_folder(run.out, sweep)
    folder = run.trials_dir / "t_00000"
    folder.mkdir(parents=True)
    trained = Path(shutil.copy(model, folder / model.name))
    (folder / TRIAL_SPEC_FILE).write_text(trial_spec(sweep, sweep.specs[0], {}).to_toml(), encoding="utf-8")
    run._started_at = time.monotonic()
    record = TrialRecord(trial_id="t_00000", spec="tflite_micro_speech", seed=7, status=FINISHED, epochs=2,
                         folder=str(folder), model=str(trained), worker_pid=1, child_pid=2, **figures)
    run.trial_result(record.trial_id, {"record": record.to_dict(), "done": True, "status": FINISHED})
    run.trial_ended(record.trial_id)
    return run._finish(list(run.records.values()))


def test_the_copied_best_model_carries_the_recommended_parameters_and_the_summary_says_so(
        tmp_path: Path, reference_model_path: Path) -> None:
    events: list[dict[str, Any]] = []
    outcome = _finished_frr_sweep(tmp_path, reference_model_path, events, objective=0.25, frr=0.25,
                                  fa_per_hour=1.5, detection=RECOMMENDED)

    assert outcome.model is not None and outcome.model.parent == (tmp_path / "out").resolve()
    params = load_model(outcome.model).params
    assert {key: params.get(key) for key in RECOMMENDED if key != "detection_threshold_list"} == \
        {key: value for key, value in RECOMMENDED.items() if key != "detection_threshold_list"}
    assert "detection_threshold_list" not in params
    trained = load_model(outcome.best.model).params  # the trial's own model keeps what kws train wrote
    assert {key: trained[key] for key in OWN} == OWN
    done = [e for e in events if e["event"] == "done"][0]
    assert done["summary"] == ("the model carries its calibration's recommended detection parameters "
                               "(detection_threshold 254, average_window_duration_ms 300, suppression_ms 500, "
                               "minimum_count 1): FRR 25.0 % at 1.5 FA/h on the validation stream")
    assert done["warnings"] == [] and done["best"]["detection"] == RECOMMENDED
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["model_detection"] == RECOMMENDED and results["summary"] == done["summary"]
    header = (tmp_path / "out" / "best-spec.toml").read_text().split("\nname = ")[0]
    assert "not\n# this spec's [detection]: detection_threshold 254, average_window_duration_ms 300" in header


def test_a_best_trial_whose_recommendation_misses_every_keyword_is_warned_of(tmp_path: Path,
                                                                             reference_model_path: Path) -> None:
    events: list[dict[str, Any]] = []
    outcome = _finished_frr_sweep(tmp_path, reference_model_path, events, objective=1.0, frr=1.0,
                                  fa_per_hour=0.0, detection=RECOMMENDED)

    assert outcome.best is not None and outcome.model is not None  # still the sweep's best, copied as measured
    assert load_model(outcome.model).params["detection_threshold"] == RECOMMENDED["detection_threshold"]
    warning = ("the best trial's recommended detection parameters detect none of the validation stream's keywords "
               "(FRR 100 % at 0.0 FA/h), so its model is no setting to ship: train longer (epochs), search other "
               "settings or raise [objective] target_fa_per_hour")
    assert [e["message"] for e in events if e["event"] == "message"] == [f"warning: {warning}"]  # on stderr
    done = [e for e in events if e["event"] == "done"][0]
    assert done["warnings"] == [warning] and done["summary"].endswith(f"; warning: {warning}")
    assert json.loads((tmp_path / "out" / "results.json").read_text())["warnings"] == [warning]
