"""Text renderings of refit-scaled and board-measured profiles say what their figures are."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.board.logs.profiler_log import parse_profiler_log
from workbench.board.runs.measured_report import attach_measurements
from workbench.profiler.export import to_markdown, to_text_table
from workbench.profiler.refit import apply_refit, fit_refit
from workbench.profiler.report import profile_model

SIM_LOGS = Path(__file__).resolve().parents[1] / "board" / "sim"


def _measured(model: Path, accelerator: str):
    log = parse_profiler_log((SIM_LOGS / f"profiler_{accelerator}.log").read_text())
    report = profile_model(model.read_bytes(), name="seed", accelerator=accelerator)
    return attach_measurements(report, log, source="test board", platform="brd2601")


@pytest.fixture
def refit_report(reference_model_path: Path):
    refit = fit_refit([_measured(reference_model_path, "mvp").to_dict()])
    return apply_refit(profile_model(reference_model_path.read_bytes(), name="seed"), refit)


def test_refit_figures_are_not_called_plain_estimates(refit_report, reference_model_path: Path) -> None:
    table = to_text_table(refit_report)
    assert table.splitlines()[0] == ("Profiling Summary (estimated for EFR32xG24, scaled by board measurements "
                                     "(refit); not measured on a board)")
    assert "Time (s), estimated, scaled by board measurements (refit): 6.1m" in table
    assert "CPU Cycle Count, estimated, scaled by board measurements (refit): 115.0k" in table
    assert "RAM, Runtime Memory Size (bytes), estimated: " in table  # the refit does not touch RAM
    assert to_markdown(refit_report).startswith("# Model profile (estimated, scaled by board measurements (refit))")
    plain = to_text_table(profile_model(reference_model_path.read_bytes(), name="seed"))
    assert plain.splitlines()[0] == "Profiling Summary (estimated for EFR32xG24; not measured on a board)"
    assert "Time (s), estimated: " in plain and "refit" not in plain
