"""Ranking trials and the results table."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from workbench.sweeps.reporting.results import (EARLY_STOPPED, FINISHED, KERAS_VAL_KEY, REJECTED, TrialRecord,
                                                best_so_far, rank, results_csv, write_results)


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


def test_no_column_named_like_the_objective_holds_keras_per_epoch_figure(tmp_path: Path) -> None:
    # the objective val_balanced_accuracy is the int8 model's (validation_balanced_accuracy); Keras' last-epoch
    # value is another figure and must not sit in a column of the objective's name
    record = _record("a", FINISHED, 0.375)
    record.val_balanced_accuracy, record.validation_balanced_accuracy = 0.3375, 0.375
    row = next(csv.DictReader(io.StringIO(results_csv([record]))))
    assert "val_balanced_accuracy" not in row and row[KERAS_VAL_KEY] == "0.3375"
    assert row["objective"] == row["validation_balanced_accuracy"] == "0.375"
    write_results(tmp_path, {"sweep": "x"}, [record])
    trial = json.loads((tmp_path / "results.json").read_text())["trials"][0]
    assert "val_balanced_accuracy" not in trial and trial[KERAS_VAL_KEY] == 0.3375
    assert TrialRecord.from_dict(trial).val_balanced_accuracy == 0.3375  # records read back (events, files)
    assert TrialRecord.from_dict({**trial, "val_balanced_accuracy": 0.5}).val_balanced_accuracy == 0.5  # older file
