"""At a 16 pt font in a 1280x720 window the Evaluation tab's report fits its column: no sideways scrolling on the
Plots tab or the Clips tab, the headline wrapped to the column, each accuracy header whole. The Clips tab's filters
side by side asked for 580 px and made the report 584 px wide in a 479 px column: its headline ("…, ROC AUC
(exact…", "…are counted as _unknown…") was read by scrolling sideways. A real report of a real evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QScrollArea, QStyle, QWidget

from tests.gui.training.evaluation.conftest import finished_run
from workbench.bundled_models import bundled_model_file
from workbench.datasets.layout import scan_dataset
from workbench.evaluation.evaluate import evaluate_model
from workbench.gui.training.evaluation.evaluation_report_view import CLIPS_TAB, PLOTS_TAB, EvaluationReportView

SMALL_SCREEN = (1280, 720)


@pytest.fixture(scope="module")
def stream_run(speech: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kws_yes_no_stream's run: its headline has all four lines (the folded classes' one the longest)."""
    model = bundled_model_file("kws_yes_no_stream")
    assert model is not None
    result = evaluate_model(model, scan_dataset(speech).clips, workers=1)
    return finished_run(tmp_path_factory.mktemp("run"), result)


@pytest.fixture
def report(large_font, window, qtbot, stream_run: Path) -> EvaluationReportView:  # type: ignore[no-untyped-def]
    """The Training workspace's report of ``stream_run``, in a window built at 16 pt and made 1280x720."""
    window.resize(*SMALL_SCREEN)
    qtbot.waitUntil(lambda: window.size().toTuple() == SMALL_SCREEN, timeout=2000)
    window.show_workspace("training")
    workspace = window.training.training
    view = workspace.report
    assert view.show_run(stream_run)
    workspace.tabs.setCurrentWidget(_scroll_area_of(view))
    qtbot.wait(50)  # let the layouts settle
    return view


def _scroll_area_of(widget: QWidget) -> QScrollArea:
    parent = widget.parentWidget()
    while not isinstance(parent, QScrollArea):
        assert parent is not None, "the report is in no scroll area"
        parent = parent.parentWidget()
    return parent


def _across(widget: QWidget, viewport: QWidget) -> bool:
    """Whether ``widget`` lies within the width of ``viewport`` (the report scrolls up and down)."""
    place = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return place.left() >= 0 and place.right() <= viewport.rect().right()


@pytest.mark.parametrize("tab", [PLOTS_TAB, CLIPS_TAB])
def test_the_report_never_scrolls_sideways(report, qtbot, tab: str) -> None:
    details = report.details
    details.setCurrentIndex(next(i for i in range(details.count()) if details.tabText(i).startswith(tab)))
    qtbot.wait(50)
    area = _scroll_area_of(report)
    viewport = area.viewport()
    assert area.horizontalScrollBar().maximum() == 0  # 105 px on the Plots tab, 265 px on the Clips tab
    assert report.width() <= viewport.width()
    headline = report.headline
    assert _across(headline, viewport)  # every line wrapped within the column
    assert headline.height() >= headline.heightForWidth(headline.width())  # and every line in it
    assert "average ROC AUC (exact" in headline.text()
    filters = (report.clips.mistakes_only, report.clips.label_filter, report.clips.predicted_filter,
               report.clips.word_filter)
    for widget in filters if tab == CLIPS_TAB else ():  # on further rows
        assert _across(widget, viewport), widget.accessibleName()


def test_every_accuracy_header_shows_whole(report) -> None:
    """The three columns share the column's width: "validation accuracy" goes on two lines rather than be cut."""
    header = report.table.horizontalHeader()
    margins = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for column in range(header.count()):
        text = report.table.horizontalHeaderItem(column).text()
        widest = max(header.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
        assert widest + margins <= header.sectionSize(column), text
        assert header.height() >= header.fontMetrics().height() * len(text.split("\n")), text
