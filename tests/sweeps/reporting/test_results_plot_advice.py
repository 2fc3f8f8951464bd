"""Without matplotlib the sweep's results.png cannot be drawn: one sentence saying how to get matplotlib in this
install (pip from a source install, the training package in the packaged app, which has no pip)."""

from __future__ import annotations

import pytest

from tests.no_matplotlib import block_matplotlib, pretend_frozen
from workbench.core.errors import WorkbenchError
from workbench.sweeps.reporting.results import FINISHED, TrialRecord
from workbench.plot_advice import PlotUnavailable
from workbench.sweeps.reporting.results_plot import results_png

RECORDS = [TrialRecord(trial_id="t1", spec="s", seed=1, status=FINISHED, objective=0.9, macs=336_000,
                       arena_bytes=9_032)]


@pytest.mark.parametrize("frozen, advice", [(False, "pip install matplotlib"),
                                            (True, "install the kws-workbench-training package")])
def test_a_missing_matplotlib_is_one_sentence_with_this_installs_remedy(monkeypatch: pytest.MonkeyPatch,
                                                                         frozen: bool, advice: str) -> None:
    block_matplotlib(monkeypatch)
    if frozen:
        pretend_frozen(monkeypatch)
    with pytest.raises(PlotUnavailable) as caught:
        results_png(RECORDS, "balanced_accuracy", "t1")
    message = str(caught.value)
    assert isinstance(caught.value, WorkbenchError)  # printed as one line, never a traceback
    assert message.startswith("drawing the sweep's results plot needs matplotlib: ")
    assert advice in message and ("pip" in message) is not frozen


def test_with_matplotlib_the_plot_is_a_png() -> None:
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    assert results_png(RECORDS, "balanced_accuracy", "t1")[:8] == b"\x89PNG\r\n\x1a\n"
