"""The Profile panel with a model the board cannot run (a Flex op, a custom op): the refusal comes first in the
headline, the layer's MVP column says no and its details say why (pytest-qt, offscreen, models built with
TensorFlow as other tools write them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.foreign_op_models import CUSTOM_CODE, FLEX_CODE, FOREIGN_LAYER, custom_model, flex_model
from workbench.gui.model.layer_table_model import column_index
from workbench.gui.model.profile_view import ProfileView
from workbench.profiler.report import TFLM_PROBLEM_LABEL


@pytest.fixture
def view(qtbot, settings_dir: Path) -> ProfileView:
    widget = ProfileView(settings=QSettings(str(settings_dir / "profile.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.mark.parametrize(("build", "code"), [(flex_model, FLEX_CODE), (custom_model, CUSTOM_CODE)])
def test_the_refusal_is_the_first_thing_said(view, build, code) -> None:
    report = view.show_model(build(), code.lower())
    problem = report.summary.tflm_problem
    assert problem.startswith("no: ") and f"layer {FOREIGN_LAYER} ({code})" in problem
    assert view.headline.summary_label.text().startswith(f"<b>{TFLM_PROBLEM_LABEL}: no: ")
    assert f"({code})" in view.headline.summary_label.text().split("<br>")[0]
    assert view.proxy.index(FOREIGN_LAYER, column_index("Op")).data() == f"CUSTOM:{code}"
    assert view.proxy.index(FOREIGN_LAYER, column_index("MVP")).data() == "no"
    view.table.selectRow(FOREIGN_LAYER)
    assert "does not run on the board" in view.details_label.text()


def test_the_scalar_axis_reads_scalar_in_the_details(view) -> None:
    view.show_model(flex_model(), "flex")
    view.table.selectRow(FOREIGN_LAYER)
    assert "1x4,scalar" in view.details_label.text()


def test_the_headline_totals_are_bounds_when_a_layer_has_no_estimate(view) -> None:
    """As kws profile says them: the time of the other layers is no model's time."""
    report = view.show_model(flex_model(), "flex")
    untimed = report.summary.untimed_layer_count
    assert untimed >= 1
    headline = view.headline.summary_label.text().split("<br>")[1]
    assert f"at least {report.summary.total_time_ms:.2f} ms/inference (at most " in headline
    assert f"({untimed} layer{'s' if untimed > 1 else ''} without an estimate left out)" in headline
    view.show_model(custom_model(), "custom")
    assert "without an estimate left out" in view.headline.summary_label.text()
