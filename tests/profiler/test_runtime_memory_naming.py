"""The tensor arena has one name in ``kws profile`` and ``kws board profile`` ("runtime memory", as MLTK's summary
line, the board's log and the model's ``runtime_memory_size`` name it), a board's figure beside an error is given in
bytes, and the figure the model stores is said beside the estimate when it differs (real CLI, real profiler)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.board.logs.profiler_log import parse_profiler_log
from workbench.board.runs.measured_report import attach_measurements
from workbench.cli.main import main
from workbench.core.model.model_params import read_params, write_params
from workbench.profiler.export import (RUNTIME_MEMORY_LABEL, RUNTIME_MEMORY_STORED, comparable_arena_bytes,
                                       format_units, summary_lines)
from workbench.profiler.report import RUNTIME_MEMORY_KEY, profile_model

SIM_LOGS = Path(__file__).resolve().parents[1] / "board" / "sim"


def _with_stored(tmp_path: Path, model: Path, stored: int | None) -> Path:
    """A copy of ``model`` storing ``stored`` as its runtime_memory_size (None: storing none)."""
    tflite = model.read_bytes()
    params = {k: v for k, v in read_params(tflite).items() if k != RUNTIME_MEMORY_KEY}
    path = tmp_path / f"stored_{stored}.tflite"
    path.write_bytes(write_params(tflite, params if stored is None else {**params, RUNTIME_MEMORY_KEY: stored}))
    return path


def _table(capsys, model: Path, *options: str) -> list[str]:
    assert main(["profile", str(model), *options]) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("accelerator", ["mvp", "none"])
def test_every_arena_line_of_kws_profile_has_the_one_name(capsys, reference_model_path: Path,
                                                          accelerator: str) -> None:
    lines = _table(capsys, reference_model_path, "--accelerator", accelerator)
    arena_lines = [line for line in lines if "RAM" in line and not line.startswith("Peak Activation RAM")]
    assert arena_lines and all(line.startswith(RUNTIME_MEMORY_LABEL) for line in arena_lines)
    assert any(line.startswith(f"{RUNTIME_MEMORY_LABEL} (bytes), estimated: ") for line in arena_lines)
    assert any("with MVP" in line for line in arena_lines) == (accelerator == "mvp")


@pytest.mark.parametrize("accelerator", ["mvp", "none"])
def test_a_stored_figure_that_differs_is_said_once_beside_the_estimate(capsys, tmp_path: Path, accelerator: str,
                                                                      reference_model_path: Path) -> None:
    estimate = comparable_arena_bytes(profile_model(reference_model_path.read_bytes(), accelerator=accelerator).summary)
    stored = estimate + 1000
    model = _with_stored(tmp_path, reference_model_path, stored)
    lines = _table(capsys, model, "--accelerator", accelerator)
    said = [line for line in lines if line.startswith(RUNTIME_MEMORY_STORED)]
    assert len(said) == 1
    assert f"{stored:,} bytes (its {RUNTIME_MEMORY_KEY}" in said[0]
    assert f"this profile estimates {estimate:,} bytes" in said[0]
    assert main(["profile", str(model), "--accelerator", accelerator, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["stored_runtime_memory_bytes"] == stored


@pytest.mark.parametrize("stored", ["estimate", None])
def test_no_stored_line_when_the_model_stores_the_estimate_or_nothing(capsys, tmp_path: Path, stored: str | None,
                                                                     reference_model_path: Path) -> None:
    estimate = comparable_arena_bytes(profile_model(reference_model_path.read_bytes()).summary)
    model = _with_stored(tmp_path, reference_model_path, estimate if stored else None)
    assert not any(line.startswith(RUNTIME_MEMORY_STORED) for line in _table(capsys, model))


@pytest.mark.parametrize("accelerator", ["mvp", "none"])
def test_a_board_figure_beside_its_error_is_given_in_bytes(reference_model_path: Path, accelerator: str) -> None:
    """The simulated board's 11,344 bytes against the estimate's 11,264 both round to 11.3k: beside -0.7 % they
    must be told apart."""
    log = parse_profiler_log((SIM_LOGS / f"profiler_{accelerator}.log").read_text())
    report = profile_model(reference_model_path.read_bytes(), name="seed", accelerator=accelerator)
    summary = attach_measurements(report, log, source="test board", platform="brd2601").summary
    board, estimate = summary.measured.runtime_memory_bytes, comparable_arena_bytes(summary)
    error = (estimate - board) / board * 100
    label = f"{RUNTIME_MEMORY_LABEL}{' with MVP' if accelerator == 'mvp' else ''}, measured"
    assert (label, f"{board:,} bytes (estimated {estimate:,} bytes, error {error:+.1f} %)") in summary_lines(summary)
    if accelerator == "mvp":  # the case of the audit: equal in MLTK's rounding, different figures
        assert format_units(board) == format_units(estimate) and board != estimate
