"""Saving into the open model's own file after another tool rewrote it: ask, never overwrite silently.

Why a question: ``kws params --in-place``, a re-export or a second window may have changed the file since this
window opened it. The window's copy of the model is then older than the file, and writing the parameters in use
into it would put the old values of everything else (class names, suppression, …) back without a word. The user
chooses: overwrite those changes, reopen the file to see what it holds now (the values tuned here follow a model
whose parameters only were rewritten), or cancel. The write itself stays the controller's (atomic).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.core.errors import WorkbenchError
from workbench.gui import file_dialogs
from workbench.gui.model_loader import ModelChangedOnDisk

OVERWRITE, REOPEN, CANCEL = "overwrite", "reopen", "cancel"
TITLE = "KWS Workbench"


def ask_about_changed_model(parent: QWidget, path: Path) -> str:
    """OVERWRITE, REOPEN or CANCEL (the default, so Enter never overwrites by accident)."""
    box = QMessageBox(QMessageBox.Icon.Warning, TITLE, f"{path.name} changed on disk since it was opened.",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText("Another tool rewrote it. Saving the parameters in use into it would overwrite those "
                           "changes with what the window read when it opened the file. Reopen it to see what it "
                           "holds now; the values you tuned stay in use if it still holds the same model "
                           "(where the other tool changed a value you tuned, its value is used).")
    overwrite = box.addButton("Overwrite those changes", QMessageBox.ButtonRole.DestructiveRole)
    reopen = box.addButton("Reopen it", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return OVERWRITE if clicked is overwrite else REOPEN if clicked is reopen else CANCEL


def save_over_changed_model(window: Any, path: str | Path, problem: ModelChangedOnDisk) -> bool:
    """Ask (``window.ask_changed_model``, which tests replace) and do what was chosen; True when saved."""
    answer = window.ask_changed_model(window, problem.path)
    if answer == OVERWRITE:
        try:
            target = window.controller.save_parameters_into_model(path, overwrite_changes=True)
        except WorkbenchError as exc:
            window.show_error(str(exc))
            return False
        window.show_status(f"saved the detection parameters into {target}, over the changes made to it on disk")
        return True
    if answer == REOPEN:
        reopen_changed_model(window, problem.path)
        return False
    window.show_status(f"nothing saved: {problem.path.name} keeps the changes made to it on disk")
    return False


def reopen_changed_model(window: Any, path: Path) -> bool:
    """Open ``path`` as it is on disk now and say what became of the values tuned here: kept (the same model),
    partly set aside (the other tool changed them too), or all set aside (it now holds another model)."""
    before, was_tuned = window.controller.model, file_dialogs.tuning_unsaved(window)
    if not window.open_model(path):
        return False
    parts = [f"reopened {path.name} as it is on disk now; nothing saved"]
    if window.tuning_note:
        parts.append(window.tuning_note)
    elif was_tuned and getattr(before, "identity", "") != getattr(window.controller.model, "identity", ""):
        parts.append("your tuning was set aside: the file now holds another model, so its own values are in use")
    window.show_status("; ".join(parts))
    return True
