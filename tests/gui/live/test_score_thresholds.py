"""Per-class threshold lines on the scores plot and bars: one per keyword value, in the keywords' colours.

The window is real (the bundled yes/no model: yes, no, _unknown_, _silence_) and has played the 4.5 s sample,
so the plot holds its classes; the per-class thresholds go through the controller as the Tuning panel sends
them, and the check is on the painted pixels where no score crosses the lines: right of the newest score in
the plot, and on the bars with the scores at zero.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage

from workbench.assets import sample_audio_path
from workbench.gui import theme

YES, NO, UNKNOWN, SILENCE = range(4)  # the bundled model's classes, in model order
COLOUR_TOLERANCE = 40  # per channel: antialiasing blends a 1.5 px line's edges into the background
BAND_PX = 2  # rows (or columns) either side of where a line should be


def _pixels(widget) -> np.ndarray:
    """(height, width, 3) RGB of what ``widget`` paints."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    words = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.width()).copy()
    return np.stack([words >> 16 & 0xFF, words >> 8 & 0xFF, words & 0xFF], axis=-1).astype(int)


def _count(pixels: np.ndarray, color: QColor) -> int:
    target = np.array([color.red(), color.green(), color.blue()])
    return int((np.abs(pixels - target) <= COLOUR_TOLERANCE).all(axis=-1).sum())


def _plot_row(scores, value: int) -> int:
    """The plot widget's pixel row of score ``value``."""
    vb = scores.plot.getViewBox()
    scene_point = vb.mapViewToScene(QPointF(vb.viewRange()[0][0], float(value)))
    return int(round(scores.plot_widget.mapFromScene(scene_point).y()))


def _first_empty_column(scores) -> int:
    """The plot widget's first pixel column right of the newest score (nothing but lines from there)."""
    newest = scores.traces.drawn(0)[-1, 0]
    scene_point = scores.traces.mapToScene(QPointF(newest, 0.0))
    return int(scores.plot_widget.mapFromScene(scene_point).x()) + 2 * BAND_PX


def _plot_band(scores, value: int) -> np.ndarray:
    row = _plot_row(scores, value)
    return _pixels(scores.plot_widget)[row - BAND_PX : row + BAND_PX + 1, _first_empty_column(scores) :]


def _bars_band(bars, value: int) -> np.ndarray:
    bars.set_scores(np.zeros(len(bars._names)))  # no bar under the lines (the stream has ended: it stays so)
    column = int(round(bars._x(value)))
    return _pixels(bars)[:, column - BAND_PX : column + BAND_PX + 1]


@pytest.fixture
def played(window, play_file):  # type: ignore[no-untyped-def]
    """The window after the sample played: the scores view knows the model's classes."""
    play_file(window, sample_audio_path())
    assert window.live.scores.classes == ("yes", "no", "_unknown_", "_silence_")
    return window


def _set_thresholds(window, thresholds: list[int]) -> None:
    controller = window.controller
    controller.set_detection_settings(controller.settings.replace(detection_threshold_list=thresholds))
    assert controller.settings.detection_threshold_list == tuple(thresholds), window.last_error


def test_a_keywords_own_threshold_is_drawn_in_its_colour_and_ignored_classes_get_no_line(played) -> None:
    scores = played.live.scores
    _set_thresholds(played, [246, 100, 100, 100])  # the audit's list: no, _unknown_, _silence_ share 100
    yes, no, unknown, silence = (theme.class_color(i) for i in (YES, NO, UNKNOWN, SILENCE))
    for band in (_plot_band(scores, 100), _bars_band(scores.bars, 100)):
        assert _count(band, no) > 0  # "no"'s line, not the last drawn class's
        assert _count(band, silence) == 0 and _count(band, unknown) == 0  # never reported: no line
    assert _count(_plot_band(scores, 246), yes) > 0 and _count(_bars_band(scores.bars, 246), yes) > 0
    assert scores.bars.thresholds() == [100, 246]
    assert "no 100" in scores.plot.toolTip() and "yes 246" in scores.plot.toolTip()


def test_keywords_sharing_a_threshold_both_show_on_one_line(played) -> None:
    scores = played.live.scores
    _set_thresholds(played, [150, 150, 100, 100])
    yes, no = theme.class_color(YES), theme.class_color(NO)
    for band in (_plot_band(scores, 150), _bars_band(scores.bars, 150)):
        shown_yes, shown_no = _count(band, yes), _count(band, no)
        assert shown_yes > 0 and shown_no > 0 and 0.5 < shown_yes / shown_no < 2  # their dashes take turns
    assert _count(_plot_band(scores, 100), theme.class_color(SILENCE)) == 0
    assert "yes and no 150" in scores.plot.toolTip()


def test_without_a_list_one_global_line_in_the_threshold_colour(played) -> None:
    scores = played.live.scores
    controller = played.controller
    controller.set_detection_settings(controller.settings.replace(detection_threshold_list=None,
                                                                  detection_threshold=200))
    assert len(scores.threshold_lines) == 1 and scores.threshold_lines[0].value() == 200
    assert _count(_plot_band(scores, 200), QColor(theme.plot_colors(True).threshold)) > 0


def test_marks_group_keywords_by_value_and_skip_underscore_classes(qapp) -> None:
    from workbench.gui.live.score_items import threshold_marks

    classes = ("up", "down", "_unknown_", "_silence_", "_go_")
    marks = threshold_marks(classes, [100, 100, 100, 100, 50], 185, "white")
    assert [(m.value, m.names) for m in marks] == [(100, ("up", "down"))]
    assert marks[0].colors == (theme.class_color(0), theme.class_color(1))
    assert [(m.value, m.names) for m in threshold_marks(classes, [90, 100, 1, 2, 3], 185, "white")] == [
        (90, ("up",)), (100, ("down",))]
    assert [(m.value, m.names) for m in threshold_marks(classes, [1, 2], 185, "white")] == [(185, ())]
