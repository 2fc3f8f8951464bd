"""``--address auto`` (``kws sweep``, ``kws train --features-on-ray``) that finds the address of a head node which is
gone: one sentence at once, naming that address and where it came from.

Why: ``ray.init(address="auto")`` retried such an address for many minutes, a Ray log line every few seconds -- the
usual case after a head node was killed rather than stopped with ``ray stop``, whose record of the last ``ray start``
outlives it. Here ``RAY_ADDRESS`` names the gone head node: the first place ``auto`` looks, for Ray as for the
workbench, so the probe can never attach to another Ray running on this machine. It runs in a fresh interpreter
(``ray.init`` is once per process).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ray_head import AUTH_DISABLED, free_port  # noqa: E402

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")

PROBE = """
from workbench.core.errors import WorkbenchError
from workbench.sweeps.on_ray.ray_session import AUTO, ray_cluster
try:
    with ray_cluster(AUTO):
        print("connected")
except WorkbenchError as exc:
    print(exc)
"""
TIMEOUT_S = 120  # a safety net for the retries that were the bug, not a timing of the test


def test_auto_finding_a_head_node_that_is_gone_is_one_sentence_at_once() -> None:
    gone = f"127.0.0.1:{free_port()}"
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=TIMEOUT_S,
                          env={**os.environ, **AUTH_DISABLED, "RAY_ADDRESS": gone})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"no Ray head node answers at {gone} (Connection refused), the address --address "
                                   "auto found (RAY_ADDRESS, or the last ray start --head on this machine): start one "
                                   "there with ray start --head, or leave out --address for a local Ray instance")


@pytest.mark.parametrize("given", ["auto", "gone"])
def test_kws_train_says_its_own_option_for_a_head_node_that_is_gone(shared_dir: Path, tmp_path: Path,
                                                                    given: str) -> None:
    """``kws train --features-on-ray`` attaches through the same session: its sentence named ``--address``, which
    kws train does not have, and a local Ray instance, which leaving its option out does not start."""
    from workbench.child_command import kws_command

    gone = f"127.0.0.1:{free_port()}"
    done = subprocess.run(kws_command("train", "--dataset", str(shared_dir / "datasets" / "speech_commands"), "--out",
                                      str(tmp_path / "out"), "--features-on-ray", gone if given == "gone" else "auto",
                                      "--progress", "none"),
                          capture_output=True, text=True, timeout=TIMEOUT_S,
                          env={**os.environ, **AUTH_DISABLED, "RAY_ADDRESS": gone})
    found = ", the address --features-on-ray auto found (RAY_ADDRESS, or the last ray start --head on this machine)"
    assert done.returncode == 2 and done.stderr.splitlines()[-1] == (
        f"kws: error: no Ray head node answers at {gone} (Connection refused){found if given == 'auto' else ''}: "
        "start one there with ray start --head, or leave out --features-on-ray to compute them in processes here")
