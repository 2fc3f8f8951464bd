"""A second SIGTERM to ``kws sweep`` that comes after the trials have ended -- while Ray shuts down -- leaves the
results, as one while they are written does.

Why it can come then: the Sweeps view's Cancel sends SIGTERM again a minute after the first when the sweep has not
ended (:data:`workbench.gui.training.sweeps.sweep_process.INSIST_AFTER_MS`), and a trial that took about that long
to stop has just ended. The second signal then stopped the command at once, in Ray's shutdown, before any result was
written ("kws: interrupted", no results.json): the one thing "stop at once" was meant to keep. Here ``kws sweep``
runs in-process on a real local Ray instance; the trials are left out (their cancel is another test's): the first
SIGTERM comes where Tune would run them, the second just before Ray's shutdown.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from pathlib import Path
from typing import Any, Iterator

import pytest

from workbench.cli.main import main

from sweep_data import sweep_text, write_sweep

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = pytest.mark.ray

CPUS = "2"


@pytest.fixture
def no_ray_in_this_process() -> None:
    """Ray as a ``kws sweep`` process finds it: not started. Tests of the trial code earlier in this pytest process
    (a Tune trainable run without Tune) may leave the driver that Ray starts on first use."""
    if ray.is_initialized():
        ray.shutdown()


def test_a_second_sigterm_after_the_trials_ended_still_leaves_the_results(
        no_ray_in_this_process: None, speech_slice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.sweeps import sweep_run
    from workbench.sweeps.on_ray import ray_session

    real_cluster = ray_session.ray_cluster

    def trials_stopped_by_a_sigterm(_run: Any, _stream: Any, _slots: Any) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # Cancel: every trial stops, and Tune returns

    @contextlib.contextmanager
    def second_sigterm_as_ray_shuts_down(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with real_cluster(*args, **kwargs) as cluster:
            yield cluster
            os.kill(os.getpid(), signal.SIGTERM)  # the window insisting, a minute after its first

    monkeypatch.setattr(sweep_run.SweepRun, "_tune", trials_stopped_by_a_sigterm)
    monkeypatch.setattr(ray_session, "ray_cluster", second_sigterm_as_ray_shuts_down)
    out = tmp_path / "out"
    code = main(["sweep", str(write_sweep(tmp_path, sweep_text(speech_slice))), "--out", str(out), "--num-cpus",
                 CPUS, "--format", "jsonl"])
    captured = capsys.readouterr()
    assert code == 130 and "interrupted" not in captured.err, captured.err
    results = json.loads((out / "results.json").read_text())
    assert results["status"] == "cancelled" and len(results["trials"]) == 2
    assert json.loads(captured.out.splitlines()[-1])["event"] == "done"
