"""At the default window size and at 1280x800 (1280x720 for the sweeps plot), nothing in the Model and Profile
workspaces, the training data panel's buttons, the Pareto table or the sweeps plot's axis titles is cut off."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from text_fit import axis_labels_cut_off, cut_off_texts, legend_cut_off  # noqa: E402

from workbench.gui.training.dataset_panel import DatasetPanel  # noqa: E402

SIZES = [(1600, 960), (1280, 800)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("workspace", ["model", "profile"])
def test_no_text_is_cut_off(window, qtbot, workspace: str, size: tuple[int, int]) -> None:
    window.resize(*size)
    window.show_workspace(workspace)
    qtbot.waitUntil(lambda: window.size().width() == size[0], timeout=2000)
    qtbot.wait(50)  # let the layouts settle
    widget = window.workspaces[workspace]
    assert widget.isVisible()
    problems = cut_off_texts(widget)
    if workspace == "profile":
        problems += legend_cut_off(window.profile_view.chart)
        window.profile_view.table.selectRow(2)  # the layer details (the MVP's reason is a long line)
        qtbot.wait(20)
        problems += cut_off_texts(window.profile_view)
    assert problems == []


def test_the_check_finds_a_cut_off_label(window, qtbot) -> None:
    """The checker itself must be able to fail: a label squeezed below its text's width is reported."""
    from PySide6.QtWidgets import QLabel

    window.show_workspace("model")
    label = QLabel("a sentence far too long for the few pixels it is given here", window.model_view)
    label.setGeometry(0, 0, 40, 20)
    label.show()
    assert any("far too long" in p for p in cut_off_texts(window.model_view))
    label.deleteLater()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_button_of_the_training_data_panel_is_cut_off(window, qtbot, size: tuple[int, int]) -> None:
    window.resize(*size)
    window.show_workspace("training")
    qtbot.waitUntil(lambda: window.size().width() == size[0], timeout=2000)
    qtbot.wait(50)
    panel = window.training.findChild(DatasetPanel)
    assert panel is not None and panel.synth_button.isVisible()
    # the buttons (the summary table's column fit is not part of this check)
    assert [p for p in cut_off_texts(panel) if p.startswith("button")] == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_pareto_table_fits_without_sideways_scrolling(window, qtbot, size: tuple[int, int]) -> None:
    """Twelve columns for a yes/no model (two per-keyword FRRs), filled as a calibration fills them."""
    window.resize(*size)
    window.show_workspace("calibration")
    qtbot.waitUntil(lambda: window.size().width() == size[0], timeout=2000)
    table = window.calibration.table
    row = {"fa_per_hour": 98.0, "frr": 0.4478, "detection_threshold": 248, "average_window_duration_ms": 1500,
           "suppression_ms": 2000, "minimum_count": 5, "fa_per_hour_speech": 98.0, "fa_per_hour_background": 12.5,
           "latency_mean_s": 0.5027, "latency_p95_s": 0.6851,
           "per_keyword": {"yes": {"frr": 0.3088}, "no": {"frr": 0.3014}}}
    table.table_model.set_rows([row], ("yes", "no", "_unknown_", "_silence_"), row)
    qtbot.wait(50)
    assert table.table_model.columnCount() == 12
    assert [p for p in cut_off_texts(window.calibration) if "ParetoTableView" in p] == []


@pytest.mark.parametrize("size", [(1600, 960), (1280, 720)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("objective", ["val_balanced_accuracy", "frr"])
def test_the_sweeps_objective_axis_title_fits(window, qtbot, size: tuple[int, int], objective: str) -> None:
    """The objective arrives with the sweep's start event, after the plot is laid out."""
    window.resize(*size)
    window.show_workspace("training")
    sweeps = window.training.sweeps
    window.training.setCurrentWidget(sweeps)
    qtbot.waitUntil(lambda: window.size().width() == size[0] and sweeps.isVisible(), timeout=2000)
    qtbot.wait(50)
    sweeps.add_event({"event": "start", "objective": objective, "mode": "max", "sweep": "s", "trials": 2,
                      "address": "local", "cpus": 2})
    assert axis_labels_cut_off(sweeps.plot_widget) == []
