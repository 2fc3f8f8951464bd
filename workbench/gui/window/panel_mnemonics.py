"""The side panels' Alt letters give way to those of the workspace in front.

Why: the docked panels (Source, Detections, Tuning) can be shown beside any workspace (View menu; the Calibration
workspace's current-parameters point follows the Tuning sliders), and some of their buttons carry a letter that a
workspace's button carries too: Source's Refresh and Calibration's Run calibration (Alt+R), Detections' Clear and
every workspace's Cancel (Alt+C), Tuning's and Calibration's Save … into model (Alt+M). Qt presses neither of two
shown buttons with one Alt letter: the letter only moves the keyboard focus from one to the other, so Alt+R no
longer ran a calibration, nor Alt+C cancelled a board task, once a panel was shown beside them. Not enough letters
are left to give every button its own (Refresh has none free), so a panel button whose letter a button of the
workspace in front has loses its key while that workspace is shown, and gets it back in the others. Its text,
underline included, stays as it is: the button still says its letter where it works.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QWidget


def alt_letter(button: QAbstractButton) -> str:
    """The Alt shortcut ``button``'s text marks ("Alt+R" for "&Run"), or "" when it marks none."""
    return QKeySequence.mnemonic(button.text()).toString()


def give_way_to_workspace(panels: Iterable[QWidget], workspace: QWidget) -> list[QAbstractButton]:
    """Take its Alt letter from each button of ``panels`` whose letter a button of ``workspace`` (on any of its tabs)
    has, and give every other panel button its letter back; the buttons that gave way are returned."""
    taken = {alt_letter(button) for button in workspace.findChildren(QAbstractButton)} - {""}
    gave_way = []
    for panel in panels:
        for button in panel.findChildren(QAbstractButton):
            letter = alt_letter(button)
            if not letter:
                continue
            if letter in taken:
                button.setShortcut(QKeySequence())
                gave_way.append(button)
            else:
                button.setShortcut(QKeySequence(letter))
    return gave_way
