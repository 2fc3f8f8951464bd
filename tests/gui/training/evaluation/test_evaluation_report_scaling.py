"""The Evaluation tab under a large application font and at 200 % scaling: every class row shows whole, and
the evaluation plots are drawn at the screen's pixel density (sharp), not scaled up from 1x pixels."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui.conftest import LARGE_FONT_PT
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QApplication

from workbench.gui.training.evaluation.evaluation_report_view import PLOT_HEIGHT_PX, EvaluationReportView

CLASSES = ("yes", "no", "_unknown_", "_silence_")
PNG_PX = (800, 600)  # a plot as kws train writes it: larger than shown
SCALE_FACTOR = 2
CHILD_TIMEOUT_S = 60


@pytest.fixture
def run_folder(tmp_path: Path) -> Path:
    """A finished run's summary.json (four classes) and one evaluation plot PNG."""
    folder = tmp_path / "run"
    (folder / "eval").mkdir(parents=True)
    accuracies = {name: 0.9 for name in CLASSES}
    (folder / "summary.json").write_text(json.dumps({
        "model": "m.tflite", "epochs": 2, "best_epoch": 2,
        "evaluation": {"clips": 40, "balanced_accuracy": 0.9, "class_accuracies": accuracies},
        "validation_evaluation": {"class_accuracies": accuracies}}), encoding="utf-8")
    image = QImage(*PNG_PX, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    assert image.save(str(folder / "eval" / "m-confusion_matrix.png"))
    return folder



def test_every_class_row_shows_whole_at_a_large_font(qtbot, large_font: QFont, run_folder: Path) -> None:
    view = EvaluationReportView()
    qtbot.addWidget(view)
    view.resize(900, 900)
    view.show()
    assert view.show_run(run_folder)
    qtbot.wait(20)  # let the layout settle
    table = view.table
    assert table.rowCount() == len(CLASSES)
    line_px = QFontMetrics(large_font).height()
    viewport = table.viewport().rect()
    for row in range(table.rowCount()):
        assert table.rowHeight(row) >= line_px, f"row {row} is shorter than its text"
        rect = table.visualRect(table.model().index(row, 0))
        assert viewport.contains(rect), f"row {row} ({table.item(row, 0).text()}) is cut off: {rect} in {viewport}"
    assert table.verticalScrollBar().maximum() == 0


def test_the_table_refits_when_the_font_grows_after_a_run_is_shown(qtbot, qapp: QApplication,
                                                                   run_folder: Path) -> None:
    view = EvaluationReportView()
    qtbot.addWidget(view)
    view.show()
    assert view.show_run(run_folder)
    small = view.table.height()
    font = qapp.font()
    large = QFont(font)
    large.setPointSizeF(LARGE_FONT_PT)
    qapp.setFont(large)
    try:
        qtbot.waitUntil(lambda: view.table.height() > small, timeout=2000)
        last = view.table.visualRect(view.table.model().index(len(CLASSES) - 1, 0))
        assert view.table.viewport().rect().contains(last)
    finally:
        qapp.setFont(font)


CHILD = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from workbench.gui.training.evaluation.evaluation_report_view import EvaluationReportView
view = EvaluationReportView()
view.show()
assert view.show_run(Path(sys.argv[1]))
pixmap = view.plots[0].pixmap()
print(json.dumps({"screen_ratio": view.devicePixelRatioF(), "pixmap_ratio": pixmap.devicePixelRatio(),
                  "pixmap_height": pixmap.height(), "shown_height": pixmap.deviceIndependentSize().height()}))
"""


def test_the_plots_are_drawn_at_the_screens_pixel_density(run_folder: Path) -> None:
    """A real process at QT_SCALE_FACTOR=2 (the scale is fixed when Qt starts, so not in this process)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": str(SCALE_FACTOR)}
    result = subprocess.run([sys.executable, "-c", CHILD, str(run_folder)], env=env, capture_output=True,
                            text=True, timeout=CHILD_TIMEOUT_S, cwd=Path(__file__).resolve().parents[4])
    assert result.returncode == 0, result.stderr[-3000:]
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["screen_ratio"] == SCALE_FACTOR
    assert shown["pixmap_ratio"] == SCALE_FACTOR
    assert shown["pixmap_height"] == PLOT_HEIGHT_PX * SCALE_FACTOR  # one image pixel per screen pixel
    assert shown["shown_height"] == PLOT_HEIGHT_PX  # and as tall on screen as at 1x
