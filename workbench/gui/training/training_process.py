"""``kws train`` in a child process, its JSON-lines progress turned into Qt signals.

Why a child (and not a thread): training imports TensorFlow, takes minutes and all the cores; in a
child the window stays responsive, the GUI never loads TensorFlow (an import-linter contract keeps
``workbench.gui`` free of it) and a crash is a message, not a dead window. The process itself (start,
Cancel, the exit) is :class:`workbench.gui.kws_child_process.KwsChildProcess`.

Stopping: :meth:`cancel` creates the run's ``STOP`` file (works on every platform) and, on POSIX,
also sends SIGTERM; the child stops at the next batch, keeps its best checkpoint and exits with 130.
Only a child that has not stopped after :data:`KILL_AFTER_MS` is killed (its files are written
atomically, so even that leaves nothing half-written). When the output folder is not there (deleted or moved
while the run went on), no ``STOP`` file is written, since that would make the folder again
(:mod:`workbench.gui.kws_child_process`, which also says it: ``folder_gone``, ``stopping_without_folder``): SIGTERM
alone stops the child (on Windows it is killed), and the child itself never writes into a folder gone since
(:class:`~workbench.core.folder_lock.FolderGone`).

Why the child's notes on stderr (``kws: …``, not its errors) are held until it ends and shown only when it
failed without an ``end`` event: ``kws train`` prints them at its end, for a terminal, repeating that event in
the command line's terms ("kws: training stopped; resume with: kws train … --resume", "kws: interrupted"); the
window says a stop once, in its own (Resume), and only a child that died without a word has nothing better.
Held, not dropped when the event arrives: stdout and stderr are separate pipes, read in no fixed order.

Why the events' messages are said in the window's terms (:func:`~workbench.gui.kws_child_process.in_window_terms`):
a warning's remedy is a command line ("for one run: kws train --set data.validation_resplit_percent=20"), which a
user of the window never types; it names the form's boxes instead (the Settings row's Change… button).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.child_command import STOP_FILE_NAME
from workbench.gui.kws_child_process import (CANCELLED, ERROR_PREFIX, FAILED, SUCCEEDED, CancelPolicy,
                                             KwsChildProcess, StopSignal)
from workbench.gui.training import training_settings_words as words

KILL_AFTER_MS = 60_000  # stopping waits for the current batch and a checkpoint write
CLI_PREFIX = "kws: "  # the child's own notes on stderr, worth showing in the log
DONE = "done"  # with CANCELLED and FAILED, the statuses of ``finished``
END_EVENT = "end"  # the child's last progress event (done, cancelled or error)
# the Training workspace's boxes and buttons each option of kws train comes from: its errors and messages name them
# instead (a setting, --set, is changed with the Settings row's Change… button); the specs kws specs lists are the
# Spec box's (each with its description as its tooltip)
TRAINING_BOXES = {"--dataset": "Data", "--spec": words.SPEC_ROW, "--keywords": "Keywords", "--epochs": "Epochs (max)",
                  "--seed": "Seed", "--workers": "Feature workers", "--init-from": "Start from",
                  "--out": "Output folder", "--resume": "Resume", "--mltk-zip": "also write an MLTK .mltk.zip",
                  "--set": f"{words.SETTINGS_ROW} \u25b8 {words.SETTINGS_BUTTON_LABEL}", "kws specs": words.SPEC_ROW}
# a run that ended with exit code 0 finished, even when Cancel came too late to stop it
CANCEL_POLICY = CancelPolicy(stop_signal=StopSignal.TERMINATE, stop_file=STOP_FILE_NAME,
                             kill_after_ms=KILL_AFTER_MS, cancel_is_final=False)


class TrainingProcess(KwsChildProcess):
    """One ``kws train`` run at a time.

    Signals: ``event(dict)`` for every progress line, ``log(str)`` for other child output worth
    showing, and ``finished(status, message)`` exactly once per :meth:`start`, with status
    ``done``, ``cancelled`` or ``failed`` (message: one sentence). :meth:`cancel` asks the run to stop
    at the next batch (best checkpoint kept).
    """

    event = Signal(dict)
    log = Signal(str)
    finished = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__("the training", CANCEL_POLICY, parent=parent, boxes=TRAINING_BOXES)
        self.stdout_line.connect(self._json_line)
        self.stderr_line.connect(self._stderr_line)
        self.ended.connect(self._ended)
        self._last_event: dict[str, Any] = {}
        self._ended_run = False  # the child's end event arrived (module docstring)
        self._notes: list[str] = []  # its "kws: " notes, held until it ends

    @property
    def out(self) -> Path | None:
        return self.out_folder

    def start(self, out: Path, *args: str) -> None:
        """Run ``kws train --out OUT ARGS --progress jsonl``."""
        if self.running:
            raise RuntimeError("a training run is already in progress")
        self._last_event, self._ended_run, self._notes = {}, False, []
        self.start_command(("train", "--out", str(out), *args, "--progress", "jsonl"), out_folder=Path(out))

    # -- child output ---------------------------------------------------------------------------
    def _json_line(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            self.log.emit(line)
            return
        if isinstance(item, dict):
            if item.get("message"):  # its warnings' remedies name the form's boxes, not kws train's options
                item["message"] = self.window_terms(str(item["message"]))
            self._last_event = item
            self.note_folder_made()  # kws train makes its output folder before its first progress line
            self._ended_run = self._ended_run or item.get("event") == END_EVENT
            self.event.emit(item)

    def _stderr_line(self, line: str) -> None:
        if line.startswith(CLI_PREFIX) and not line.startswith(ERROR_PREFIX):
            self._notes.append(line)

    def _ended(self, outcome: str, error: str) -> None:
        if outcome not in (SUCCEEDED, CANCELLED) and not self._ended_run:
            for note in self._notes:
                self.log.emit(note)
        if outcome == SUCCEEDED:
            self.finished.emit(DONE, str(self._last_event.get("message", "training finished")))
        elif outcome == CANCELLED:
            self.finished.emit(CANCELLED, str(self._last_event.get("message", "training stopped")))
        else:
            self.finished.emit(FAILED, error)
