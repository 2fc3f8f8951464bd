"""The Sweeps view's sweep on a Ray cluster (its "Ray address") that goes away in the middle of the sweep: the view
ends with the sweep's failure in one sentence -- what happened, what is kept, what to do, in the window's terms --
and a final status for every trial. It ended, a minute after the cluster went, with "the sweep stopped unexpectedly
(exit code 1)" and no results. A real head node (``ray start --head``, stopped as ``ray stop`` stops it: SIGTERM to
its processes) and a real ``kws sweep`` child, on the small slice of Speech Commands the other sweep view tests use.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest


REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO / "tests" / "sweeps"))
from ray_head import AUTH_DISABLED, ray_head  # noqa: E402
from sweep_data import copy_slice, sweep_text, write_sweep  # noqa: E402

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = [pytest.mark.ray, pytest.mark.skipif(sys.platform == "win32", reason="process groups")]

RUN_TIMEOUT_MS = 300_000  # a safety net for a hung sweep, not a timing of the test
EPOCHS = 30  # the second trial still trains when its cluster goes


def test_a_cluster_lost_mid_sweep_is_the_sweeps_failure_in_one_sentence(
        qtbot, sweep_view, shared_dir: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.gui.kws_child_process import FAILED
    from workbench.gui.training.sweeps.sweep_view import COLUMNS

    for name, value in AUTH_DISABLED.items():  # (the kws sweep child's environment: the head's)
        monkeypatch.setenv(name, value)
    data = copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "data")
    text = sweep_text(data, trials=3, epochs=EPOCHS).replace("trials = 3", "trials = 3\nmax_concurrent = 1")
    out = tmp_path / "out"
    with ray_head(tmp_path_factory.mktemp("ray")) as head:
        sweep_view.sweep_edit.setText(str(write_sweep(tmp_path, text)))
        sweep_view.out_edit.setText(str(out))
        sweep_view.address_edit.setText(head.address)
        assert sweep_view.start()
        qtbot.waitUntil(lambda: len(sweep_view.ended) == 1 and len(sweep_view.records) == 2, timeout=RUN_TIMEOUT_MS)
        with qtbot.waitSignal(sweep_view.process.finished, timeout=RUN_TIMEOUT_MS) as finished:
            head.kill(signal.SIGTERM)  # as ray stop stops it
    lost = (f"the Ray cluster at {head.address} stopped answering (its head node stopped, or the network to it is "
            f"down), so the sweep stopped: {out / 'results.csv'} holds the 1 trial that had ended, the others listed "
            "as cancelled; start the cluster again and repeat the sweep with another \u201cOutput\u201d, or leave "
            "out \u201cRay address\u201d for a local Ray instance")
    assert finished.args == [FAILED, lost]
    assert sweep_view.status_label.text() == lost and sweep_view.host.errors == [lost]
    status = COLUMNS.index("status")
    assert [sweep_view.table.item(row, status).text() for row in range(sweep_view.table.rowCount())] == [
        "finished", "cancelled", "cancelled"]
    assert sweep_view.run_button.isEnabled() and not sweep_view.cancel_button.isEnabled()
