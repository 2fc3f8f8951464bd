"""The sweep view under pytest-qt with a real ``kws sweep`` child on a local Ray: trials appear as they end,
Cancel stops every trial cleanly, "Use the best model" loads it; a bad sweep file is a message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui.workspace_host_double import WorkspaceHostDouble

REPO = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO / "tests" / "sweeps"))
from sweep_data import copy_slice, sweep_text, write_sweep  # noqa: E402

pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
pytestmark = pytest.mark.ray

RUN_TIMEOUT_MS = 300_000


@pytest.fixture()
def view(qtbot, tmp_path: Path):
    from workbench.gui.training.sweeps.sweep_view import SweepView

    widget = SweepView(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    yield widget
    widget.shutdown()


def _column(view, name: str) -> list[str]:
    from workbench.gui.training.sweeps.sweep_view import COLUMNS

    column = COLUMNS.index(name)
    return [view.table.item(row, column).text() for row in range(view.table.rowCount())]


def test_a_sweep_shows_its_trials_cancels_cleanly_and_hands_over_the_best_model(qtbot, view, shared_dir: Path,
                                                                               tmp_path: Path) -> None:
    data = copy_slice(shared_dir / "datasets" / "speech_commands", tmp_path / "data")
    # one trial at a time: the first finishes, the second is cancelled during its training (after its first of
    # 30 epochs: an epoch of this slice takes ~0.5 s, so ~15 s remain when Cancel is clicked); the objective is
    # the FRR at a target FA/h (kws stream make once, kws calibrate per finished trial)
    objective = '[objective]\nmetric = "frr"\ntarget_fa_per_hour = 500\nstream_minutes = 1'
    text = sweep_text(data, trials=2, epochs=30, extra=objective)
    text = text.replace("trials = 2", "trials = 2\nmax_concurrent = 1")
    view.sweep_edit.setText(str(write_sweep(tmp_path, text)))
    view.out_edit.setText(str(tmp_path / "out"))
    assert view.start()
    assert not view.run_button.isEnabled() and view.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: len(view.ended) == 1 and len(view.records) == 2
                    and view.records[list(view.records)[1]].epochs >= 1, timeout=RUN_TIMEOUT_MS)
    assert _column(view, "status")[0] == "finished"
    first = view.records[view.ended[0]]
    assert 0.0 <= first.objective <= 1.0 and view.mode == "min"
    assert (Path(first.folder) / "calibration" / "calibration.json").is_file()
    assert view.plot.getAxis("left").labelText == "FRR at the target FA/h"
    assert len(view.trial_points.getData()[0]) == 1 and list(view.best_curve.getData()[1]) == [
        view.records[view.ended[0]].objective]
    said: list[str] = []
    shown = view.status_label.setText
    view.status_label.setText = lambda text: (said.append(text), shown(text))  # every status the run shows
    with qtbot.waitSignal(view.process.finished, timeout=RUN_TIMEOUT_MS) as finished:
        view.cancel_button.click()
    assert finished.args[0] == "cancelled"
    assert not any("SIGTERM" in text or "SIGINT" in text for text in said), said  # the Cancel pressed, not a signal
    assert _column(view, "status") == ["finished", "cancelled"]
    assert _column(view, "message")[1]  # the cancelled trial says how far it got, longer than its column:
    cells = [view.table.item(1, c) for c in range(view.table.columnCount())]
    assert all(cell.toolTip() == cell.text() for cell in cells)  # each cell's whole text on hover
    assert "cancelled" in view.status_label.text() and view.run_button.isEnabled()
    assert "recommended detection parameters" in view.status_label.text()  # what the best model carries (frr)
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path / "out") not in ps, "a process of the cancelled sweep is still running"
    assert view.use_best_button.isEnabled()
    assert view.grab().save(str(tmp_path / "sweep_view.png"))  # rendered with its plot and table
    view.use_best_button.click()
    assert view.host.opened == [tmp_path / "out" / "tflite_micro_speech.tflite"]
    assert view.host.controller.model is not None and not view.host.errors


def test_a_bad_sweep_file_is_a_message(qtbot, view, tmp_path: Path) -> None:
    bad = write_sweep(tmp_path, 'datasets = ["nowhere"]\n', name="bad.toml")
    view.sweep_edit.setText(str(bad))
    with qtbot.waitSignal(view.process.finished, timeout=120_000) as finished:
        assert view.start()
    assert finished.args[0] == "failed"
    assert view.host.errors and view.host.errors[0].startswith("bad.toml: the dataset folder")
    view.sweep_edit.setText(str(tmp_path / "absent.toml"))
    assert not view.start() and "is not a file" in view.host.errors[-1]
