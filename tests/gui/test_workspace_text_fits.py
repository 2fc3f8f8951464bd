"""At the default window size and at 1280x800 (1280x720 for the sweeps plot), nothing in the Model and Profile
workspaces, the training data panel's buttons, the Pareto table or the sweeps plot's axis titles is cut off.

At a 16 pt application font (a user with poor sight, a HiDPI desktop) every workspace still fits a 1280x720 window
without widening it, no label, button or group title of it is cut, the sweeps plot shows its objective and its
top tick whole, the Profile chart's layer names stay off the axis title under them, and (at the default window
size) the accuracy legend leaves the curves readable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from text_fit import (axis_labels_cut_off, cut_off_texts, cut_off_words, legend_cut_off,  # noqa: E402
                      legend_over_curves, painted_tick_labels, tick_labels_cut_off,
                      tick_labels_on_axis_title)

from workbench.gui.training.data_list.dataset_panel import DatasetPanel  # noqa: E402

SIZES = [(1600, 960), (1280, 800)]
SMALL_SCREEN = (1280, 720)
WORKSPACES = ["live", "model", "profile", "training", "calibration", "board"]
# the epochs of a run the audit looked at: accuracy stuck at 0.2-0.4, where the legend's corner used to be
STUCK_RUN = [{"epoch": 1, "accuracy": 0.28, "val_accuracy": 0.2, "loss": 2.04, "val_loss": 7.06},
             {"epoch": 2, "accuracy": 0.366, "val_accuracy": 0.267, "loss": 1.78, "val_loss": 4.76},
             {"epoch": 3, "accuracy": 0.232, "val_accuracy": 0.333, "loss": 1.84, "val_loss": 3.2},
             {"epoch": 4, "accuracy": 0.195, "val_accuracy": 0.4, "loss": 1.72, "val_loss": 3.18, "best_epoch": 4},
             {"epoch": 5, "accuracy": 0.268, "val_accuracy": 0.333, "loss": 1.55, "val_loss": 4.01, "best_epoch": 4},
             {"epoch": 6, "accuracy": 0.329, "val_accuracy": 0.333, "loss": 1.52, "val_loss": 4.18, "best_epoch": 4}]


@pytest.fixture
def large_window(large_font, window, qtbot):  # type: ignore[no-untyped-def]
    """The main window built at the large font (as a user whose desktop font is large starts it), 1280x720."""
    window.resize(*SMALL_SCREEN)
    qtbot.waitUntil(lambda: window.size().toTuple() == SMALL_SCREEN, timeout=2000)
    return window


def _show(window, qtbot, workspace: str) -> None:  # type: ignore[no-untyped-def]
    window.show_workspace(workspace)
    qtbot.wait(50)  # let the layouts settle


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


# -- a 16 pt application font ----------------------------------------------------------------------------------
@pytest.mark.parametrize("workspace", WORKSPACES)
def test_every_workspace_fits_a_small_screen_at_a_large_font(large_window, qtbot, workspace: str) -> None:
    """The audit's 16 pt window grew to 1399 px (Profile: a group title), 1389 (Board: two check boxes' sentences),
    1330 (Calibration: a caption); "Download Speech Commands…", "also write an MLTK .mltk.zip" and "Run
    calibration" had less room than their text."""
    _show(large_window, qtbot, workspace)
    hint = large_window.minimumSizeHint()
    assert hint.width() <= SMALL_SCREEN[0] and hint.height() <= SMALL_SCREEN[1]
    assert large_window.size().toTuple() == SMALL_SCREEN  # switching workspaces did not widen it either
    assert cut_off_words(large_window.workspaces[workspace]) == []


def test_the_sweeps_plot_shows_its_objective_and_top_tick_at_a_large_font(large_window, qtbot) -> None:
    _show(large_window, qtbot, "training")
    sweeps = large_window.training.sweeps
    large_window.training.setCurrentWidget(sweeps)
    qtbot.waitUntil(sweeps.isVisible, timeout=2000)
    for objective in ("val_balanced_accuracy", "frr"):
        sweeps.add_event({"event": "start", "objective": objective, "mode": "max", "sweep": "s", "trials": 2,
                          "address": "local", "cpus": 2})
        qtbot.wait(50)
        assert axis_labels_cut_off(sweeps.plot_widget) == [], objective  # it read "val. balanced accur"
        assert tick_labels_cut_off(sweeps.plot_widget, "left") == []  # the "1.0" was cut at the top


def test_the_accuracy_legend_leaves_the_curves_readable_at_a_large_font(large_font, window, qtbot) -> None:
    """At the default window size, as the audit saw it (at 1280x720 a chart is narrower than its legend at 16 pt:
    the legend then takes the corner where it covers the least)."""
    _show(window, qtbot, "training")
    curves = window.training.training.curves
    for event in STUCK_RUN:
        curves.add_epoch(event)
    qtbot.wait(50)
    assert curves.isVisible()
    for metric in ("accuracy", "loss"):
        assert legend_over_curves(curves.plot_widgets[metric]) == [], metric
        assert legend_cut_off(curves.plot_widgets[metric]) == [], metric


def test_the_profile_chart_names_stay_off_the_axis_title_at_a_large_font(large_window, qtbot) -> None:
    """The second row of names ("3 softmax") ran into the title "layer"."""
    _show(large_window, qtbot, "profile")
    chart = large_window.profile_view.chart
    assert len({text.count("\n") for _rect, text in painted_tick_labels(chart, "bottom")}) == 2  # names on two rows
    assert tick_labels_on_axis_title(chart) == []
    assert axis_labels_cut_off(chart) == [] and tick_labels_cut_off(chart, "left") == []
