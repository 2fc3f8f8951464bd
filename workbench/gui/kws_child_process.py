"""One ``kws`` sub-command in a child QProcess: its output as lines, Cancel, and one outcome at the end.

Why one wrapper: calibration, stream building, dataset builds, training and sweeps all run as ``kws``
children so the window stays responsive, never imports their heavy libraries, and a crash is a message,
not a dead window. What differs between them is only how the output is read and how a child is asked to
stop; starting it (:func:`workbench.child_command.kws_command`, so a frozen bundle works too), splitting
its channels into lines, picking up its ``kws: error: …`` line, killing a child that does not stop,
and turning the exit into succeeded / cancelled / failed is the same, and lives here.

Stopping (:class:`CancelPolicy`): on POSIX the child gets SIGINT (Ctrl-C) or SIGTERM, which every
``kws`` command handles cleanly (exit code :data:`EXIT_CANCELLED`); a command that polls a stop file
(``kws train``, ``kws sweep``) also finds that file in its output folder -- the only polite request on
Windows, where a child without a stop file is killed at once. The stop file goes only into a folder that is
there: Cancel never makes the folder (one deleted or moved meanwhile would come back holding nothing but
``STOP``; one the child has not made yet gets nothing to stop). A child still running
:attr:`CancelPolicy.kill_after_ms` after Cancel is killed. Whether the folder the child had made is gone
(:attr:`KwsChildProcess.folder_gone`) and what Cancel then says (:meth:`KwsChildProcess.stopping_without_folder`)
live here too, so the Training workspace and its Sweeps view say it alike. The folder is known by its identity
(device and inode) from the child's first progress line on, not by its path: one deleted and made again at the path
(Ray Tune makes a sweep's ``OUT/ray`` again, with its parents, within a second or two) is gone all the same, and
gets no stop file.
"""

from __future__ import annotations

import enum
import os
import re
import signal
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from workbench.child_command import EXIT_CANCELLED, kws_command

ERROR_PREFIX = "kws: error: "  # how every kws command reports an expected failure on stderr
SUCCEEDED, CANCELLED, FAILED = "succeeded", "cancelled", "failed"
DEFAULT_KILL_AFTER_MS = 3000


class StopSignal(enum.Enum):
    """The POSIX signal Cancel sends: the one the command's clean-stop handler listens to."""

    INTERRUPT = signal.SIGINT
    TERMINATE = signal.SIGTERM


@dataclass(frozen=True)
class CancelPolicy:
    """How Cancel asks a child to stop, and how its exit is read afterwards.

    ``stop_file``: a name created in the output folder on Cancel (and removed before the start and after
    the end), for commands that poll it; empty for none. ``cancel_is_final``: True when, once Cancel was
    pressed, the run counts as cancelled whatever the child then does (its results are discarded, as the
    user asked); False when the exit code decides -- 0 is a finished run even after Cancel (nothing it
    wrote is lost), :data:`EXIT_CANCELLED` is a stop on request (by Cancel or anyone else). ``insist_after_ms``:
    for a command that takes a second signal as "stop at once, keeping what you have" (``kws sweep``: the finished
    trials' results), the signal is sent once more when the child has not stopped this long after Cancel, so that
    the kill, later, is the last resort rather than the usual end of a slow stop (a kill loses those results).
    """

    stop_signal: StopSignal = StopSignal.INTERRUPT
    stop_file: str = ""
    kill_after_ms: int = DEFAULT_KILL_AFTER_MS
    cancel_is_final: bool = True
    insist_after_ms: int = 0  # >0: the stop signal again after this long, before the kill (see the class docstring)


# a command-line option named in a message, and the placeholder of its value when one follows ("--negatives WORDS",
# "--negatives-from DIR|FILE"): in the window the box is named alone
_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)((?: [A-Z][A-Z0-9_]*(?:\|[A-Z][A-Z0-9_]*)*)(?![\w|]))?")
# a whole command line giving one setting in a message ("for one run: kws train --set data.x=20)"): its option, the
# setting and the value, which ends before the sentence's closing punctuation
_SETTING_COMMAND = re.compile(r"\bkws [a-z][a-z-]* (--[a-z][a-z0-9-]*) ([A-Za-z_][\w.]*)=(\S+?)(?=[).,;:]*(?:\s|$))")
# a command named alone as where to look ("see kws specs"; not one given options, a line to type): in the window, the
# box that shows what it prints
_COMMAND = re.compile(r"(?<![\w-])(kws [a-z][a-z-]*)(?![\w-]| --)")
# a whole command line to run with its options ("make it with kws stream make --testing-percent 10 --split-method
# hash"), its last value ending before the sentence's closing punctuation: in the window, the button that runs that
# command with those choices filled in, when ``boxes`` names one for "<command> --"
_COMMAND_LINE = re.compile(r"(?<![\w-])(kws(?: [a-z][a-z-]*)+)"
                           r"(?: --[a-z][a-z0-9-]*(?: [^\s-]\S*?(?=[).,;:]*(?:\s|$)))?)+")
COMMAND_LINE_KEY = "{command} --"  # the key of ``boxes`` that names the button running ``command`` with options
OPTION_PREFIX = "--"


def in_window_terms(message: str, boxes: Mapping[str, str]) -> str:
    """``message`` with the options the window filled in for the user named as the window's boxes.

    The child's sentences are the command line's ("give background-only audio with --background"); in the
    window the user never typed ``--background`` but chose files in "Background". Options not in ``boxes``
    (those the window sets itself) are left as they are. A command line that gives one setting ("kws train --set
    data.validation_resplit_percent=20") names the box of its option and the setting as the box shows it
    ("“Settings ▸ Change…”: data.validation_resplit_percent = 20"): a window user types no command. Nor does one
    look things up with another: a command named alone in ``boxes`` ("see kws specs", ``{"kws specs": "Spec"}``) is
    named as the box that lists what it prints; and a command line to run with its options ("make it with kws stream
    make --testing-percent 10 …") is named as the button that runs it with those choices already in its boxes, when
    ``boxes`` names one for it (``{"kws stream make --": "Build…"}``). An option given with one value
    (``{"--unknown-count 0": "Keywords only"}``) is the box that sets exactly that, when the window has one.
    """
    def command_line(found: re.Match[str]) -> str:
        button = boxes.get(COMMAND_LINE_KEY.format(command=found[1]))
        return f"\u201c{button}\u201d" if button is not None else found[0]

    def setting(found: re.Match[str]) -> str:
        option, path, value = found.groups()
        return f"\u201c{boxes[option]}\u201d: {path} = {value}" if option in boxes else found[0]

    message = _SETTING_COMMAND.sub(setting, message)
    message = _COMMAND_LINE.sub(command_line, message)
    for option_value, box in boxes.items():
        if option_value.startswith(OPTION_PREFIX) and " " in option_value:
            message = re.sub(rf"(?<![\w-]){re.escape(option_value)}(?![\w.-])", f"\u201c{box}\u201d", message)
    message = _COMMAND.sub(lambda found: f"\u201c{boxes[found[1]]}\u201d" if found[1] in boxes else found[0], message)
    return _OPTION.sub(lambda found: f"\u201c{boxes[found[1]]}\u201d" if found[1] in boxes else found[0], message)


def _folder_identity(folder: Path) -> tuple[int, int] | None:
    """(device, inode) of the folder ``folder``; None when there is none at that path."""
    try:
        found = folder.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino) if stat.S_ISDIR(found.st_mode) else None


class KwsChildProcess(QObject):
    """Run one ``kws`` command at a time; subclasses turn its lines and its end into their own signals.

    Signals: ``stdout_line(text)`` and ``stderr_line(text)`` for every line (trailing whitespace
    removed; a last line without a newline included), then ``ended(outcome, error)`` exactly once per
    :meth:`start_command`: ``outcome`` is :data:`SUCCEEDED`, :data:`CANCELLED` or :data:`FAILED`,
    ``error`` is empty or, for a failure, one sentence (the child's ``kws: error:`` line when it printed
    one). (``ended``, not ``finished``: the subclasses' ``finished`` signals say it in their own terms.)
    """

    stdout_line = Signal(str)
    stderr_line = Signal(str)
    ended = Signal(str, str)

    def __init__(self, what: str, policy: CancelPolicy, read_stdout: bool = True,
                 parent: QObject | None = None, boxes: Mapping[str, str] | None = None) -> None:
        """``boxes``: the window's name for each option it fills in from a box (``{"--background":
        "Background"}``), so that the child's error speaks of the box (:func:`in_window_terms`)."""
        super().__init__(parent)
        self.what = what  # "the calibration": used in messages
        self.boxes = dict(boxes or {})
        self.policy = policy
        self.read_stdout = read_stdout  # False: stdout is discarded (a child never blocks on a full pipe)
        self._process: QProcess | None = None
        self._out_folder: Path | None = None
        self._buffers = {QProcess.ProcessChannel.StandardOutput: b"", QProcess.ProcessChannel.StandardError: b""}
        self._error = ""
        self._cancelling = False
        self._folder_made = False  # the child's output showed it had made its output folder (note_folder_made)
        self._folder_identity: tuple[int, int] | None = None  # that folder's (device, inode) then
        self._kill_timer = QTimer(self, singleShot=True, interval=policy.kill_after_ms)
        self._kill_timer.timeout.connect(self._kill)
        self._insist_timer = QTimer(self, singleShot=True, interval=policy.insist_after_ms)
        self._insist_timer.timeout.connect(self._send_stop_signal)

    @property
    def running(self) -> bool:
        return self._process is not None

    def window_terms(self, message: str) -> str:
        """``message`` of the child (or of its files) in the window's terms: :func:`in_window_terms` with its boxes."""
        return in_window_terms(message, self.boxes)

    @property
    def pid(self) -> int:
        """The child's process id while it runs, else 0."""
        return 0 if self._process is None else int(self._process.processId())

    @property
    def out_folder(self) -> Path | None:
        """The output folder of the last :meth:`start_command` (kept after the end, for reading the results)."""
        return self._out_folder

    def note_folder_made(self) -> None:
        """For the subclasses: the child's output shows it has made its output folder (its first progress line), which
        is known by its identity from now on (module docstring)."""
        if not self._folder_made and self._out_folder is not None:
            self._folder_made, self._folder_identity = True, _folder_identity(self._out_folder)

    @property
    def folder_gone(self) -> bool:
        """Whether the output folder the child had made (:meth:`note_folder_made`) is no longer there: deleted, moved,
        or made again at its path. Cancel then writes no stop file, and the child's end is the folder's loss."""
        if not self._folder_made or self._out_folder is None:
            return False
        now = _folder_identity(self._out_folder)
        return now is None or (self._folder_identity is not None and now != self._folder_identity)

    def stopping_without_folder(self) -> str:
        """What Cancel says when :attr:`folder_gone`: the child is stopped, and its folder is not made again."""
        return (f"Stopping {self.what}: its output folder {self._out_folder} was deleted or moved, and is not made "
                "again.")

    def start_command(self, args: Sequence[str], out_folder: Path | None = None) -> None:
        """Run ``kws ARGS``; ``out_folder`` is where the policy's stop file goes."""
        if self._process is not None:
            raise RuntimeError(f"{self.what} is already running")
        program, *arguments = kws_command(*args)
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        if self.read_stdout:
            process.readyReadStandardOutput.connect(self._read_stdout)
        else:
            process.setStandardOutputFile(QProcess.nullDevice())
        process.readyReadStandardError.connect(self._read_stderr)
        process.finished.connect(self._process_finished)
        process.errorOccurred.connect(self._process_error)
        self._process, self._out_folder = process, None if out_folder is None else Path(out_folder)
        self._buffers = dict.fromkeys(self._buffers, b"")
        self._error, self._cancelling, self._folder_made, self._folder_identity = "", False, False, None
        self._remove_stop_file()
        process.start(program, arguments)

    def cancel(self) -> None:
        """Ask the child to stop (stop file and/or signal); kill it if it has not stopped in time."""
        process = self._process
        if process is None or self._cancelling:
            return
        self._cancelling = True
        asked = self._create_stop_file()
        if self._send_stop_signal():
            if self.policy.insist_after_ms > 0:
                self._insist_timer.start()
        elif not asked:
            process.kill()  # no polite way to ask: a child without a stop file on Windows
        self._kill_timer.start()

    def _send_stop_signal(self) -> bool:
        """The policy's stop signal to the child (POSIX); False where signals cannot be sent (Windows)."""
        process = self._process
        pid = int(process.processId()) if process is not None else 0
        if sys.platform == "win32" or pid <= 0:
            return False
        try:
            os.kill(pid, self.policy.stop_signal.value)
        except ProcessLookupError:
            pass  # it has just ended; finished follows
        return True

    def wait_stopped(self, timeout_ms: int | None = None) -> None:
        """Block until the child is gone (window shutdown); kill it if it does not stop in time."""
        timeout_ms = self.policy.kill_after_ms if timeout_ms is None else timeout_ms
        process = self._process
        if process is not None and not process.waitForFinished(timeout_ms):
            process.kill()
            process.waitForFinished(timeout_ms)

    # -- the stop file ------------------------------------------------------------------------------
    def _stop_file(self) -> Path | None:
        if not self.policy.stop_file or self._out_folder is None:
            return None
        return self._out_folder / self.policy.stop_file

    def _create_stop_file(self) -> bool:
        stop_file = self._stop_file()
        if stop_file is None:
            return False
        if self.folder_gone or not stop_file.parent.is_dir():  # never made here, nor put into one made again
            return False  # (module docstring): the signal, or on Windows the kill, stops it
        try:
            stop_file.touch()
        except OSError:
            return False
        return True

    def _remove_stop_file(self) -> None:
        stop_file = self._stop_file()
        if stop_file is not None and not self.folder_gone:  # (a folder made again holds none of this child's)
            try:
                stop_file.unlink(missing_ok=True)
            except OSError:
                pass  # an unwritable folder: the child reports it

    # -- child output -------------------------------------------------------------------------------
    def _read_stdout(self) -> None:
        if self._process is not None:
            self._read_channel(QProcess.ProcessChannel.StandardOutput, self._process.readAllStandardOutput().data())

    def _read_stderr(self) -> None:
        if self._process is not None:
            self._read_channel(QProcess.ProcessChannel.StandardError, self._process.readAllStandardError().data())

    def _read_channel(self, channel: QProcess.ProcessChannel, data: bytes) -> None:
        *lines, self._buffers[channel] = (self._buffers[channel] + bytes(data)).split(b"\n")
        for raw in lines:
            self._emit_line(channel, raw)

    def _emit_line(self, channel: QProcess.ProcessChannel, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").rstrip()
        if channel == QProcess.ProcessChannel.StandardOutput:
            self.stdout_line.emit(text)
            return
        stripped = text.strip()
        if stripped.startswith(ERROR_PREFIX):
            self._error = self.window_terms(stripped[len(ERROR_PREFIX):])
        self.stderr_line.emit(text)

    def _flush_lines(self) -> None:
        """Read what is left and hand on a last line that has no newline."""
        if self.read_stdout:
            self._read_stdout()
        self._read_stderr()
        for channel, rest in self._buffers.items():
            if rest:
                self._buffers[channel] = b""
                self._emit_line(channel, rest)

    # -- the end ------------------------------------------------------------------------------------
    def _process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._process is None:
            return
        self._flush_lines()
        self._kill_timer.stop()
        self._insist_timer.stop()
        process, self._process = self._process, None
        process.deleteLater()
        self._remove_stop_file()
        self.ended.emit(*self._outcome(code, status == QProcess.ExitStatus.NormalExit))

    def _outcome(self, code: int, normal_exit: bool) -> tuple[str, str]:
        if self._cancelling and self.policy.cancel_is_final:
            return CANCELLED, ""
        if normal_exit and code == 0:
            return SUCCEEDED, ""
        if self._cancelling or (code == EXIT_CANCELLED and not self.policy.cancel_is_final):
            return CANCELLED, ""
        return FAILED, self._error or f"{self.what} stopped unexpectedly (exit code {code})"

    def _process_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._process is not None:
            process, self._process = self._process, None
            process.deleteLater()
            self.ended.emit(FAILED, f"cannot start {self.what}: {process.errorString()}")

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
