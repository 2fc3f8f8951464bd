"""``kws sweep`` with a time budget on a local Ray instance: however the budget falls, every trial of the
budget has a final status in results.csv, and a trial whose record file says finished counts."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

from workbench.child_command import kws_command

from sweep_data import sweep_text, write_sweep

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = pytest.mark.ray

TRIALS = 3
BUDGET = "time_minutes = 0.4"  # shorter than three 30-epoch trials on 2 CPUs: the budget ends the sweep
SWEEP_TIMEOUT_S = 300


def test_every_trial_the_time_budget_ends_has_the_status_its_record_says(speech_slice: Path, tmp_path: Path) -> None:
    text = sweep_text(speech_slice, trials=TRIALS, epochs=30).replace(f"trials = {TRIALS}",
                                                                      f"trials = {TRIALS}\n{BUDGET}")
    out = tmp_path / "out"
    done = subprocess.run(kws_command("sweep", str(write_sweep(tmp_path, text)), "--out", str(out),
                                      "--num-cpus", "2", "--format", "jsonl"),
                          capture_output=True, text=True, timeout=SWEEP_TIMEOUT_S)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert len(rows) == TRIALS and not [r for r in rows if r["status"] == "running"], rows
    assert sorted(e["trial"]["trial_id"] for e in events if e["event"] == "trial_end") == \
        sorted(r["trial_id"] for r in rows)  # a line (and a GUI row) per trial
    finished = []
    for row in rows:
        record_file = out / "trials" / row["trial_id"] / "sweep-trial.json"
        if record_file.is_file():
            written = json.loads(record_file.read_text())["status"]
            assert row["status"] == (written if written != "running" else "stopped"), row
            finished += [row["trial_id"]] if written == "finished" else []
    results = json.loads((out / "results.json").read_text())
    assert (results["best_trial"] is not None) == bool(finished)
    if finished:
        assert results["best_trial"] in finished and Path(results["model"]).parent == out.resolve()
