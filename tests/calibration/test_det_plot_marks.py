"""Every model's recommendation stays visible in the DET plot, even where two models recommend the same point."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.calibration.calibration_run import CalibrationRequest, CalibrationResult, run_calibration
from workbench.calibration.results.det_plot import det_figure, det_plot_png
from workbench.calibration.sweep.grid import SweepRanges
from workbench.core.model.model_file import LoadedModel

RANGES = SweepRanges(thresholds=(150, 200), windows_ms=(1000,), suppressions_ms=(1000,), counts=(1, 3))
TARGET_FA_PER_HOUR = 1000.0  # a set of the small grid reaches it: there is a recommendation to draw
MODELS = 4  # the first model and three compared ones, all recommending the same point


@pytest.fixture(scope="module")
def result(real_stream: Path, reference_model: LoadedModel) -> CalibrationResult:
    request = CalibrationRequest(real_stream, real_stream.with_suffix(".json"), ranges=RANGES,
                                 target_fa_per_hour=TARGET_FA_PER_HOUR)
    return run_calibration(reference_model, request)


def recommendation_marks(result: CalibrationResult) -> list:  # type: ignore[type-arg]
    """The scatter marks of the recommendations, the first model's first (by their legend labels)."""
    figure = det_figure(result, [result] * (MODELS - 1))
    (axes,) = figure.axes
    first = [c for c in axes.collections if c.get_label().startswith("recommended")]
    return first + [c for c in axes.collections if c.get_label().startswith(f"{result.model.name}:")]


def test_recommendations_at_the_same_point_all_stay_visible(result: CalibrationResult) -> None:
    assert result.recommended is not None
    marks = recommendation_marks(result)
    assert len(marks) == MODELS
    points = {tuple(np.round(m.get_offsets()[0], 6)) for m in marks}
    assert len(points) == 1  # the case where a mark used to vanish under another
    shapes = [m.get_paths()[0].vertices.round(6).tobytes() for m in marks]
    assert len(set(shapes)) == MODELS  # a shape for each model
    sizes, zorders = [m.get_sizes()[0] for m in marks], [m.get_zorder() for m in marks]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == MODELS
    assert zorders == sorted(zorders) and len(set(zorders)) == MODELS  # the smaller above the larger
    assert all(m.get_linewidths()[0] > 0 for m in marks)  # outlined: a mark stands out on another


def test_the_png_is_still_written(result: CalibrationResult) -> None:
    assert det_plot_png(result, [result])[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("compared", [0, MODELS - 1])
def test_the_legend_hides_no_curve(result: CalibrationResult, compared: int) -> None:
    """The legend lies outside the axes, whole within the figure (at lower left inside the axes it covered the
    front between 0 and 15 FA/h)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = det_figure(result, [result] * compared)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    (axes,) = figure.axes
    (legend,) = figure.legends + [a.get_legend() for a in figure.axes if a.get_legend() is not None]
    box, plot = legend.get_window_extent(renderer), axes.get_window_extent(renderer)
    assert not box.overlaps(plot), (box, plot)
    assert 0 <= box.x0 and box.x1 <= figure.bbox.x1 and 0 <= box.y0
