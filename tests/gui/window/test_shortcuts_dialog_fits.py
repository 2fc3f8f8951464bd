"""Help ▸ Keyboard shortcuts at a large font opens no taller than its screen leaves room for with a title bar: it
sized itself as 40 lines whatever the screen (960 px at 16 pt), and on a 1280x720 screen its Close button was
below the screen's edge."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from workbench.gui.widgets.small_screen import FRAME_ALLOWANCE_PX


def test_the_dialog_and_its_close_button_fit_the_screen_at_a_large_font(  # type: ignore[no-untyped-def]
        large_font, window, qtbot) -> None:
    window.shortcuts_action.trigger()
    dialog = window.shortcuts_dialog
    qtbot.waitUntil(dialog.isVisible)
    available = dialog.screen().availableGeometry()
    assert dialog.height() + FRAME_ALLOWANCE_PX[1] <= available.height()
    assert dialog.width() + FRAME_ALLOWANCE_PX[0] <= available.width()
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    assert close.isVisible() and close.geometry().bottom() < close.parentWidget().height()
    assert dialog.tree.topLevelItemCount() > 0  # the list is all there; it scrolls
