"""Start-up's last model: open it, or say why the bundled model was opened instead.

Why a module: a last model that is gone (deleted, moved, on an unmounted drive) and one that no longer loads
(overwritten by something that is not a model) are the same news to the user -- "the model you had is not
the one you see" -- so both are said the same way, and without a box that blocks the start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.core.model.model_file import NOT_FOUND, NOT_OPENED


def last_model_reason(error: BaseException | None) -> str:
    """What follows "The last model used, PATH," for the load failure ``error``: its ``reason``
    (:class:`~workbench.core.errors.ModelError`), which says what is wrong without naming the file -- never
    the message taken apart, as a path may hold any words or characters -- else its sentence as it is."""
    reason = getattr(error, "reason", None)
    if isinstance(reason, str) and reason:
        return reason
    return NOT_OPENED if error is None else f"{NOT_OPENED}: {error}"


def last_model_sentence(path: Path, reason: str, opened: Path) -> str:
    """The same words for both cases: ``The last model used, PATH, REASON. Opened NAME instead.`` (two sentences:
    a reason may carry its own advice after a semicolon, "…; copy or export the whole file again")."""
    return f"The last model used, {path}, {reason}. Opened {opened.name} instead."


def open_last_model(window: Any) -> tuple[Path | None, str | None]:
    """Open the last model used in ``window`` (a MainWindow); the remembered path (None: none) and why it was not
    opened (None: it was, or there is none). A load failure is not reported by the window: the caller says it."""
    gone = window.settings.missing_last_model()
    if gone is not None:
        return gone, NOT_FOUND
    last = window.settings.last_model()
    if last is None or window.open_model(last, report=False):
        return last, None
    return last, last_model_reason(window.controller.load_failure)
