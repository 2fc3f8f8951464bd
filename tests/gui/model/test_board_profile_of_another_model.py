"""A board profile that arrives after the user loaded another model is not shown as the new model's
(the main window, the simulated board and Commander, pytest-qt)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "board" / "sim"))

from board_fixtures import board, board_factory, commander, profiler_image  # noqa: E402,F401

from workbench.gui.model.layer_table_model import column_index  # noqa: E402

RUN_TIMEOUT_MS = 60_000
REPO = Path(__file__).resolve().parents[3]


def test_a_board_profile_of_the_previous_model_is_dropped_with_a_message(window, qtbot, board, profiler_image,
                                                                         reference_model_path: Path) -> None:
    ws = window.board
    old_name = window.controller.model.name
    try:
        ws.connection.port.setEditText(str(board.port))
        ws.firmware.profiler.setText(str(profiler_image))
        with qtbot.waitSignal(ws.board_profile, timeout=RUN_TIMEOUT_MS) as blocker:
            qtbot.mouseClick(ws.profile_button, Qt.MouseButton.LeftButton)
            assert window.open_model(reference_model_path), window.last_error  # while the board works
        qtbot.waitUntil(lambda: not ws.busy, timeout=RUN_TIMEOUT_MS)
    finally:
        ws.shutdown()
    new_name = window.controller.model.name
    assert blocker.args[0].summary.name == old_name != new_name
    view = window.profile_view
    assert view.report is not blocker.args[0] and view.report.summary.name == new_name
    assert view.report.summary.measured is None and view.table.isColumnHidden(column_index("Board ms"))
    assert "Estimates, not board measurements" in view.headline.summary_label.text()
    expected = (f"Board profile of {old_name} not shown: the loaded model is now {new_name}; "
                "profile it on the board again.")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == expected, timeout=RUN_TIMEOUT_MS)


def test_the_headline_of_a_board_report_gives_the_measured_totals(qtbot, board, profiler_image,
                                                                   reference_model_path: Path) -> None:
    from workbench.board.runs.job import BoardOptions
    from workbench.board.runs.profile_run import profile_on_board
    from workbench.gui.model.profile_view import ProfileView

    result = profile_on_board(reference_model_path.read_bytes(), "seed",
                              BoardOptions(port=str(board.port), firmware=profiler_image))
    view = ProfileView()
    qtbot.addWidget(view)
    view.show_model(reference_model_path.read_bytes(), "seed")
    assert "Estimates, not board measurements" in view.headline.summary_label.text()
    view.set_report(result.report)
    text = view.headline.summary_label.text()
    measured = result.report.summary.measured
    assert "Estimates, not board measurements" not in text
    assert "<b>Measured on the board</b> (brd2601 EFR32MG24B310F1536IM48 at 78 MHz): " in text
    assert f"{measured.total_time_ms:.3f} ms/inference" in text and "CPU cycles" in text
    assert "accelerator cycles" in text
    # the runtime memory in the words and bytes of the Board workspace and kws board profile, beside the estimate
    estimate = result.report.summary.arena_bytes_mvp
    assert f"runtime memory {measured.runtime_memory_bytes:,} bytes (estimated {estimate:,} bytes, error " in text


def test_a_profile_of_a_same_named_model_says_the_loaded_file_is_another(qtbot) -> None:
    """kws_yes_no profiled, then a copy of it with other parameters loaded: the message must not read as if
    nothing had changed ("... not shown: the loaded model is now kws_yes_no")."""
    from types import SimpleNamespace

    from workbench.core.model.model_file import load_model, model_with_params
    from workbench.gui.board_link import show_board_profile

    profiled = load_model(REPO / "resources" / "models" / "kws_yes_no.tflite")
    loaded = model_with_params(profiled, {"detection_threshold": 201})
    said: list[str] = []
    window = SimpleNamespace(controller=SimpleNamespace(model=loaded), show_status=said.append,
                             profile_view=None)  # never reached: the report is not the loaded model's
    assert not show_board_profile(window, object(), profiled)
    qtbot.waitUntil(lambda: bool(said))
    assert said == ["Board profile of kws_yes_no not shown: the loaded kws_yes_no is not the file that was "
                    "profiled; profile it on the board again."]
