"""Ask where to save, then write there: the Save…/Export… buttons of views that write one file.

Why one function: each such button asks for a path, does nothing when the dialog is cancelled, writes with the
view's own (atomic) writer, and reports an expected failure (a folder that is not writable) as the view's error
sentence rather than a traceback; written once, the views differ only in what they write and how they name it.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QFileDialog, QWidget

from workbench.core.errors import WorkbenchError

CSV_FILTER = "CSV (*.csv);;All files (*)"


def ask_and_save(parent: QWidget, title: str, suggested: str, file_filter: str, write: Callable[[str], Any],
                 failed: Callable[[str], Any]) -> None:
    """Ask for a file (``suggested`` name, ``file_filter``), then ``write(path)``; a WorkbenchError goes to
    ``failed`` as its sentence; a cancelled dialog does nothing."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    if not path:
        return
    try:
        write(path)
    except WorkbenchError as exc:
        failed(str(exc))
