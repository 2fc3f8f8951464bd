"""make bench's selection: the long benchmarks (training, sweeps, synthetic speech, packages) are marked long, so
they are left out unless asked for, and ``--list`` says which run by default."""

from __future__ import annotations

import pytest

import run_all

LONG_ONES = ("bench_training.py", "bench_sweeps.py", "bench_synthetic_keywords.py", "bench_package.py")
QUICK_ONES = ("bench_frontend.py", "bench_gui.py", "bench_engine.py")


def test_list_marks_the_long_benchmarks_and_the_default_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_all.main(["--list"]) == 0
    listed = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line.startswith("bench_")}
    assert set(listed) == {script.name for script in run_all.scripts()}
    for name in LONG_ONES:
        assert "long, not run by default: " + run_all.LONG[name] in listed[name], name
    for name in QUICK_ONES:
        assert listed[name].split(maxsplit=1)[1] == "runs by default", name


def test_every_long_mark_names_a_benchmark_that_exists() -> None:
    assert set(run_all.LONG) <= {script.name for script in run_all.scripts()}
