"""The score plot stays inside its widget when the window gets smaller: the legend takes fewer columns and the plot
is laid out again in the widget's width, on a resize and when the hidden Live workspace is shown (a legend as wide
as before had kept the plot 600-880 px wide in a 290 px widget: the newest seconds, the time axis' title and half
the legend cut off)."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem

from workbench.assets import sample_audio_path
from workbench.gui.live.live_views import LiveViews
from workbench.gui.live.scores_view import ScoresView
from workbench.gui.stream.source_choice import FILE, SourceChoice

CLASSES = ("yes", "no", "_unknown_", "_silence_", "_go_", "_down_", "_left_")  # a seven-class model's legend
WIDE, NARROW = (1000, 700), (420, 700)  # the scores view ~880 px wide, then ~300 px as at 1280x720
SMALL_WINDOW, START_WINDOW = (1280, 720), (1300, 800)
SHORT_NARROW, TALL_NARROW = (420, 330), (420, 1400)  # the scores view ~100 px tall, then ~460 px
PLOT_SHARE = 0.5  # of the plot widget's height the traces get at least without a legend
SLACK_PX = 1.0  # pyqtgraph places items at half pixels


def on_widget(scores: ScoresView, item: QGraphicsItem) -> QRectF:
    """Where ``item`` is drawn, in the plot widget's pixels."""
    return scores.plot_widget.mapFromScene(item.sceneBoundingRect()).boundingRect().toRectF()


def assert_inside(scores: ScoresView) -> None:
    """The view box, the legend and the time axis (with its title) lie inside the widget; the legend within the
    plot's width."""
    frame = QRectF(scores.plot_widget.rect()).adjusted(-SLACK_PX, -SLACK_PX, SLACK_PX, SLACK_PX)
    items = [("view box", scores.plot.vb), ("time axis", scores.plot.getAxis("bottom"))]
    for name, item in items + ([("legend", scores.legend)] if scores.legend_shown else []):
        assert frame.contains(on_widget(scores, item)), (name, on_widget(scores, item), frame)
    assert scores.legend.width() <= scores.plot.width() + SLACK_PX
    assert scores.plot_widget.ci.geometry().width() <= scores.plot_widget.width()


def shown_views(qtbot, size: tuple[int, int]) -> LiveViews:
    views = LiveViews()
    qtbot.addWidget(views)
    views.scores._build_items(CLASSES)
    views.resize(*size)
    views.show()
    qtbot.waitExposed(views)
    return views


def test_a_shrink_refits_the_legend_and_keeps_the_plot_inside_its_widget(qtbot) -> None:
    views = shown_views(qtbot, WIDE)
    scores = views.scores
    wide_columns = scores.legend.columnCount
    assert wide_columns > 2
    assert_inside(scores)
    views.resize(*NARROW)
    qtbot.waitUntil(lambda: scores.plot_widget.width() < WIDE[0] / 2, timeout=2000)
    assert scores.legend.columnCount < wide_columns
    assert_inside(scores)
    views.resize(*WIDE)  # and back: the legend spreads out again
    qtbot.waitUntil(lambda: scores.legend.columnCount == wide_columns, timeout=2000)
    assert_inside(scores)


def test_the_live_workspace_keeps_its_scores_inside_after_the_window_shrinks(qtbot, window) -> None:
    window.show_workspace("live")
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    scores = window.live.scores
    try:
        qtbot.waitUntil(lambda: bool(scores.legend.items) and scores._cursor > 0, timeout=5000)
        assert_inside(scores)
        window.resize(*SMALL_WINDOW)
        qtbot.waitUntil(lambda: window.width() <= SMALL_WINDOW[0], timeout=2000)
        qtbot.wait(100)
    finally:
        window.controller.stop()
    assert_inside(scores)
    # the score plot's data area still lines up with the spectrogram's above it (linked by screen position)
    spectrogram = window.live.spectrogram
    spectrogram_box = spectrogram.plot_widget.mapFromScene(spectrogram.plot.vb.sceneBoundingRect()).boundingRect()
    assert abs(on_widget(scores, scores.plot.vb).right() - spectrogram_box.right()) <= SLACK_PX + 1


def test_the_scores_fit_when_the_live_workspace_is_shown_after_starting_elsewhere(qtbot, window) -> None:
    """The window started at 1300x800 on another workspace, then Ctrl+1: the stream (and the legend) began while
    the Live workspace was hidden."""
    window.show_workspace("model")
    window.resize(*START_WINDOW)
    qtbot.waitUntil(lambda: window.width() <= START_WINDOW[0], timeout=2000)
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    scores = window.live.scores
    try:
        qtbot.waitUntil(lambda: bool(scores.legend.items), timeout=5000)
        window.show_workspace("live")
        qtbot.waitUntil(lambda: scores.isVisible() and scores._cursor > 0, timeout=5000)
        qtbot.wait(100)
    finally:
        window.controller.stop()
    assert_inside(scores)


def test_a_short_plot_leaves_the_legend_out_and_the_bars_key_the_colours(qtbot) -> None:
    """In a short, narrow plot a seven-class legend took most of the height (at 16 pt in a 1280x720 window all of
    it): it is left out, the traces get the height, and the bars beside the plot show each class's colour before
    its name (left of the bar's 0, so never read as a score), scores at 0 included. A taller plot shows the legend
    again."""
    views = shown_views(qtbot, SHORT_NARROW)
    scores = views.scores
    qtbot.waitUntil(lambda: not scores.legend_shown, timeout=2000)
    assert scores.legend.scene() is None
    assert on_widget(scores, scores.plot.vb).height() >= PLOT_SHARE * scores.plot_widget.height()
    assert_inside(scores)
    bars = scores.bars
    image = bars.grab().toImage()
    area = bars._area()
    for (top, row_h), color in zip(bars._rows(area), bars._colors):  # every score is 0: no bar drawn
        strip = bars.swatch(QRectF(area.left(), top, 0, row_h))
        middle = int(top + row_h / 2)
        assert image.pixelColor(int(strip.center().x()), middle).name() == color.name()
        assert image.pixelColor(int(area.left()) + 1, middle).name() != color.name()  # no colour at the bar's 0
    views.resize(*TALL_NARROW)
    qtbot.waitUntil(lambda: scores.legend_shown, timeout=2000)
    assert scores.legend.scene() is scores.plot_widget.scene()
    assert_inside(scores)
