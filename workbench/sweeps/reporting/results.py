"""What each trial did, and the sweep's results table (``results.csv``, ``results.json``).

Why one record type: the trial (in its Ray worker) fills it, Tune carries it to the driver in the
trial's last result, the driver writes it into the table and prints it as a ``trial_end`` event, and
the GUI reads the same keys from that event. The objective is always stored as the user reads it
(balanced accuracy: higher is better; FRR: lower is better); ranking applies the direction.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from workbench.core.atomic_write import atomic_write_text

RESULTS_CSV = "results.csv"
RESULTS_JSON = "results.json"
# statuses: only "finished" trials have an objective and can be the best
FINISHED, EARLY_STOPPED, STOPPED, CANCELLED = "finished", "early_stopped", "stopped", "cancelled"
REJECTED, INVALID, FAILED, RUNNING = "rejected", "invalid", "failed", "running"
MISSED_TARGET = "missed_target"  # frr objective: no detection parameters reach the target FA/h
# Keras' per-epoch figure under a name of its own in every file and event: the objective "val_balanced_accuracy"
# is the int8 model's (validation_balanced_accuracy), and a column named like it must not hold another figure
KERAS_VAL_KEY = "keras_val_balanced_accuracy_last_epoch"
_OUTSIDE_NAMES = {"val_balanced_accuracy": KERAS_VAL_KEY}  # field -> its key in dicts, files and events
_CSV_FIXED = ("trial_id", "status", "objective", "spec", "seed", "epochs", KERAS_VAL_KEY,
              "validation_balanced_accuracy", "test_balanced_accuracy", "frr", "fa_per_hour", "detection", "macs",
              "parameters", "flash_bytes", "arena_bytes", "estimated_flash_bytes", "estimated_arena_bytes",
              "wall_s", "node_id", "worker_pid", "child_pid", "folder", "model", "message")


@dataclass
class TrialRecord:
    """One trial: identity, the values it tried, what it cost and what it scored."""

    trial_id: str
    spec: str
    seed: int | None  # None: a trial of the budget that was never created (the sweep was cancelled first)
    params: dict[str, Any] = field(default_factory=dict)
    status: str = RUNNING
    objective: float | None = None
    epochs: int = 0
    val_balanced_accuracy: float | None = None  # last epoch's, from Keras (what ASHA compares)
    validation_balanced_accuracy: float | None = None  # the int8 model through the live path
    test_balanced_accuracy: float | None = None  # reported only, never used to choose
    frr: float | None = None
    fa_per_hour: float | None = None
    # frr objective: the detection parameters frr and fa_per_hour are for (its calibration's recommendation, as
    # the model stores them); the best model is copied with them
    detection: dict[str, Any] | None = None
    macs: int | None = None
    parameters: int | None = None
    estimated_flash_bytes: int | None = None
    estimated_arena_bytes: int | None = None
    flash_bytes: int | None = None  # of the trained int8 model
    arena_bytes: int | None = None  # its runtime_memory_size
    wall_s: float | None = None
    node_id: str = ""
    worker_pid: int | None = None
    child_pid: int | None = None
    folder: str = ""
    model: str | None = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {_OUTSIDE_NAMES.get(k, k): _json_safe(v) for k, v in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrialRecord":
        """The record of :meth:`to_dict`'s keys (a record file of an older sweep, with the field names, too)."""
        names = {f.name for f in dataclasses.fields(cls)}
        inside = {outside: name for name, outside in _OUTSIDE_NAMES.items()}
        fields = {inside.get(k, k): v for k, v in data.items() if inside.get(k, k) in names}
        return cls(**fields)


def values_text(record: TrialRecord) -> str:
    """The values a trial tried, short ("lr=0.0003, filters=[8, 16]"): 4 significant digits for fractions."""
    return ", ".join(f"{name}={_value_text(value)}" for name, value in record.params.items())


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "[" + ", ".join(_value_text(v) for v in value) + "]"
    return json.dumps(value)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def rank(records: Iterable[TrialRecord], mode: str) -> list[TrialRecord]:
    """Finished trials with an objective, best first (``mode`` "max" or "min").

    Ties go to the cheaper model (fewer MACs, then the smaller arena): it costs the board less for
    the same score.
    """
    scored = [r for r in records if r.status == FINISHED and r.objective is not None]
    sign = -1.0 if mode == "max" else 1.0
    return sorted(scored, key=lambda r: (sign * r.objective, r.macs or 0,  # type: ignore[operator]
                                         r.arena_bytes or r.estimated_arena_bytes or 0, r.trial_id))


def judge_target(record: TrialRecord, metric: str) -> TrialRecord:
    """A finished ``frr`` trial whose model reaches no detection parameters at the target FA/h becomes
    :data:`MISSED_TARGET` (its message says why): its stand-in FRR of 1.0 is no measurement, so it must
    neither rank nor be copied as the best model."""
    if metric == "frr" and record.status == FINISHED and record.frr is None:
        record.status, record.objective = MISSED_TARGET, None
    return record


def best_so_far(records: list[TrialRecord], mode: str) -> list[float | None]:
    """The best objective after each record (in the given order), for the "best so far" curve."""
    best: float | None = None
    curve: list[float | None] = []
    for r in records:
        if r.status == FINISHED and r.objective is not None:
            if best is None or (r.objective > best if mode == "max" else r.objective < best):
                best = r.objective
        curve.append(best)
    return curve


def param_columns(records: Iterable[TrialRecord]) -> list[str]:
    return sorted({k for r in records for k in r.params})


def results_csv(records: list[TrialRecord]) -> str:
    params = param_columns(records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*_CSV_FIXED, *params])
    for r in records:
        row = r.to_dict()
        cells = ["" if row[k] is None else json.dumps(row[k]) if isinstance(row[k], dict) else row[k]
                 for k in _CSV_FIXED]
        cells += [json.dumps(r.params[p]) if isinstance(r.params.get(p), list) else r.params.get(p, "")
                  for p in params]
        writer.writerow(cells)
    return buffer.getvalue()


def write_results(folder: Path, document: dict[str, Any], records: list[TrialRecord]) -> list[Path]:
    """``results.json`` (the document with every record) and ``results.csv``, each written atomically."""
    payload = {**document, "trials": [r.to_dict() for r in records]}
    return [atomic_write_text(folder / RESULTS_JSON, json.dumps(_json_safe(payload), indent=1) + "\n"),
            atomic_write_text(folder / RESULTS_CSV, results_csv(records))]
