"""Closing the window without losing work: ask whatever holds some, then stop it.

Why apart from the window: what can hold running or unsaved work keeps growing (a training run, a sweep,
a calibration's unsaved results, a board task, a dataset build in its own non-modal dialog), and the
window only needs two answers -- "may I close?" and "stop it all". A workspace or dialog takes part by
having ``confirm_close()`` (ask the user; False keeps the window open) and ``shutdown()`` (stop cleanly);
see :class:`workbench.gui.window.workspace_host.ClosableWorkspace`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


def ask_yes_no(parent: QWidget, title: str, question: str) -> bool:
    """Yes / No with No the default, so Enter never does the risky thing by accident: "… is running. Stop it
    and close?", "Flash it anyway?".

    Why one function: every such question is asked the same way; each asker keeps it replaceable (an ``ask``
    attribute) so that tests answer for the user.
    """
    answer = QMessageBox.question(parent, title, question,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def closables(window: QWidget, workspaces: Iterable[QWidget]) -> list[QWidget]:
    """The workspaces, then the window's open dialogs, that can be asked before the window closes.

    Why the dialogs too: a dialog such as the dataset builder runs its own child process, and the
    window would otherwise close (and the application quit) under it without a word.
    """
    found = [w for w in workspaces if hasattr(w, "confirm_close")]
    return found + [d for d in window.findChildren(QDialog) if hasattr(d, "confirm_close")]  # hidden ones too


def confirm_close(window: QWidget, workspaces: Iterable[QWidget]) -> list[QWidget] | None:
    """Ask each closable in turn; the ones to shut down, or None as soon as one says no (nothing stopped)."""
    asked = closables(window, workspaces)
    return asked if all(w.confirm_close() for w in asked) else None  # type: ignore[attr-defined]


def shut_down(closing: Iterable[QWidget]) -> None:
    """Stop each one's background work; a dialog is then closed (it has nothing left to ask)."""
    for widget in closing:
        if hasattr(widget, "shutdown"):
            widget.shutdown()
        if isinstance(widget, QDialog):
            widget.close()


def ask_close_over_unsaved_settings(parent: QWidget, problem: str, tuned: bool) -> bool:
    """Close anyway / Cancel (Cancel the default) when the settings file could not be written as the window
    closes (a disk that filled up during the session): ``problem`` says where; ``tuned``: the detection values
    tuned in the window are not in the model file either, so they would be lost with the settings."""
    lost = ("the detection values you tuned (Save into model… keeps them in the model file), the last model and "
            "the window's layout are" if tuned else "the last model, the window's layout and your choices are")
    box = QMessageBox(QMessageBox.Icon.Warning, "KWS Workbench", f"{problem}: {lost} forgotten if the window closes "
                      "now.", parent=parent)
    box.setInformativeText("Free some space (or make the folder writable) and close again, or close anyway.")
    close = box.addButton("Close anyway", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is close
