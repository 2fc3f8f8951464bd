"""Two windows sharing the settings file keep each other's dock arrangements: a window writes a workspace's
arrangement only while the file still holds what it read or wrote there, so one merely shown (never touched, or
its docks resized by the window) never replaces the arrangement another window saved meanwhile."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from workbench.gui.window.workspace_layouts import LAYOUT_KEY, LAYOUT_VERSION, WorkspaceLayouts

KEY = "live"


def window(qtbot, settings_file: Path):  # type: ignore[no-untyped-def]
    """A window with one dock, its layouts kept in ``settings_file``, its arrangement restored and shown."""
    main = QMainWindow()
    main.setCentralWidget(QLabel("plots"))
    dock = QDockWidget("Detections", main)
    dock.setObjectName("detections")  # saveState needs it
    dock.setWidget(QLabel("log"))
    qtbot.addWidget(main)

    def default() -> None:
        main.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)

    layouts = WorkspaceLayouts(main, QSettings(str(settings_file), QSettings.Format.IniFormat), {KEY: default})
    layouts.restore(KEY)
    main.show()
    return main, dock, layouts


def stored_area(settings_file: Path, qtbot) -> Qt.DockWidgetArea:  # type: ignore[no-untyped-def]
    """Where a next window, started from the file as it is now, puts the dock."""
    main, dock, _ = window(qtbot, settings_file)
    return main.dockWidgetArea(dock)


def test_a_window_that_only_showed_an_arrangement_keeps_the_one_another_window_saved(qtbot, tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.ini"
    first, first_dock, first_layouts = window(qtbot, settings_file)
    _, _, second_layouts = window(qtbot, settings_file)
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first_dock)  # the user moves it
    first_layouts.save(KEY)
    second_layouts.save(KEY)  # closed later, never touched
    assert stored_area(settings_file, qtbot) == Qt.DockWidgetArea.RightDockWidgetArea


def test_a_window_alone_saves_its_arrangement_each_time(qtbot, tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.ini"
    main, dock, layouts = window(qtbot, settings_file)
    for area in (Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea):
        main.addDockWidget(area, dock)
        layouts.save(KEY)
        assert stored_area(settings_file, qtbot) == area
    stored = QSettings(str(settings_file), QSettings.Format.IniFormat).value(LAYOUT_KEY.format(key=KEY))
    assert stored == main.saveState(LAYOUT_VERSION)
