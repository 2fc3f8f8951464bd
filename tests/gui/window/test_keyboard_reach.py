"""Keyboard reach: Space and Return work the focused control, Tab moves through every workspace to its main
action, and each workspace's buttons carry Alt mnemonics that do not clash with each other or the menus."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QSlider, QTableView, QWidget

from workbench.assets import sample_audio_path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import make_dataset, speaker_names  # noqa: E402

KEYBOARD_WORKSPACES = ("profile", "training", "calibration", "board")
SLACK_STOPS = 4  # Tab stops allowed beyond the workspace's focusable widgets (tab bars, plots)


def _main_buttons(window) -> dict[str, QAbstractButton]:
    return {"model": window.model_view.save_button, "profile": window.profile_view.export_button,
            "training": window.training.training.train_button, "calibration": window.calibration.run_button,
            "board": window.board.profile_button}


def _activate(window, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def _press(widget: QWidget, key: Qt.Key, qtbot) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)
    QTest.keyClick(widget, key)


def _count(signal) -> list[object]:
    seen: list[object] = []
    signal.connect(lambda *args: seen.append(args))
    return seen


def test_space_presses_the_focused_button_and_check_box_not_start(window, qtbot) -> None:
    _activate(window, qtbot)
    starts = _count(window.start_action.triggered)
    beep = window.log.beep_box
    was = beep.isChecked()
    _press(beep, Qt.Key.Key_Space, qtbot)
    assert beep.isChecked() != was and starts == []
    clears = _count(window.log.clear_button.clicked)
    _press(window.log.clear_button, Qt.Key.Key_Space, qtbot)
    assert len(clears) == 1 and starts == [] and not window.controller.running


def test_space_still_starts_and_stops_where_no_control_takes_it(window, qtbot) -> None:
    from workbench.gui.stream.source_choice import FILE, SourceChoice

    _activate(window, qtbot)
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    assert window.controller.running
    slider = window.tuning_panel.findChild(QSlider)
    _press(slider, Qt.Key.Key_Space, qtbot)  # a slider (just dragged, say): Space means nothing to it
    qtbot.waitUntil(lambda: not window.controller.running, timeout=5000)
    _press(window.live.scores, Qt.Key.Key_Space, qtbot)  # a plot, likewise
    qtbot.waitUntil(lambda: window.controller.running, timeout=5000)
    assert "Space" in window.start_action.toolTip()
    assert window.start_action.shortcut() == QKeySequence("Space")


def test_return_presses_the_focused_button(window, qtbot) -> None:
    _activate(window, qtbot)
    window.show_workspace("calibration")
    runs = _count(window.calibration.run_button.clicked)
    _press(window.calibration.run_button, Qt.Key.Key_Return, qtbot)
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=2000)
    assert window.last_error is not None  # no labelled stream chosen: the run said why it did not start
    assert not window.controller.running


@pytest.mark.parametrize("key", KEYBOARD_WORKSPACES)
def test_read_only_tables_let_tab_move_on(window, key: str) -> None:
    tables = window.workspaces[key].findChildren(QTableView)
    assert tables
    assert [t for t in tables if t.tabKeyNavigation()] == []


def test_the_live_detection_log_lets_tab_move_on(window) -> None:
    assert not window.log.table.tabKeyNavigation()


@pytest.mark.parametrize("key", ["model", *KEYBOARD_WORKSPACES])
def test_tab_reaches_the_main_action_of_every_workspace(window, qtbot, tmp_path: Path, key: str) -> None:
    _activate(window, qtbot)
    window.show_workspace(key)
    if key == "training":  # a dataset, so that the data table has cells for Tab to get lost in
        datasets = window.training.training.datasets
        datasets.set_folders([make_dataset(tmp_path / "data", {w: speaker_names(2) for w in ("yes", "no")})])
        qtbot.waitUntil(lambda: datasets.table.rowCount() > 0, timeout=30_000)
    page, target = window.workspaces[key], _main_buttons(window)[key]
    stops = [w for w in page.findChildren(QWidget) if w.isVisible() and w.isEnabled()
             and w.focusPolicy() & Qt.FocusPolicy.TabFocus]
    first = page.nextInFocusChain() if page.focusPolicy() == Qt.FocusPolicy.NoFocus else page
    first.setFocus()
    seen = []
    for _ in range(len(stops) + SLACK_STOPS):
        QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert target in seen, [type(w).__name__ for w in seen]


def _mnemonics(window) -> list[str]:
    """The Alt shortcut of every visible button of the window and of the menu bar's menus."""
    texts = [a.text() for a in window.menuBar().actions()]
    texts += [b.text() for b in window.findChildren(QAbstractButton) if b.isVisible()]
    return [QKeySequence.mnemonic(text).toString() for text in texts if QKeySequence.mnemonic(text).count()]


def _live_buttons(window) -> list[QAbstractButton]:
    """The Live docks' buttons a keyboard user reaches by Alt (the stream's own Start and Record are the menu's)."""
    source, log = window.source_panel, window.log
    return [source.refresh_button, source.transport.open_button, source.recording.folder_button, log.clear_button,
            log.export_button, window.tuning_panel.save_button]


@pytest.mark.parametrize("key", ["live", "model", *KEYBOARD_WORKSPACES, "sweeps"])
def test_main_actions_have_mnemonics_that_do_not_clash(window, qtbot, key: str) -> None:
    if key == "sweeps":
        window.show_workspace("training")
        window.training.setCurrentWidget(window.training.sweeps)
        mains = [window.training.sweeps.run_button]
    elif key == "live":
        window.show_workspace(key)
        mains = _live_buttons(window)
    else:
        window.show_workspace(key)
        mains = [_main_buttons(window)[key]]
    qtbot.wait(10)
    for button in mains:
        assert QKeySequence.mnemonic(button.text()).count() == 1, button.text()
    keys = _mnemonics(window)
    assert len(keys) == len(set(keys)), sorted(keys)


@pytest.mark.parametrize(("key", "letter"), [("training", Qt.Key.Key_T), ("calibration", Qt.Key.Key_R)])
def test_alt_mnemonic_runs_the_main_action(window, qtbot, key: str, letter: Qt.Key) -> None:
    _activate(window, qtbot)
    window.show_workspace(key)
    button = _main_buttons(window)[key]
    clicks = _count(button.clicked)
    QTest.keyClick(window, letter, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(clicks) == 1, timeout=2000)
    assert window.last_error is not None  # nothing to train on / no stream: the action said why it stopped


def test_a_focused_combo_box_keeps_its_typed_letters_from_single_key_shortcuts(window, qtbot) -> None:
    _activate(window, qtbot)
    combo = window.source_panel.device_combo
    combo.setEnabled(True)
    freezes = _count(window.freeze_action.triggered)
    _press(combo, Qt.Key.Key_F, qtbot)
    assert freezes == [] and not window.freeze_action.isChecked()
    window.activateWindow()
    _press(window.log.clear_button, Qt.Key.Key_F, qtbot)  # a button types nothing: F still freezes
    assert len(freezes) == 1


def test_after_start_up_space_starts_and_stops_the_stream(qtbot, settings_dir) -> None:
    """The first control in Tab order (the Source panel's device list) had the focus, so Space opened the list."""
    from workbench.gui.window.main_window import MainWindow

    window = MainWindow(dark=True)
    qtbot.addWidget(window)
    window.show()
    _activate(window, qtbot)
    window.start_up(audio=sample_audio_path())
    qtbot.waitUntil(lambda: window.controller.running, timeout=5000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.live, timeout=2000)
    QTest.keyClick(window.live, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=5000)
    window.source_panel.device_combo.setFocus()  # elsewhere; a click on the plots brings the focus back
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.source_panel.device_combo, timeout=2000)
    QTest.mouseClick(window.live.spectrogram, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.live, timeout=2000)
    window.close()
