"""The Profile workspace names the tensor arena as ``kws profile`` and the Board workspace do ("runtime memory") and
says the figure the model stores beside its estimate when they differ (pytest-qt, offscreen, the real profiler)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.model.model_params import read_params, write_params
from workbench.gui.model.profile_view import ProfileView
from workbench.profiler.export import comparable_arena_bytes
from workbench.profiler.report import RUNTIME_MEMORY_KEY

STORED_LINE = "Runtime memory stored in the model: "
SIM_LOGS = Path(__file__).resolve().parents[2] / "board" / "sim"


@pytest.fixture
def view(qtbot) -> ProfileView:
    shown = ProfileView()
    qtbot.addWidget(shown)
    return shown


@pytest.mark.parametrize("accelerator", ["mvp", "none"])
def test_the_headline_says_the_stored_figure_beside_the_estimate(view: ProfileView, accelerator: str,
                                                                 reference_model_path: Path) -> None:
    tflite = reference_model_path.read_bytes()
    stored = read_params(tflite)[RUNTIME_MEMORY_KEY]
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData(accelerator))
    report = view.show_model(tflite, "seed")
    estimate = comparable_arena_bytes(report.summary)
    assert stored != estimate  # MLTK's figure for the seed is not the workbench's estimate
    text = view.headline.summary_label.text()
    assert text.count(STORED_LINE) == 1
    assert f"{STORED_LINE}{stored:,} bytes (its {RUNTIME_MEMORY_KEY}" in text
    assert f"this profile estimates {estimate:,} bytes" in text


def test_no_stored_line_when_the_model_stores_the_estimate(view: ProfileView, reference_model_path: Path) -> None:
    tflite = reference_model_path.read_bytes()
    estimate = comparable_arena_bytes(view.show_model(tflite, "seed").summary)
    same = write_params(tflite, {**read_params(tflite), RUNTIME_MEMORY_KEY: estimate})
    view.show_model(same, "seed")
    assert STORED_LINE not in view.headline.summary_label.text()


def test_the_memory_bars_are_named_as_the_other_views_name_the_figure(view: ProfileView) -> None:
    labels = (view.memory.ram_label, view.memory.ram_mvp_label)
    assert [label.text() for label in labels] == ["Runtime memory, CPU (est.)", "Runtime memory, MVP (est.)"]
    assert all("Runtime Memory Size" in label.toolTip() for label in labels)


def test_a_kept_board_report_says_no_stored_figure_for_a_copy_without_one(view: ProfileView,
                                                                           reference_model_path: Path) -> None:
    """A board report is kept for the network and shown again for a copy with other parameters: a copy whose
    runtime_memory_size was removed (kws params MODEL runtime_memory_size=) stores none, whatever the measured file
    stored."""
    from workbench.board.logs.profiler_log import parse_profiler_log
    from workbench.board.runs.measured_report import attach_measurements
    from workbench.profiler.report import profile_model

    tflite = reference_model_path.read_bytes()
    view.show_model(tflite, "seed")
    log = parse_profiler_log((SIM_LOGS / "profiler_mvp.log").read_text())
    view.set_report(attach_measurements(profile_model(tflite, name="seed"), log, source="test board"))
    assert view.show_model(tflite, "seed").summary.measured is not None  # kept, and the file's figure said
    assert STORED_LINE in view.headline.summary_label.text()
    without = write_params(tflite, {k: v for k, v in read_params(tflite).items() if k != RUNTIME_MEMORY_KEY})
    shown = view.show_model(without, "seed")
    assert shown.summary.measured is not None  # the kept board report, shown again for the same network
    assert shown.summary.stored_runtime_memory_bytes is None and STORED_LINE not in view.headline.summary_label.text()
