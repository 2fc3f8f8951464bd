"""Help lists the window's keyboard shortcuts, read from the window itself (a shortcut or Alt letter changed in the
code shows up, with nothing else to keep in step), and has a guide to the Live workspace and the Tuning panel.
Before, a new user found Space, F, Ctrl+1…6 and the Alt letters only in the README."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from workbench import documentation
from workbench.assets import sample_audio_path
from workbench.core.detection.tuning import PARAMETER_SPECS
from workbench.gui.stream.source_choice import FILE, SourceChoice
from workbench.gui.window.shortcuts_dialog import WHOLE_WINDOW, ShortcutsDialog, set_shortcut_does

REPO = Path(__file__).resolve().parents[3]


def _open(qtbot, window) -> ShortcutsDialog:  # type: ignore[no-untyped-def]
    assert window.shortcuts_action in window.help_menu.actions()
    window.shortcuts_action.trigger()
    dialog = window.shortcuts_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_the_dialog_lists_the_keys_a_new_user_looked_for(qtbot, window) -> None:
    rows = _open(qtbot, window).rows()
    menus = dict(rows[WHOLE_WINDOW])
    assert menus["Space"] == "Stream ▸ Start or stop" and menus["F"] == "View ▸ Freeze live views"
    assert [menus[f"Ctrl+{n}"] for n in range(1, 7)] == ["View ▸ Live", "View ▸ Model", "View ▸ Profile",
                                                         "View ▸ Training", "View ▸ Calibration", "View ▸ Board"]
    assert menus["Alt+S"] == "Open the Stream menu" and menus["Ctrl+R"] == "Stream ▸ Record"
    assert ("Alt+T", "Train (Train tab)") in rows["Training workspace"]
    assert ("Alt+L", "Flash") in rows["Board workspace"] and ("Alt+R", "Profile") in rows["Board workspace"]
    assert ("Alt+R", "Run calibration") in rows["Calibration workspace"]
    keys = [key for key, _does in rows[WHOLE_WINDOW]]
    space = window.shortcuts_dialog.tree.topLevelItem(0).child(keys.index("Space"))
    assert "unless a button" in space.toolTip(1)  # the action's own tooltip: Space's exception


def test_the_dialog_follows_the_window_not_a_list(qtbot, window) -> None:
    """A shortcut changed and a button added after the window was built are listed the next time it opens."""
    window.freeze_action.setShortcut("Ctrl+Shift+F")
    button = QPushButton("&Zap", window.workspaces["model"])
    rows = _open(qtbot, window).rows()
    menus = dict(rows[WHOLE_WINDOW])
    assert menus["Ctrl+Shift+F"] == "View ▸ Freeze live views" and "F" not in menus
    assert rows["Model workspace"] == [("Alt+M", "Save into model…"), ("Alt+Z", "Zap")]
    first = window.shortcuts_dialog
    assert _open(qtbot, window) is not first and not first.isVisible()  # one dialog at a time, built anew
    button.deleteLater()


def test_the_space_row_is_the_same_whether_the_stream_runs_or_not(qtbot, window) -> None:
    """The row read Stream's entry as it was when the dialog opened: "Stream ▸ Stop" while the stream ran, as if
    Space only stopped it."""
    assert not window.controller.running
    stopped = _open(qtbot, window).rows()
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=True, loop=True))
    qtbot.waitUntil(lambda: window.start_action.text() == "&Stop", timeout=5000)
    started = _open(qtbot, window).rows()
    window.controller.toggle()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=5000)
    assert dict(started[WHOLE_WINDOW])["Space"] == dict(stopped[WHOLE_WINDOW])["Space"] == "Stream ▸ Start or stop"
    assert started == stopped


def test_a_workspace_action_whose_text_toggles_is_listed_by_what_it_does(qtbot, window) -> None:
    action = QAction("&Hide", window.workspaces["model"])
    action.setShortcut("Ctrl+Shift+H")
    window.workspaces["model"].addAction(action)
    set_shortcut_does(action, "Show or hide")
    assert ("Ctrl+Shift+H", "Show or hide") in _open(qtbot, window).rows()["Model workspace"]
    action.deleteLater()


def test_help_has_a_guide_to_live_and_tuning(window) -> None:
    """Opened as every guide is (test_about_dialog opens each); here: it is there, and it names every row of the
    Tuning panel by its name there and its metadata key."""
    titles = [action.text() for action in window.guide_actions]
    assert "&Live and Tuning guide" in titles
    path = documentation.doc_path(documentation.LIVE)
    assert path == REPO / "docs" / "live.md"
    text = path.read_text(encoding="utf-8")
    for spec in PARAMETER_SPECS:
        assert f"| {spec.label} | `{spec.name}` |" in text
    assert "Help ▸ Keyboard shortcuts" in text
