"""Every button and check box a workspace shows says what it does when hovered (a tooltip), so a new user can
learn the window without the manual; the tabs inside a workspace (Training's Sweeps, the Board's) are walked too."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QCheckBox, QPushButton, QTabWidget, QToolButton, QWidget

BUTTONS = (QPushButton, QToolButton, QCheckBox)


def untipped(root: QWidget) -> list[str]:
    """The visible buttons and check boxes under ``root`` without a tooltip, walking every tab of its tab widgets."""
    missing: set[str] = set()
    tab_widgets = [root] if isinstance(root, QTabWidget) else []
    tab_widgets += root.findChildren(QTabWidget)
    views = [None] + [(tabs, i) for tabs in tab_widgets for i in range(tabs.count())]
    for view in views:
        if view is not None:
            view[0].setCurrentIndex(view[1])
        for button in root.findChildren(QAbstractButton):
            if isinstance(button, BUTTONS) and button.isVisible() and not button.toolTip().strip() \
                    and not button.objectName().startswith("qt_"):
                missing.add(f"{type(button).__name__} {button.text()!r} in {type(button.parent()).__name__}")
    return sorted(missing)


def test_every_visible_button_and_check_box_has_a_tooltip(qtbot, window) -> None:
    problems = []
    for key, workspace in window.workspaces.items():
        window.show_workspace(key)
        qtbot.wait(10)
        roots = [workspace] + ([dock.widget() for dock in window.docks.values()] if key == "live" else [])
        for root in roots:
            problems += [f"{key}: {p}" for p in untipped(root)]
    assert problems == []


def test_the_check_finds_a_button_without_a_tooltip(qtbot, window) -> None:
    """The check itself can fail: a bare button in a workspace is reported."""
    window.show_workspace("model")
    bare = QPushButton("Bare", window.model_view)
    bare.show()
    assert any("'Bare'" in p for p in untipped(window.model_view))
    bare.deleteLater()
