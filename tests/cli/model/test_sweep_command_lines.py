"""``kws sweep``'s text lines: RAM as kws profile writes bytes, trials that never started, the closing sentence."""

from __future__ import annotations

import io

from workbench.cli.model.sweep_command import _TextPrinter

PROFILE_RAM = 15_456  # kws profile shows this arena as 15.5k


def _trial_line(**trial: object) -> str:
    stream = io.StringIO()
    record = {"trial_id": "t_00000", "status": "finished", "objective": 0.5, "epochs": 3, "macs": 504_000, **trial}
    _TextPrinter(stream)({"event": "trial_end", "trial": record, "best_objective": 0.5})
    return stream.getvalue()


def test_ram_reads_as_kws_profile_writes_it_and_is_a_dash_for_a_trial_that_never_started() -> None:
    assert "RAM 15.5k  " in _trial_line(arena_bytes=PROFILE_RAM)
    assert "RAM 15.5k  " in _trial_line(estimated_arena_bytes=PROFILE_RAM)  # before training: the estimate
    line = _trial_line(status="stopped", objective=None, epochs=0, macs=None,
                       message="the time budget ran out before this trial started")
    assert "RAM -  " in line and "kB" not in line


def test_a_sweep_without_a_best_trial_ends_with_its_summary() -> None:
    stream = io.StringIO()
    summary = "no trial reached the target of 2 false accepts per hour, so no model was copied"
    _TextPrinter(stream)({"event": "done", "status": "finished", "best": None, "model": None,
                          "results": ["OUT/results.csv"], "summary": summary})
    assert stream.getvalue().splitlines()[0] == f"sweep finished: {summary}"
