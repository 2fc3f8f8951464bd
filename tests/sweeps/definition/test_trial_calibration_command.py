"""A trial's ``kws calibrate`` runs its sweep in one process: the sweep already runs its trials side by side, and
each calibration spreading over every CPU as well would oversubscribe the machine that many times."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.sweeps.definition import objectives
from workbench.sweeps.definition.objectives import ObjectiveStream, frr_objective
from workbench.sweeps.definition.sweep_file import ObjectiveSettings


class _Asked(Exception):
    """Stops the objective once the command it would run is known."""


def test_a_trials_calibration_asks_for_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[str]] = []

    def run_kws(args: list[str], *_: object) -> str:
        asked.append(list(args))
        raise _Asked

    monkeypatch.setattr(objectives, "_run_kws", run_kws)
    stream = ObjectiveStream(tmp_path / "stream.wav", tmp_path / "stream.json")
    with pytest.raises(_Asked):
        frr_objective(tmp_path / "model.tflite", stream, ObjectiveSettings(metric="frr"), tmp_path / "calibration")
    [args] = asked
    assert args[0] == "calibrate"
    assert args[args.index("--workers") + 1] == "1"
