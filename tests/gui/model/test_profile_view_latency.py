"""The Profile workspace says what ``kws profile`` says of a model whose ``latency_ms`` is shorter than an inference
(pytest-qt, offscreen, the real profiler): the same line in its headline and the same fields in its JSON export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from workbench.cli.main import main
from workbench.core.model.model_params import read_params, write_params
from workbench.gui.model.profile_view import ProfileView
from workbench.profiler.report import LATENCY_PROBLEM_LABEL

SHORT_LATENCY_MS = 5  # the seed model takes about 6.1 ms per inference on the MVP at 78 MHz
LATENCY_FIELDS = ("latency_ms", "keeps_up", "latency_problem")
SIM_LOGS = Path(__file__).resolve().parents[2] / "board" / "sim"
# the Profile workspace's share of a 1280x720 window (as test_profile_view_layout), at a large font
SMALL_WIDTH, SMALL_HEIGHT = 1110, 560
LARGE_POINT_SIZE = 16


@pytest.fixture
def slow_model(tmp_path: Path, reference_model_path: Path) -> Path:
    """The seed model with a latency_ms its inference cannot keep up with."""
    tflite = reference_model_path.read_bytes()
    path = tmp_path / "seed_latency_5.tflite"
    path.write_bytes(write_params(tflite, {**read_params(tflite), "latency_ms": SHORT_LATENCY_MS}))
    return path


def _cli_summary(capsys, model: Path, *options: str) -> dict:
    assert main(["profile", str(model), "--format", "json", *options]) == 0
    return json.loads(capsys.readouterr().out)["summary"]


@pytest.mark.parametrize("accelerator", ["mvp", "none"])
def test_headline_and_export_say_what_kws_profile_says(qtbot, capsys, tmp_path: Path, slow_model: Path,
                                                      accelerator: str) -> None:
    view = ProfileView()
    qtbot.addWidget(view)
    view.accelerator_box.setCurrentIndex(view.accelerator_box.findData(accelerator))
    view.show_model(slow_model.read_bytes(), slow_model.stem, slow_model)
    expected = _cli_summary(capsys, slow_model, "--accelerator", accelerator)
    assert expected["keeps_up"] is False and expected["latency_ms"] == SHORT_LATENCY_MS
    exported = json.loads(view.export_to(tmp_path / "profile.json", "json").read_text())["summary"]
    assert {k: exported[k] for k in LATENCY_FIELDS} == {k: expected[k] for k in LATENCY_FIELDS}
    headline = view.headline.summary_label.text()
    assert f"{LATENCY_PROBLEM_LABEL}: no: latency_ms {SHORT_LATENCY_MS} is shorter" in headline


def test_a_model_that_keeps_up_is_said_to_in_the_export_only(qtbot, capsys, tmp_path: Path,
                                                             reference_model_path: Path) -> None:
    view = ProfileView()
    qtbot.addWidget(view)
    view.show_model(reference_model_path.read_bytes(), "seed", reference_model_path)
    expected = _cli_summary(capsys, reference_model_path)
    exported = json.loads(view.export_to(tmp_path / "profile.json", "json").read_text())["summary"]
    assert {k: exported[k] for k in LATENCY_FIELDS} == {k: expected[k] for k in LATENCY_FIELDS}
    assert exported["keeps_up"] is True and LATENCY_PROBLEM_LABEL not in view.headline.summary_label.text()


def _board_report(tflite: bytes):  # type: ignore[no-untyped-def]
    """The seed's estimate with the simulated board's measurements of it attached (the real log parser)."""
    from workbench.board.logs.profiler_log import parse_profiler_log
    from workbench.board.runs.measured_report import attach_measurements
    from workbench.profiler.report import profile_model

    log = parse_profiler_log((SIM_LOGS / "profiler_mvp.log").read_text())
    return attach_measurements(profile_model(tflite, name="seed"), log, source="test board", platform="brd2601")


def test_a_kept_board_report_is_not_judged_by_the_latency_of_the_file_it_was_measured_with(
        qtbot, tmp_path: Path, slow_model: Path) -> None:
    """A board report is kept for the network and shown again for a copy with other parameters: a copy without
    latency_ms is judged by nothing, as kws profile judges it, not by the measured file's 5 ms."""
    view = ProfileView()
    qtbot.addWidget(view)
    slow = slow_model.read_bytes()
    view.show_model(slow, "seed")
    view.set_report(_board_report(slow))
    assert view.show_model(slow, "seed").summary.measured is not None  # kept, and judged by the file's 5 ms
    assert f"{LATENCY_PROBLEM_LABEL}: no:" in view.headline.summary_label.text()
    params = {key: value for key, value in read_params(slow).items() if key != "latency_ms"}
    unjudged = write_params(slow, params)
    shown = view.show_model(unjudged, "seed")
    assert shown.summary.measured is not None  # the kept board report, shown again for the same network
    assert LATENCY_PROBLEM_LABEL not in view.headline.summary_label.text()
    exported = json.loads(view.export_to(tmp_path / "profile.json", "json").read_text())["summary"]
    assert {k: exported[k] for k in LATENCY_FIELDS} == {"latency_ms": None, "keeps_up": None, "latency_problem": ""}


def test_the_whole_headline_of_a_board_report_is_readable_at_a_large_font(qtbot, slow_model: Path) -> None:
    """A board's totals, the stored runtime memory and the latency_ms line at 16 pt in the workspace's share of a
    1280x720 window: every line has its room (the headline scrolls); its last lines were cut off."""
    view = ProfileView()
    qtbot.addWidget(view)
    font = QFont(view.font())
    font.setPointSize(LARGE_POINT_SIZE)
    view.setFont(font)
    view.resize(SMALL_WIDTH, SMALL_HEIGHT)
    slow = slow_model.read_bytes()
    view.show_model(slow, "seed")
    view.set_report(_board_report(slow))
    view.show_model(slow, "seed")
    view.show()
    qtbot.waitExposed(view)
    label = view.headline.summary_label
    assert f"{LATENCY_PROBLEM_LABEL}: no:" in label.text()
    QApplication.processEvents()
    assert label.height() >= label.heightForWidth(label.width())
