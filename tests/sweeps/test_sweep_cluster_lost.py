"""``kws sweep --address`` whose Ray cluster goes away in the middle of the sweep, and one that is not there at all.

Why: with its head node killed mid-sweep, the driver blocked in a call to the cluster until Ray's core ended the
process a minute later -- exit status 1 and one log line of Ray's, no results, none of the documented exit statuses.
Now the sweep ends with status 2, its results written as a stop at once writes them, and one sentence saying what
happened, what is kept and what to do. The cluster is a real head node (``ray start --head``, :mod:`ray_head`) and the
sweep a real ``kws sweep`` child training real trials, one at a time: the head is killed as the second trial starts,
so the first has ended and the second is running.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.child_command import kws_command
from workbench.sweeps.reporting.final_status import CLUSTER_LOST_TRIAL_MESSAGE

from ray_head import free_port, ray_head
from sweep_data import sweep_text, write_sweep

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = [pytest.mark.ray, pytest.mark.skipif(sys.platform == "win32", reason="process groups")]

SWEEP_TIMEOUT_S = 300  # a safety net for a hung sweep, not a timing of the test
EPOCHS = 30  # the second trial still trains when its cluster goes
ERROR_PREFIX = "kws: error: "
LOST = ("the Ray cluster at {address} stopped answering (its head node stopped, or the network to it is down), so the "
        "sweep stopped: {results} holds the 1 trial that had ended, the others listed as cancelled; start the "
        "cluster again and repeat the sweep with another --out, or leave out --address for a local Ray instance")


def _read_until_second_trial(sweep: subprocess.Popen[str]) -> list[dict]:
    """The sweep's events up to the second trial's start (one trial at a time: the first has ended by then)."""
    assert sweep.stdout is not None
    events: list[dict] = []
    for line in sweep.stdout:
        events.append(json.loads(line))
        if sum(event["event"] == "trial_start" for event in events) == 2:
            return events
    raise AssertionError(f"kws sweep ended (exit status {sweep.wait()}) before its second trial:\n{events}")


def test_a_cluster_lost_mid_sweep_ends_it_with_its_results_and_one_sentence(
        speech_slice: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    text = sweep_text(speech_slice, trials=3, epochs=EPOCHS).replace("trials = 3", "trials = 3\nmax_concurrent = 1")
    out = tmp_path / "out"
    with ray_head(tmp_path_factory.mktemp("ray")) as head:
        sweep = subprocess.Popen(kws_command("sweep", str(write_sweep(tmp_path, text)), "--address", head.address,
                                             "--out", str(out), "--format", "jsonl"),
                                 env=head.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            events = _read_until_second_trial(sweep)
            head.kill()  # the head node killed: the cluster is gone
            rest, errors = sweep.communicate(timeout=SWEEP_TIMEOUT_S)
        finally:
            sweep.kill()
    events += [json.loads(line) for line in rest.splitlines()]
    lost = LOST.format(address=head.address, results=out / "results.csv")
    assert sweep.returncode == 2, errors[-3000:]
    assert [line for line in errors.splitlines() if line.startswith(ERROR_PREFIX)] == [ERROR_PREFIX + lost]
    assert [e["event"] for e in events[-2:]] == ["done", "error"] and events[-1]["message"] == lost
    results = json.loads((out / "results.json").read_text())
    assert results["status"] == events[-2]["status"] == "cancelled"
    first, second, third = results["trials"]
    assert first["status"] == "finished" and results["best_trial"] == first["trial_id"]
    assert Path(results["model"]).is_file()  # the best model of the trials that ended is kept
    assert (second["status"], second["message"]) == ("cancelled", CLUSTER_LOST_TRIAL_MESSAGE)
    assert third["status"] == "cancelled"
    record = json.loads((out / "trials" / second["trial_id"] / "sweep-trial.json").read_text())
    assert record["status"] == "cancelled"  # its file does not claim it still runs


def test_a_head_node_that_is_not_there_is_one_sentence_before_anything_starts(speech_slice: Path,
                                                                               tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    done = subprocess.run(kws_command("sweep", str(write_sweep(tmp_path, sweep_text(speech_slice))), "--address",
                                      address, "--out", str(tmp_path / "out")),
                          capture_output=True, text=True, timeout=SWEEP_TIMEOUT_S)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1] == (
        f"{ERROR_PREFIX}no Ray head node answers at {address} (Connection refused): start one there with ray start "
        "--head, or leave out --address for a local Ray instance")
    assert not (tmp_path / "out" / "results.json").exists()
