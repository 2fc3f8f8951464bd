"""Save mistakes as clips…: the selected set's false accepts (and, if asked, its misses) as dataset clips to train on.

Why ``kws detect`` in a child and not clips cut here: the command already marks each detection a hit or a false
accept by ``kws calibrate``'s own matching and writes the clips in the dataset layout (false accepts into other
words' folders, never a keyword's; nothing overwritten) -- :mod:`workbench.cli.detect_outcomes`. Run with the
options of the set's "reproduce:" line (:func:`~workbench.calibration.results.report.detect_options`), the
calibration's labels and tolerance, its detections are that set's, so the clips are exactly its mistakes. The
child is a :class:`KwsChildProcess` (Cancel, a crash is a sentence); the workspace shows it as busy (its Cancel,
its progress bar, its status line), and the status line ends with the command's own sentences: how many clips it
wrote where (or that there was nothing to write), how many false accepts on keywords it left out, and its warning
when the clips keep speakers that the dataset split holds out from training (a stream of the testing split).

The calibration's background-only recordings (``kws calibrate --background``) are given to the command too
(``--background``): every detection there is a false accept, saved into ``_false_accept_``, and the command's line
says how many clips came from background audio. A recording moved or deleted since is left out, and said so: the
stream's mistakes are still worth saving. Why the false accepts are counted per recording, on the calibration's
stored scores (:meth:`~workbench.calibration.results.result_files.CalibrationOutput.background_false_accepts`): the
document keeps only their sum, and a dialog that counted a gone recording's false accepts promised clips that are
never written.

Why the status counts what the command wrote: a set with no false accepts, or a second run over the same folder,
ends well having written nothing, and "saved … into DIR" would then name a folder that may not even exist. And
why Open clips folder keeps its own folder: the folder of a save that is running, was cancelled or failed may
hold nothing yet, so the button opens the last folder that holds clips (greyed while a save runs, hidden when no
folder does), and its tooltip names that folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton

from workbench.calibration.results.report import detect_options
from workbench.calibration.results.result_files import CalibrationOutput, figures_text, parameter_set_of
from workbench.core.errors import WorkbenchError
from workbench.gui.calibration import mistake_clips_dialog
from workbench.gui.calibration.mistake_clips_dialog import left_out_sentence, nothing_to_save
from workbench.gui.kws_child import KILL_AFTER_MS
from workbench.gui.kws_child_process import CANCELLED, SUCCEEDED, CancelPolicy, KwsChildProcess, StopSignal

if TYPE_CHECKING:
    from workbench.gui.calibration.calibration_workspace import CalibrationWorkspace

# Ctrl-C (killed KILL_AFTER_MS after, as a calibration); the exit code decides: a child that had finished its clips
# when Cancel came wrote them all
CANCEL_POLICY = CancelPolicy(stop_signal=StopSignal.INTERRUPT, kill_after_ms=KILL_AFTER_MS, cancel_is_final=False)
# the lines of kws detect's stderr that say what it saved (detect_outcomes.save_clips); the rest is not for the user
WROTE_START, LEFT_OUT_MARK, NOTHING_MARK = "wrote ", " on keywords not saved", ": nothing written into "
COMMAND_PREFIX, HELD_OUT_MARK = "kws: ", " keep their speakers, "  # its warning that the clips are held out
SUMMARY_TYPE = "summary"  # kws detect --format jsonl prints it once the stream is heard, just before the clips
BUSY_RANGE = (0, 0)  # a progress bar's "busy" look: kws detect says nothing of how far it is
# how many clips a "wrote" line says were written: "wrote 0 false-accept clips … : 3 already there" on a rerun
WROTE_COUNT = re.compile(re.escape(WROTE_START) + r"(\d+) ")
CLIP_PATTERN = "*.wav"  # the clips kws detect writes


def clips_written(lines: Sequence[str]) -> int:
    """How many clips ``kws detect``'s result ``lines`` say it wrote (none for "nothing written into" lines)."""
    return sum(int(match[1]) for line in lines if (match := WROTE_COUNT.match(line)))


def holds_clips(folder: Path) -> bool:
    """Whether ``folder`` holds a clip anywhere under it (stops at the first: a dataset folder may hold many)."""
    return folder.is_dir() and next(folder.rglob(CLIP_PATTERN), None) is not None


def background_recordings(output: CalibrationOutput) -> list[Path]:
    """The background-only recordings the calibration ``output`` replayed that are still there."""
    return [path for path in output.background_recordings if path.is_file()]


def background_false_accepts(output: CalibrationOutput, item: dict[str, Any]) -> tuple[int, list[tuple[str, int]]]:
    """(the set ``item``'s false accepts in the background recordings still there, [(name, its false accepts)] of
    each recording not found that has some): what can be saved, and what is left out. WorkbenchError when the
    calibration's scores cannot be counted on."""
    counts = output.background_false_accepts(item)
    kept = sum(count for recording, count in counts if recording.is_file())
    return kept, [(recording.name, count) for recording, count in counts if count and not recording.is_file()]


def detect_arguments(output: CalibrationOutput, item: dict[str, Any], model: Path, folder: Path,
                     misses: bool) -> list[str]:
    """The ``kws detect`` command line whose detections are those of the set ``item`` (a ``pareto`` or
    ``recommended`` entry) in the calibration ``output``, saving its false accepts (and ``misses``) into ``folder``
    -- those in the calibration's background recordings that are still there too (``--background``).

    The set's options are the "reproduce:" line's; ``--latency-ms`` is always given (the line leaves it out when
    it is the model's own), so a model whose stored interval changed since is still replayed as calibrated. The
    labels are the report's copy when it has one (the stream's may have moved), the tolerance the calibration's.
    """
    document, latency = output.document, output.latency_ms
    copy = output.folder / output.labels_file if output.labels_file else None
    labels = copy if copy is not None and copy.is_file() else Path(document["stream"]["labels"])
    arguments = ["detect", str(document["stream"]["audio"]), "--model", str(model),
                 *detect_options(parameter_set_of(item), latency, latency), "--latency-ms", str(latency),
                 "--labels", str(labels), "--tolerance-s", str(document["tolerance_s"]), "--format", "jsonl",
                 "--save-false-accepts", str(folder)]
    for recording in background_recordings(output):
        arguments += ["--background", str(recording)]
    return arguments + (["--save-misses", str(folder)] if misses else [])


class MistakeClipsAction(QObject):
    """The workspace's Save mistakes as clips… button, its ``kws detect`` child, and Open clips folder after it."""

    def __init__(self, workspace: "CalibrationWorkspace") -> None:
        super().__init__(workspace)
        self.workspace = workspace
        self.button = QPushButton("Save mista&kes as clips…")
        self.button.setToolTip("Save the selected set's false accepts in the stream and its background recordings as "
                               "other words' clips (and, if asked, its missed keywords as keyword clips) into a "
                               "dataset folder to train on (kws detect --save-false-accepts)")
        self.button.setEnabled(False)
        self.open_button = QPushButton("Open clips fol&der")
        self.open_button.setVisible(False)  # until clips were saved
        self.folder: Path | None = None  # what Open clips folder opens: the last folder that holds clips
        self.target: Path | None = None  # where the running (or the last) save writes
        self._lines: list[str] = []  # kws detect's sentences about what it saved
        self._saving = False  # the stream was heard: the clips are being written
        self._item: dict[str, Any] = {}
        # (name, false accepts) of the background recordings not found: their clips cannot be cut
        self._left_out: list[tuple[str, int]] = []
        self._progress_was = (0, 0, 0)  # the progress bar's (minimum, maximum, value) before the busy look
        self.child = KwsChildProcess("saving the mistakes", CANCEL_POLICY, parent=self)
        self.child.stdout_line.connect(self._stdout_line)
        self.child.stderr_line.connect(self._stderr_line)
        self.child.ended.connect(self._ended)
        self.button.clicked.connect(self.choose)
        self.open_button.clicked.connect(self.open_folder)
        workspace.cancel_button.clicked.connect(self.cancel)
        # the status line ends with the clips' folder: selectable, so the path can be copied
        workspace.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    @property
    def running(self) -> bool:
        return self.child.running

    def set_available(self, available: bool) -> None:
        """A result with a selected set is shown (``available``); the button also waits for any child to end."""
        self.button.setEnabled(available and not self.running and not self.workspace.running)

    def choose(self) -> bool:
        """Ask for the folder (and the misses) and start; False when nothing started (said, unless cancelled)."""
        ready = self._ready()
        if ready is None:
            return False
        output, item, _ = ready
        try:
            background, left_out = background_false_accepts(output, item)
        except WorkbenchError as exc:
            self.workspace.host.show_error(str(exc))
            return False
        false_accepts, misses = int(item.get("false_accepts_speech") or 0) + background, int(item.get("misses") or 0)
        if not false_accepts and not misses:
            self.workspace.host.show_error(nothing_to_save(left_out))
            return False
        stream = Path(output.document["stream"]["audio"])
        choice = mistake_clips_dialog.ask_clips_folder(
            self.workspace, mistake_clips_dialog.suggested_folder(stream), false_accepts, misses, background, left_out)
        return choice is not None and self.save(choice.folder, choice.misses)

    def save(self, folder: str | Path, misses: bool = False) -> bool:
        """Start saving the selected set's mistakes into ``folder`` (created by the child when missing); False,
        said, when nothing can start (:meth:`_ready`)."""
        ready = self._ready()
        if ready is None:
            return False
        output, item, model = ready
        try:
            self._left_out = background_false_accepts(output, item)[1]
        except WorkbenchError as exc:
            self.workspace.host.show_error(str(exc))
            return False
        self.target, self._item, self._lines, self._saving = Path(folder), item, [], False
        self.child.start_command(detect_arguments(output, item, model, self.target, misses))
        self._set_busy(True)
        self.open_button.setEnabled(False)  # its folder may be the one being written: until the save ends
        self.workspace.status.setText(f"saving the mistakes of the selected set ({self._figures()}) into "
                                      f"{self.target}…")
        return True

    def cancel(self) -> None:
        self.child.cancel()

    def shutdown(self) -> None:
        """Stop a running child (the window is closing)."""
        if self.running:
            self.child.cancel()
            self.child.wait_stopped()

    def open_folder(self) -> bool:
        """Open the clips' folder with the desktop's file manager (said when nothing opens it)."""
        if self.folder is None:
            return False
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
        if not opened:
            self.workspace.host.show_error(f"nothing on this desktop opens folders; the clips are in {self.folder}")
        return opened

    def _ready(self) -> tuple[CalibrationOutput, dict[str, Any], Path] | None:
        """(the calibration, the selected set, its model) when clips can be saved now; else None, said: no set, a
        child running, or the model or the stream (the clips are cut from its audio) gone."""
        workspace, host = self.workspace, self.workspace.host
        output, item = workspace.output, workspace.selected_set()
        if output is None or item is None:
            host.show_error(workspace.nothing_selected())
            return None
        if self.running or workspace.running:
            host.show_error("a calibration or a save of clips is running: let it finish, or cancel it, first")
            return None
        stream = Path(output.document["stream"].get("audio") or "")
        if not stream.is_file():
            host.show_error(f"the stream this calibration replayed, {stream}, is not found (moved or deleted): the "
                            "clips are cut from its audio")
            return None
        model = workspace.existing_model_of_run()
        return None if model is None else (output, item, model)

    # -- the child -----------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        """The workspace's run state (Run and Open report locked, Cancel enabled) and a busy progress bar."""
        progress = self.workspace.progress
        if busy:
            self._progress_was = (progress.minimum(), progress.maximum(), progress.value())
        self.workspace.set_running(busy)
        if busy:
            progress.setRange(*BUSY_RANGE)
        else:
            minimum, maximum, value = self._progress_was
            progress.setRange(minimum, maximum)
            progress.setValue(value)

    def _stdout_line(self, line: str) -> None:
        if f'"{SUMMARY_TYPE}"' not in line:
            return
        try:
            self._saving = self._saving or json.loads(line).get("type") == SUMMARY_TYPE
        except (json.JSONDecodeError, AttributeError):
            pass

    def _stderr_line(self, line: str) -> None:
        text = line.strip()
        if text.startswith(WROTE_START) or LEFT_OUT_MARK in text or NOTHING_MARK in text:
            self._lines.append(text)
        elif text.startswith(COMMAND_PREFIX) and HELD_OUT_MARK in text:
            self._lines.append(text.removeprefix(COMMAND_PREFIX))

    def _figures(self) -> str:
        figures = figures_text(float(self._item["frr"]), float(self._item["fa_per_hour"]))
        return figures.replace(" %", "\u00a0%")  # a percent sign stays with its number, as in the workspace

    def _ended(self, outcome: str, error: str) -> None:
        self._set_busy(False)
        status, folder = self.workspace.status, self.target
        if outcome == SUCCEEDED:
            self._say_saved()
        elif outcome == CANCELLED:
            status.setText(f"saving the mistakes cancelled: the clips written stay in {folder}" if self._saving
                           else "saving the mistakes cancelled: no clips were saved")
        else:
            status.setText(f"saving the mistakes failed: {error}")
            self.workspace.host.show_error(error)
        self._show_open_folder()

    def _say_saved(self) -> None:
        """The status line after a save that ended well: the command's sentences under a first line that says
        whether any clip was written (a set without false accepts, a rerun into the same folder: none)."""
        written, folder = clips_written(self._lines), self.target
        first = ("Saved the mistakes of the selected set ({}) as clips:" if written
                 else "No clips written for the mistakes of the selected set ({}):")
        lines = [first.format(self._figures()), *self._lines]
        if self._left_out:
            lines.append(left_out_sentence(self._left_out))
        self.workspace.status.setText("\n".join(lines))
        self.workspace.host.show_status(f"saved the mistakes' clips into {folder}" if written
                                        else f"no new clips of the mistakes: nothing written into {folder}")

    def _show_open_folder(self) -> None:
        """Open clips folder after a save: the folder just written to when it holds clips, else the last one that
        still does (a cancelled or failed save, or one with nothing to write, leaves it), else hidden."""
        self.folder = next((folder for folder in (self.target, self.folder)
                            if folder is not None and holds_clips(folder)), None)
        if self.folder is not None:
            self.open_button.setToolTip(f"Open {self.folder} with the desktop's file manager")
        self.open_button.setVisible(self.folder is not None)
        self.open_button.setEnabled(True)
