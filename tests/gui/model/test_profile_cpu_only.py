"""The Profile panel with the Accelerator "none (CPU only)": nothing asked of the MVP, so nothing said of it --
no MVP column, verdicts, reasons, arena or legend -- as ``kws profile --accelerator none`` says nothing of it
(pytest-qt, offscreen, the real seed model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from workbench.gui.model.layer_table_model import column_index
from workbench.gui.model.profile_view import ProfileView

DENSE_ROW = 2  # FULLY_CONNECTED: "yes*" with the MVP, whose reason is weights_shape[1] (4000) > 2048
MVP_REASON = "weights_shape[1] (4000) &gt; 2048"


@pytest.fixture
def profiled(qtbot, reference_model_path: Path, settings_dir: Path) -> ProfileView:
    view = ProfileView(settings=QSettings(str(settings_dir / "profile.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(view)
    view.show_model(reference_model_path.read_bytes(), "seed", reference_model_path)
    view.show()
    qtbot.waitExposed(view)
    view.table.selectRow(DENSE_ROW)
    return view


def _diagram_tips(view: ProfileView) -> list[str]:
    boxes = (view.diagram_layout.itemAt(i).widget() for i in range(view.diagram_layout.count()))
    return [box.toolTip() for box in boxes if box is not None]


def _choose(view: ProfileView, accelerator: str) -> None:
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData(accelerator))


def test_cpu_only_says_nothing_of_the_mvp(profiled):
    view = profiled
    _choose(view, "none")
    assert view.report.summary.accelerator == "none"
    mvp_column = column_index("MVP")
    assert view.table.isColumnHidden(mvp_column)
    assert view.selected_text().splitlines()[0].split("\t")[-1] == "Params"  # the copy follows what is shown
    details = view.details_label.text()
    assert "2: FULLY_CONNECTED" in details and "runs on the CPU" in details
    assert "MVP" not in details and MVP_REASON not in details and "MLTK" not in details
    tip = view.proxy.index(DENSE_ROW, column_index("Op")).data(Qt.ItemDataRole.ToolTipRole)
    assert "MVP" not in tip and "4000) > 2048" not in tip
    assert all("MVP" not in text and "> 2048" not in text for text in _diagram_tips(view))
    assert view.ram_mvp_bar.isHidden() and view.memory.ram_mvp_label.isHidden() and not view.ram_bar.isHidden()
    assert "MVP" not in view.chart_legend.text() and "CPU" in view.chart_legend.text()
    assert "MVP" not in view.chart.accessibleDescription()
    assert "MVP" not in view.headline.summary_label.text()


def test_the_mvp_says_it_all_again_when_chosen_again(profiled):
    view = profiled
    _choose(view, "none")
    _choose(view, "mvp")
    mvp_column = column_index("MVP")
    assert not view.table.isColumnHidden(mvp_column)
    assert view.proxy.index(DENSE_ROW, mvp_column).data() == "yes*"
    details = view.details_label.text()
    assert MVP_REASON in details and "large-input algorithm" in details
    tips = _diagram_tips(view)
    assert "weights_shape[1] (4000) > 2048" in tips[DENSE_ROW] and "MVP" in tips[DENSE_ROW]
    assert not view.ram_mvp_bar.isHidden() and "MVP" in view.chart_legend.text()
