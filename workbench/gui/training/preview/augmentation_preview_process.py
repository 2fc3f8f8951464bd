"""``kws train … --preview-augmentation N`` in a child process: its progress as a fraction, its end as one outcome.

Why a child, as the training: the preview plans and renders with the training package, which the GUI may not
import (an import-linter contract); the child writes files, the window reads them.

Why Cancel is Ctrl+C (SIGINT) and no stop file: the preview polls no ``STOP`` file (it is a few seconds' work), and
Ctrl+C ends it cleanly -- the hold on the output folder released, no lock file left -- where SIGTERM would kill the
interpreter outright. A ``STOP`` file would also be written into a folder that may hold someone's stopped run. Once
Cancel is pressed the preview counts as cancelled; yet the child, stopped between two samples, still writes the
index of those it finished and says where in its last line, and a user who cancels a long preview wants to see what
was made: ``finished`` then names the folder (:mod:`.augmentation_preview` shows it when it is whole).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.gui.kws_child_process import CANCELLED, FAILED, SUCCEEDED, CancelPolicy, KwsChildProcess, StopSignal
from workbench.gui.training.training_process import TRAINING_BOXES
from workbench.progress_text import done_fraction

PREVIEW_OPTION = "--preview-augmentation"
END_EVENT = "end"
CANCEL_POLICY = CancelPolicy(stop_signal=StopSignal.INTERRUPT, cancel_is_final=True)
DONE = "done"  # with CANCELLED and FAILED, the statuses of ``finished``
WHAT = "the augmentation preview"


class AugmentationPreviewProcess(KwsChildProcess):
    """One preview at a time.

    Signals: ``progress(fraction)`` (0..1) while samples are rendered, ``message(text)`` for the child's
    informative lines (the plan's counts), and ``finished(status, message, folder)`` once per :meth:`start`: status
    ``done`` (message: what was written; folder: where), ``cancelled`` (message and folder: the child's last words
    and where it wrote what it finished, when it said so; else empty) or ``failed`` (message: one sentence).
    """

    progress = Signal(float)
    message = Signal(str)
    finished = Signal(str, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(WHAT, CANCEL_POLICY, parent=parent, boxes=TRAINING_BOXES)
        self.stdout_line.connect(self._json_line)
        self.ended.connect(self._ended)
        self._last_event: dict[str, Any] = {}
        self.arguments: tuple[str, ...] = ()  # the last command's kws arguments, as given to the child

    def start(self, out: Path, count: int, *args: str) -> None:
        """Run ``kws train --out OUT ARGS --preview-augmentation COUNT --progress jsonl``."""
        self._last_event = {}
        self.arguments = ("train", "--out", str(out), *args, PREVIEW_OPTION, str(count), "--progress", "jsonl")
        self.start_command(self.arguments, out_folder=Path(out))

    def _json_line(self, line: str) -> None:
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            return  # not progress: anything the child printed besides (its errors come on stderr)
        if not isinstance(item, dict):
            return
        self._last_event = item
        fraction = done_fraction(item)
        if fraction is not None:
            self.progress.emit(fraction)
        elif item.get("message") and item.get("event") != END_EVENT:
            self.message.emit(str(item["message"]))

    def _ended(self, outcome: str, error: str) -> None:
        event = self._last_event
        if outcome == SUCCEEDED and event.get("event") == END_EVENT and event.get("folder"):
            self.finished.emit(DONE, str(event.get("message", "")), str(event["folder"]))
        elif outcome == SUCCEEDED:  # exit 0 without saying where: not a preview this window understands
            self.finished.emit(FAILED, f"{WHAT} ended without saying where it wrote its samples", "")
        elif outcome == CANCELLED and event.get("event") == END_EVENT and event.get("folder"):
            self.finished.emit(CANCELLED, str(event.get("message", "")), str(event["folder"]))
        elif outcome == CANCELLED:
            self.finished.emit(CANCELLED, "", "")
        else:
            self.finished.emit(FAILED, error, "")
