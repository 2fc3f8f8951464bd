"""A sweep's output folder deleted while its first trial trains: the sweep stops before its next trial, with one
sentence and exit code 2, and makes nothing again at the old path (it used to run every trial of its budget and
fail only at the very end, copying the best model).

``kws sweep`` runs as a user runs it (a child process printing JSON events) on a local Ray instance, one trial at
a time, on the small slice of Speech Commands the other sweep tests use.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from workbench.child_command import kws_command
from workbench.core.folder_lock import gone_sentence

from sweep_data import sweep_text, write_sweep

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = pytest.mark.ray

CPUS = "2"
SWEEP_TIMEOUT_S = 300  # a safety net for a hung sweep, not a timing of the test


def _delete(folder: Path, scratch: Path) -> None:
    """``rm -rf folder`` while the sweep writes into it, in one step: moved away, then removed (a plain rmtree races
    with the files the running trial makes)."""
    gone = folder.rename(scratch / f"{folder.name}.deleted")
    shutil.rmtree(gone)


def test_a_sweep_whose_folder_is_deleted_stops_before_its_next_trial(speech_slice: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = write_sweep(tmp_path, sweep_text(speech_slice, trials=2, epochs=30))
    child = subprocess.Popen(kws_command("sweep", str(source), "--out", str(out), "--num-cpus", CPUS,
                                         "--max-concurrent", "1", "--format", "jsonl"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    events: list[dict[str, Any]] = []
    for line in child.stdout:
        events.append(json.loads(line))
        if events[-1]["event"] == "epoch" and out.exists():  # the first trial trains: "rm -rf OUT"
            _delete(out, tmp_path)
    _out, err = child.communicate(timeout=SWEEP_TIMEOUT_S)

    sentence = gone_sentence(out.resolve())
    assert child.returncode == 2, err
    assert err.strip().splitlines()[-1] == f"kws: error: {sentence}", err
    assert "Traceback" not in err, err
    kinds = [e["event"] for e in events]
    assert kinds.count("trial_start") == 1, kinds  # the second trial never started
    assert "done" not in kinds and events[-1] == {"event": "error", "message": sentence}, events[-1]
    assert "deleted or moved" in next(e["message"] for e in events if e["event"] == "cancelling")
    assert not out.exists()  # no results, trial folder or Tune folder made again at the old path
