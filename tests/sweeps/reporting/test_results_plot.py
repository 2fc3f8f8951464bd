"""results.png's y axis names the figure it plots: the objective (the int8 model's), not a results.csv column."""

from __future__ import annotations

import pytest

from workbench.sweeps.reporting.results import FINISHED, TrialRecord
from workbench.sweeps.reporting.results_plot import results_png


def test_the_y_axis_says_it_plots_the_objective_of_the_int8_model(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    from matplotlib.axes import Axes

    labels: list[str] = []
    real = Axes.set_ylabel
    monkeypatch.setattr(Axes, "set_ylabel", lambda ax, text, *a, **k: (labels.append(text), real(ax, text, *a, **k)))
    record = TrialRecord(trial_id="t1", spec="s", seed=1, status=FINISHED, objective=0.375, macs=336_000,
                         arena_bytes=9_032, val_balanced_accuracy=0.3375, validation_balanced_accuracy=0.375)
    assert results_png([record], "val_balanced_accuracy", "t1")[:8] == b"\x89PNG\r\n\x1a\n"
    assert labels == ["objective: int8 validation balanced accuracy"] * 2
    labels.clear()
    results_png([record], "frr", "t1")
    assert labels == ["objective: FRR at the target FA/h"] * 2
