"""View > Dark palette at run time: every chart of the Training, Calibration and Profile workspaces and the
Synthesize dialog's preview follows it; every chart is named for a screen reader and skipped by Tab; chart
titles and legends use the application font (pyqtgraph's own default is 9 pt)."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication, QWidget

from workbench.gui import theme
from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace
from workbench.gui.datasets.clip_preview_view import ClipPreviewView
from workbench.gui.model.profile_view import ProfileView
from workbench.gui.training.training_area import TrainingArea
from workbench.gui.training.training_curves_view import TrainingCurvesView



def _charts(widget: QWidget) -> list[pg.PlotWidget]:
    charts = widget.findChildren(pg.PlotWidget)
    assert charts, f"{type(widget).__name__} holds no chart"
    return charts


def _assert_styled(widget: QWidget, dark: bool) -> None:
    """Background, axis text and legend text of every chart in ``widget`` are the palette's."""
    colors = theme.plot_colors(dark)
    for chart in _charts(widget):
        assert chart.backgroundBrush().color().name() == colors.background, chart.accessibleName()
        plot = chart.getPlotItem()
        for name in ("left", "bottom"):
            assert plot.getAxis(name).textPen().color().name() == colors.foreground, chart.accessibleName()
        if plot.legend is not None:
            for _sample, label in plot.legend.items:
                assert pg.mkColor(label.opts["color"]).name() == colors.foreground, label.text


def _assert_described(widget: QWidget) -> None:
    for chart in _charts(widget):
        assert chart.accessibleName() and chart.accessibleDescription().endswith("."), type(widget).__name__
        assert chart.focusPolicy() == Qt.FocusPolicy.NoFocus, chart.accessibleName()


@pytest.fixture
def host(tmp_path: Path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from workspace_host_double import WorkspaceHostDouble

    return WorkspaceHostDouble(tmp_path)


@pytest.fixture
def training(qtbot, host) -> TrainingArea:
    area = TrainingArea(host, dark=True)
    qtbot.addWidget(area)
    yield area
    area.shutdown()


@pytest.fixture
def calibration(qtbot, host) -> CalibrationWorkspace:
    workspace = CalibrationWorkspace(host)
    qtbot.addWidget(workspace)
    yield workspace
    workspace.shutdown()


@pytest.fixture
def profile(qtbot, reference_model_path: Path) -> ProfileView:
    view = ProfileView(dark=True)
    qtbot.addWidget(view)
    view.show_model(reference_model_path.read_bytes(), "reference", reference_model_path)
    return view


@pytest.mark.parametrize("name", ["training", "calibration", "profile"])
def test_set_dark_restyles_every_chart_of_the_workspace(request, name: str) -> None:
    workspace = request.getfixturevalue(name)
    _assert_styled(workspace, dark=True)
    workspace.set_dark(False)
    _assert_styled(workspace, dark=False)
    workspace.set_dark(True)
    _assert_styled(workspace, dark=True)


def test_the_training_area_restyles_both_tabs(training: TrainingArea) -> None:
    """Both the Train tab's two curves and the Sweeps tab's plot (three charts) follow set_dark."""
    assert len(_charts(training)) == 3
    training.set_dark(False)
    assert {c.backgroundBrush().color().name() for c in _charts(training)} == {theme.LIGHT.background}


@pytest.mark.parametrize("name", ["training", "calibration", "profile"])
def test_charts_are_named_and_skipped_by_tab(request, name: str) -> None:
    _assert_described(request.getfixturevalue(name))


def test_the_forms_and_tables_have_accessible_names(training: TrainingArea, profile: ProfileView) -> None:
    sweeps = training.sweeps
    names = [w.accessibleName() for w in (sweeps.sweep_edit, sweeps.out_edit, sweeps.address_edit,
                                          sweeps.concurrent_spin)]
    assert names == ["Sweep file", "Output folder", "Ray address", "Trials at once"]
    assert training.training.report.table.accessibleName() == "Accuracy per class"
    assert profile.table.accessibleName() == "Layers"


@pytest.fixture
def app_palette(qapp: QApplication):
    """Restore the application's style and palette after a test that switches them."""
    style, palette = qapp.style().name(), qapp.palette()
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)


def test_the_clip_preview_follows_the_application_palette(qtbot, app_palette: QApplication) -> None:
    """The Synthesize dialog is no workspace of the window: its preview follows the palette by itself."""
    theme.apply_palette(app_palette, dark=False)
    view = ClipPreviewView()
    qtbot.addWidget(view)
    _assert_styled(view, dark=False)
    _assert_described(view)
    theme.apply_palette(app_palette, dark=True)
    qtbot.waitUntil(lambda: view.plot_widget.backgroundBrush().color().name() == theme.DARK.background,
                    timeout=2000)
    _assert_styled(view, dark=True)
    view.set_dark(False)
    _assert_styled(view, dark=False)



def test_titles_and_legends_use_the_application_font(qtbot, large_font: QFont) -> None:
    curves = TrainingCurvesView(dark=False)
    qtbot.addWidget(curves)
    assert theme.css_font_size() == "16pt"
    for plot in curves.plots.values():
        assert plot.titleLabel.opts["size"] == "16pt"
        assert [label.opts["size"] for _sample, label in plot.legend.items] == ["16pt", "16pt"]
        line_px = QFontMetricsF(large_font).height()
        for item in [plot.titleLabel] + [label for _sample, label in plot.legend.items]:
            assert item.item.boundingRect().height() >= line_px, item.text  # drawn in it, not only asked for
