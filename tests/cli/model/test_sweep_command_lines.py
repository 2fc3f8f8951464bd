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


def test_the_start_line_counts_cpus_in_words() -> None:
    lines = []
    for cpus in (1.0, 2.0):
        stream = io.StringIO()
        _TextPrinter(stream)({"event": "start", "sweep": "s", "trials": 2, "objective": "frr", "mode": "min",
                              "address": "local", "cpus": cpus, "nodes": 1})
        lines.append(stream.getvalue().strip())
    assert lines == ["sweep s: 2 trials, objective frr (min), Ray local (1 CPU, 1 node)",
                     "sweep s: 2 trials, objective frr (min), Ray local (2 CPUs, 1 node)"]


def test_a_sweep_with_a_best_trial_ends_with_its_summary_and_each_warning_on_a_line() -> None:
    stream = io.StringIO()
    carries = "the model carries its calibration's recommended detection parameters (detection_threshold 254)"
    _TextPrinter(stream)({"event": "done", "status": "finished", "model": "OUT/m.tflite",
                          "best": {"trial_id": "t_00000", "objective": 1.0}, "results": ["OUT/results.csv"],
                          "summary": f"{carries}; warning: it detects nothing", "warnings": ["it detects nothing"]})
    assert stream.getvalue().splitlines() == ["sweep finished: best trial t_00000 objective 1.0000; model OUT/m.tflite",
                                              carries, "warning: it detects nothing", "wrote OUT/results.csv"]
