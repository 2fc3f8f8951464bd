"""`kws calibrate --workers`: the sweep on worker processes prints the figures of one process, Ctrl+C or SIGTERM
during it is the usual clean stop, and a count below one is one sentence.

Real parts: a two-minute stream of Speech Commands clips, the reference model, `kws calibrate` in-process and in a
child process (its own process group, so that Ctrl+C reaches it and its workers as a terminal sends it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.calibration.conftest import real_stream, speech_commands  # noqa: F401  (fixtures)
from workbench.calibration.calibration_run import SWEEP_SHARE
from workbench.calibration.sweep.sweep_workers import SweepWorkers
from workbench.child_command import kws_command
from workbench.cli.main import main

# a per-class grid of 11,532 sets: on a two-minute stream, above the size from which the sweep uses its workers
POOLED_GRID = ("--per-class-thresholds", "--thresholds", "100:254:5", "--windows-ms", "300,750,1000",
               "--suppressions-ms", "500,1500", "--counts", "1,3")
SWEEP_START = 1 - SWEEP_SHARE  # the whole job's progress when the sweep begins
SPAWNED_WORKER = "spawn_main"  # in the command line of a spawned multiprocessing worker


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def spawned_children(pid: int) -> list[int]:
    """The spawned worker processes among ``pid``'s children (Linux: /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children
            if SPAWNED_WORKER in Path(f"/proc/{c}/cmdline").read_bytes().decode(errors="replace")]


def test_the_figures_on_two_workers_are_those_of_one(  # type: ignore[no-untyped-def]
        capsys, real_stream, reference_model_path) -> None:  # noqa: F811
    documents = []
    for workers in ("1", "2"):
        code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream",
                                 str(real_stream), *POOLED_GRID, "--workers", workers, "--format", "json",
                                 "--progress", "none")
        assert code == 0, err
        documents.append(json.loads(out))
    assert documents[0] == documents[1]
    sets, inferences = documents[0]["sets_tried"], documents[0]["stream"]["inferences"]
    assert SweepWorkers(2).count_for(sets, inferences) == 2  # the grid is large enough to go to the workers


def test_fewer_than_one_worker_is_one_sentence(  # type: ignore[no-untyped-def]
        capsys, real_stream, reference_model_path, tmp_path) -> None:  # noqa: F811
    code, out, err = run_cli(capsys, "calibrate", "--model", str(reference_model_path), "--stream", str(real_stream),
                             "--workers", "0", "--out", str(tmp_path / "out"))
    assert (code, out, err) == (2, "", "kws: error: --workers must be at least 1, not 0.\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the workers in Linux's /proc")
@pytest.mark.parametrize(("stop", "to_group"), [(signal.SIGINT, True), (signal.SIGTERM, False)])
def test_a_stop_during_the_workers_sweep_is_clean(  # type: ignore[no-untyped-def]
        real_stream, reference_model_path, tmp_path, stop, to_group) -> None:  # noqa: F811
    """Ctrl+C in a terminal reaches the command and its workers (one process group): the workers leave the stop to
    the command. SIGTERM (the GUI's Cancel, ``timeout``) reaches the command alone. Either way the command ends its
    workers and stops as it does in one process: exit 130, one line, nothing written."""
    child = subprocess.Popen(kws_command("calibrate", "--model", str(reference_model_path), "--stream",
                                         str(real_stream), "--per-class-thresholds", "--workers", "2",
                                         "--progress", "jsonl", "--out", str(tmp_path / "out")),
                             stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert child.stderr is not None
    for line in child.stderr:  # the default per-class grid: 137,180 sets, many seconds of sweep
        progress = json.loads(line) if line.startswith("{") else {}
        if progress.get("phase", "").startswith("sweep") and progress["fraction"] > SWEEP_START:
            break  # a chunk came back from the workers
    workers = spawned_children(child.pid)
    if to_group:
        os.killpg(child.pid, stop)
    else:
        child.send_signal(stop)
    out, rest = child.communicate(timeout=60)  # returns once every process holding its pipes (the workers) is gone
    assert len(workers) == 2
    assert child.returncode == 130 and rest.splitlines()[-1] == "kws: interrupted"
    assert "Traceback" not in rest and out == ""
    assert not (tmp_path / "out").exists()
