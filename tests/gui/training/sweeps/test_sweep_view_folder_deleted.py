"""The Sweeps view's output folder deleted while ``kws sweep`` runs, then Cancel: the view says, as the Training
workspace does, that it stops the sweep without making the folder again, and ends with the folder's loss in one
sentence -- also when a folder is made again at the path, as Ray Tune makes ``OUT/ray`` again within a second or
two. It said "cancelling: stopping every trial…" and "the sweep was cancelled; every trial stopped; no trial
finished", and wrote its STOP file into the folder made again. A real ``kws sweep`` child on a local Ray instance,
on the small slice of Speech Commands the other sweep view tests use.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core.folder_lock import gone_sentence

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO / "tests" / "sweeps"))
from sweep_data import copy_slice, sweep_text, write_sweep  # noqa: E402

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = pytest.mark.ray

RUN_TIMEOUT_MS = 300_000  # a safety net for a hung sweep, not a timing of the test
EPOCHS = 30  # the first trial still trains when its folder is deleted


@pytest.mark.parametrize("made_again", [False, True], ids=["deleted", "made-again"])
def test_cancel_after_the_sweep_folder_was_deleted_says_the_folder_is_gone(qtbot, sweep_view, shared_dir: Path,
                                                                          tmp_path: Path, made_again: bool) -> None:
    from workbench.gui.training.sweeps.sweep_view import COLUMNS

    data = copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "data")
    text = sweep_text(data, trials=2, epochs=EPOCHS).replace("trials = 2", "trials = 2\nmax_concurrent = 1")
    out = tmp_path / "out"
    sweep_view.sweep_edit.setText(str(write_sweep(tmp_path, text)))
    sweep_view.out_edit.setText(str(out))
    assert sweep_view.start()
    qtbot.waitUntil(lambda: any(record.epochs >= 1 for record in sweep_view.records.values()), timeout=RUN_TIMEOUT_MS)
    shutil.rmtree(out.rename(tmp_path / "deleted"))  # "rm -rf out" from a shell, in one step
    if made_again:
        out.mkdir()  # what Ray Tune does for its experiment folder (or someone making a folder of that name)
    sweep_view.cancel_button.click()

    stopping = sweep_view.status_label.text()
    assert f"its output folder {out} was deleted or moved, and is not made again" in stopping, stopping
    assert stopping == sweep_view.process.stopping_without_folder()  # as the Training workspace words it
    assert not (out / "STOP").exists()  # no stop file: not in the old path's place, nor in a folder made again
    qtbot.waitUntil(lambda: not sweep_view.process.running, timeout=RUN_TIMEOUT_MS)

    assert sweep_view.status_label.text() == gone_sentence(out)  # not "every trial stopped; no trial finished"
    view = sweep_view
    assert view.host.errors == [] and view.run_button.isEnabled() and not view.use_best_button.isEnabled()
    statuses = [view.table.item(row, COLUMNS.index("status")).text() for row in range(view.table.rowCount())]
    assert statuses and "running" not in statuses, statuses
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(out) not in ps, "a process of the cancelled sweep is still running"
