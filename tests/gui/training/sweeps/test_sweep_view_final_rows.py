"""The sweep view's table follows the sweep's final results (no Ray: the events kws sweep prints are fed in)."""

from __future__ import annotations

from pathlib import Path

from tests.gui.workspace_host_double import WorkspaceHostDouble

RAM_BYTES = 15_456  # kws profile: 15.5k


def _texts(view, row: int) -> dict[str, str]:
    from workbench.gui.training.sweeps.sweep_view import COLUMNS

    return {name: view.table.item(row, column).text() for column, name in enumerate(COLUMNS)}


def test_rows_left_running_take_the_final_results_and_ram_reads_as_in_kws_profile(qtbot, tmp_path: Path) -> None:
    from workbench.gui.training.sweeps.sweep_view import SweepView
    from workbench.sweeps.reporting.results import TrialRecord

    view = SweepView(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(view)
    view.add_event({"event": "start", "sweep": "s", "trials": 3, "objective": "val_balanced_accuracy",
                    "mode": "max", "address": "local", "cpus": 2})
    for trial in ("t_00000", "t_00001"):
        view.add_event({"event": "trial_start", "trial": trial, "spec": "s", "seed": 7, "params": {}})
        view.add_event({"event": "epoch", "trial": trial, "epoch": 9, "val_balanced_accuracy": 0.3})
    finished = TrialRecord(trial_id="t_00000", spec="s", seed=7, status="finished", objective=0.5625, epochs=30,
                           arena_bytes=RAM_BYTES, worker_pid=1, model=str(tmp_path / "m.tflite"))
    stopped = TrialRecord(trial_id="t_00001", spec="s", seed=7, status="stopped", epochs=10, worker_pid=1)
    unstarted = TrialRecord(trial_id="t_00002", spec="", seed=None, status="stopped",
                            message="the time budget ran out before this trial started")
    view.add_event({"event": "done", "status": "finished", "best": finished.to_dict(),
                    "model": str(tmp_path / "m.tflite"), "results": [], "summary": "",
                    "trials": [r.to_dict() for r in (finished, stopped, unstarted)]})
    view._sweep_finished("finished", "the sweep finished")

    rows = [_texts(view, row) for row in range(view.table.rowCount())]
    assert [(r["trial"], r["status"]) for r in rows] == [("t_00000", "finished"), ("t_00001", "stopped"),
                                                         ("t_00002", "stopped")]
    assert rows[0]["RAM"] == "15.5k" and rows[0]["objective"] == "0.5625" and rows[2]["RAM"] == ""
    assert view.status_label.text() == "the sweep finished; best model m.tflite"


def test_a_sweep_without_a_best_trial_says_why(qtbot, tmp_path: Path) -> None:
    from workbench.gui.training.sweeps.sweep_view import SweepView

    view = SweepView(WorkspaceHostDouble(tmp_path))
    qtbot.addWidget(view)
    view.add_event({"event": "trial_start", "trial": "t_00000", "spec": "s", "seed": 7, "params": {}})
    summary = "no trial reached the target of 2 false accepts per hour, so no model was copied"
    view.add_event({"event": "done", "status": "finished", "best": None, "model": None, "results": [],
                    "summary": summary})
    view._sweep_finished("finished", "the sweep finished")
    assert view.status_label.text() == f"the sweep finished; {summary}"
    assert _texts(view, 0)["status"] == "stopped"  # never reported as ended: not left "running"
