"""results.png's y axis names the figure it plots: the objective (the int8 model's), not a results.csv column."""

from __future__ import annotations

import pytest

from workbench.sweeps.reporting.results import CANCELLED, FINISHED, TrialRecord
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


def test_a_plot_without_a_finished_trial_shows_no_made_up_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    # an empty scatter's axes ran from -0.06 to 0.06: negative MACs and objectives around the "no finished trial"
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    from matplotlib.figure import Figure

    figures: list[Figure] = []
    real = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **k: (figures.append(fig), real(fig, *a, **k)))
    record = TrialRecord(trial_id="t1", spec="s", seed=1, status=CANCELLED, macs=336_000)
    assert results_png([record], "val_balanced_accuracy", None)[:8] == b"\x89PNG\r\n\x1a\n"
    panels = figures[0].axes
    assert len(panels) == 2
    for ax in panels:
        assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
        assert [t.get_text() for t in ax.texts] == ["no finished trial"] and ax.get_xlabel()
