"""Workspaces: switching (mode bar, Ctrl+N, View menu), the stream running behind them, per-workspace docks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from workbench.assets import default_model_path, sample_audio_path
from workbench.gui.window.main_window import LIVE, WORKSPACES


def _keys(window) -> list[str]:
    return list(window.workspaces)


def test_every_workspace_has_a_shortcut_a_button_and_a_view_menu_entry(window, qtbot) -> None:
    keys = _keys(window)
    assert keys[:3] == ["live", "model", "profile"]
    assert [entry.key for entry in WORKSPACES if entry.key in window.workspaces] == keys
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    menu_texts = [a.text() for a in view_menu.actions()]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    for number, key in reversed(list(enumerate(keys, start=1))):
        action = window.workspace_bar.actions_by_key[key]
        assert action.shortcut().toString() == f"Ctrl+{number}"
        assert action.text() in menu_texts
        QTest.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        assert window.current_workspace == key
        assert window.stack.currentWidget() is window.workspaces[key]
        assert window.workspace_bar.current() == key
    window.workspace_bar.actions_by_key["profile"].trigger()  # the mode bar button
    assert window.current_workspace == "profile"
    with pytest.raises(KeyError):
        window.show_workspace("nonsense")


def test_the_stream_runs_on_behind_another_workspace_and_the_views_catch_up(window, qtbot) -> None:
    from workbench.gui.stream.source_choice import FILE, SourceChoice

    window.show_workspace("model")
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=False, loop=False))
    session = window.controller.session
    qtbot.waitUntil(lambda: session.wait(0) and not window.controller.running, timeout=30_000)
    qtbot.waitUntil(lambda: "yes" in window.log.labels() and "no" in window.log.labels(), timeout=5000)
    assert window.live.scores._cursor == 0  # hidden views drew nothing while the Model workspace was shown
    qtbot.waitUntil(lambda: "heard:" in window.indicator.text("heard") and "no" in window.indicator.text("heard"),
                    timeout=3000)  # the status bar said what was heard, in the Model workspace
    window.show_workspace(LIVE)
    assert window.live.scores._cursor == session.inferences.total > 0  # caught up at once
    times, raw, _ = window.live.scores.plotted_scores()
    assert times.size == session.inferences.total


def test_each_workspace_keeps_its_own_dock_layout_across_restarts(window, qtbot, settings_dir: Path) -> None:
    from workbench.gui.window.main_window import MainWindow

    docks = window.docks
    assert all(dock.isVisible() for dock in docks.values())  # Live: source, detections, tuning
    docks["Tuning"].hide()
    window.show_workspace("profile")
    assert not any(dock.isVisible() for dock in docks.values())  # the whole area by default
    docks["Detections"].show()
    window.show_workspace(LIVE)
    assert docks["Source"].isVisible() and docks["Detections"].isVisible() and not docks["Tuning"].isVisible()
    window.show_workspace("profile")
    assert docks["Detections"].isVisible() and not docks["Source"].isVisible()
    window.close()

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    assert again.current_workspace == "profile"  # where the user left off
    assert again.docks["Detections"].isVisible() and not again.docks["Tuning"].isVisible()
    again.show_workspace(LIVE)
    assert not again.docks["Tuning"].isVisible() and again.docks["Source"].isVisible()
    reset = next(a for a in again.actions() if a.text() == "Reset &layout")
    reset.trigger()
    assert all(dock.isVisible() for dock in again.docks.values())
    again.show_workspace("model")
    assert not any(dock.isVisible() for dock in again.docks.values())
    again.close()


def test_model_workspace_edits_reach_the_engine(window) -> None:
    from workbench.gui.model.parameter_table_view import COLUMN_NOW

    window.show_workspace("model")
    window.model_view.parameter_table.item("suppression_ms").setText(COLUMN_NOW, "1300")
    assert window.controller.settings.suppression_ms == 1300
    assert window.controller.engine.detection_settings.suppression_ms == 1300
    assert window.tuning_panel.rows["suppression_ms"].value == 1300  # the sliders follow


def test_opening_another_model_refreshes_the_model_and_profile_workspaces(window, tmp_path: Path) -> None:
    window.controller.set_detection_settings(window.controller.settings.replace(detection_threshold=203))
    tuned = tmp_path / "tuned.tflite"
    assert window.save_parameters(tuned), window.last_error
    assert window.open_model(tuned)
    assert window.model_view.field_text("path") == str(tuned)
    assert window.model_view.parameters_shown()["Detection"]["detection_threshold"] == "203"
    assert window.profile_view.model_path == tuned
    assert window.open_model(default_model_path())
