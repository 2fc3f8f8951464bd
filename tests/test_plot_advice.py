"""The one sentence about a missing matplotlib: pip from a source install, the training package in the bundle."""

from __future__ import annotations

import pytest

from tests.no_matplotlib import pretend_frozen
from workbench.core.errors import WorkbenchError
from workbench.plot_advice import PlotUnavailable, matplotlib_advice, plot_unavailable


def test_a_source_install_is_told_to_pip_install_matplotlib() -> None:
    assert matplotlib_advice() == "pip install matplotlib"
    error = plot_unavailable("the DET plot")
    assert isinstance(error, PlotUnavailable) and isinstance(error, WorkbenchError)  # the CLI prints it, no traceback
    assert str(error) == "drawing the DET plot needs matplotlib: pip install matplotlib"


def test_the_packaged_app_is_told_to_install_the_training_package(monkeypatch: pytest.MonkeyPatch) -> None:
    pretend_frozen(monkeypatch)  # the bundle has no pip: matplotlib comes with the training runtime
    advice = matplotlib_advice()
    assert "kws-workbench-training package" in advice and "matplotlib" in advice and "pip" not in advice
    assert str(plot_unavailable("the DET plot")) == f"drawing the DET plot needs matplotlib: {advice}"
