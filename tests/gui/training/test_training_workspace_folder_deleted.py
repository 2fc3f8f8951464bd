"""The Training workspace's run folder deleted while ``kws train`` trains: the window says the child's one sentence
(the folder was deleted or moved, nothing more is written) as the run's error, never "Finished.", and nothing is
made again at the old path -- not by Cancel either, which used to make the folder again for its STOP file. The run
is real: a ``kws train`` child on a slice of Speech Commands.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.gui.workspace_host_double import WorkspaceHostDouble
from workbench.core.folder_lock import gone_sentence
from workbench.gui.training.training_workspace import TrainingWorkspace

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "training"))
from training_data import QUICK_SPEC, copy_slice  # noqa: E402

SPECS_TIMEOUT_MS = 60_000  # safety nets for hung children, not timings of the test
START_TIMEOUT_MS = 120_000  # TensorFlow's import in the child, on a busy machine
RUN_TIMEOUT_MS = 240_000
MAX_EPOCHS = 40


@pytest.fixture
def workspace(qtbot, shared_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    host = WorkspaceHostDouble(tmp_path)
    ws = TrainingWorkspace(host)
    qtbot.addWidget(ws)
    ws.show()
    spec = tmp_path / "quick.toml"
    spec.write_text(QUICK_SPEC.format(epochs=MAX_EPOCHS))
    qtbot.waitUntil(lambda: ws.settings._process is None, timeout=SPECS_TIMEOUT_MS)  # the spec list arrived
    ws.datasets.set_folders([copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "speech")])
    ws.settings.select_spec(str(spec))
    ws.settings.out.setText(str(tmp_path / "run"))
    qtbot.waitUntil(lambda: ws.datasets.summary is not None, timeout=SPECS_TIMEOUT_MS)
    yield ws, host
    ws.shutdown()


def test_a_run_folder_deleted_while_training_is_the_runs_error_in_one_sentence(workspace, qtbot,
                                                                              tmp_path: Path) -> None:
    ws, host = workspace
    out = tmp_path / "run"
    assert ws.start()
    qtbot.waitUntil(lambda: len(ws.curves.epochs) >= 1, timeout=START_TIMEOUT_MS)
    shutil.rmtree(out.rename(tmp_path / "deleted"))  # "rm -rf run" from a shell, in one step
    qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)

    sentence = gone_sentence(out)
    assert host.errors == [sentence]
    assert ws.phase.text() == "Failed." and ws.log.toPlainText().splitlines()[-1] == sentence
    assert "Traceback" not in ws.log.toPlainText()
    assert not ws.use_button.isEnabled() and not out.exists()


def test_cancel_after_the_run_folder_was_deleted_does_not_make_it_again(workspace, qtbot, tmp_path: Path) -> None:
    ws, host = workspace
    out = tmp_path / "run"
    assert ws.start()
    qtbot.waitUntil(lambda: len(ws.curves.epochs) >= 1, timeout=START_TIMEOUT_MS)
    shutil.rmtree(out.rename(tmp_path / "deleted"))  # "rm -rf run", then Cancel before the child notices
    qtbot.mouseClick(ws.cancel_button, Qt.MouseButton.LeftButton)
    assert not out.exists()  # no STOP file written: it used to make the folder again for it
    assert ws.phase.text() == ws.process.stopping_without_folder()  # the Sweeps view's Cancel says it alike
    assert f"its output folder {out} was deleted or moved, and is not made again" in ws.phase.text()
    qtbot.waitUntil(lambda: not ws.running, timeout=RUN_TIMEOUT_MS)

    sentence = gone_sentence(out)
    assert ws.phase.text() == sentence  # not "Stopped before the training began": it trained, and nothing is kept
    assert ws.log.toPlainText().splitlines()[-1] == f"[cancelled] {sentence[0].lower()}{sentence[1:]}"
    assert host.statuses[-1] == "Training stopped" and host.errors == []
    assert "Traceback" not in ws.log.toPlainText()
    assert not ws.use_button.isEnabled() and not ws.resume_button.isEnabled() and not out.exists()
