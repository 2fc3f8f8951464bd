"""Ranking trials and the results table."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from workbench.sweeps.reporting.results import (EARLY_STOPPED, FINISHED, REJECTED, TrialRecord, best_so_far, rank,
                                      results_csv, write_results)


def _record(trial_id: str, status: str, objective: float | None, macs: int = 1000, **params: object) -> TrialRecord:
    return TrialRecord(trial_id=trial_id, spec="s", seed=1, status=status, objective=objective, macs=macs,
                       params=dict(params))


def test_only_finished_trials_rank_and_ties_go_to_the_cheaper_model() -> None:
    records = [_record("a", FINISHED, 0.8, macs=3000), _record("b", EARLY_STOPPED, None),
               _record("c", FINISHED, 0.9, macs=5000), _record("d", FINISHED, 0.8, macs=1000),
               _record("e", REJECTED, None)]
    assert [r.trial_id for r in rank(records, "max")] == ["c", "d", "a"]
    assert [r.trial_id for r in rank(records, "min")] == ["d", "a", "c"]
    assert best_so_far(records, "max") == [0.8, 0.8, 0.9, 0.9, 0.9]
    assert best_so_far(records, "min") == [0.8, 0.8, 0.8, 0.8, 0.8]


def test_the_table_has_a_column_per_searched_value_and_json_has_no_nan(tmp_path: Path) -> None:
    records = [_record("a", FINISHED, 0.75, **{"training.learning_rate": 0.01, "augmentation.bg_noise_range": [0.0, 0.2]}),
               _record("b", REJECTED, float("nan"), **{"layers.1.filters": 40})]
    rows = list(csv.DictReader(io.StringIO(results_csv(records))))
    assert [r["trial_id"] for r in rows] == ["a", "b"]
    assert rows[0]["augmentation.bg_noise_range"] == "[0.0, 0.2]" and rows[1]["layers.1.filters"] == "40"
    assert rows[0]["objective"] == "0.75" and rows[1]["training.learning_rate"] == ""
    write_results(tmp_path, {"sweep": "x", "best_trial": "a"}, records)
    document = json.loads((tmp_path / "results.json").read_text())
    assert document["best_trial"] == "a" and document["trials"][1]["objective"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for v in document["trials"][1].values())
