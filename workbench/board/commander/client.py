"""Running Simplicity Commander: one child process per command, output read as it comes, cancellable.

Why a class: every command needs the same executable, the same debugger choice (``--serialno``) and
the same error reading; the GUI's worker thread and the CLI share one object. Output lines are read
on a helper thread so a hung Commander (a debugger that stops answering) can be cancelled or timed
out instead of blocking the caller forever -- also after its output ended, while it has not exited;
and once Commander has exited, a process it left behind holding its output is not waited for. The
commands and arguments are MLTK's (``mltk/utils/commander/commander.py``): ``device info -d efr32``
(``-d efm32`` on failure), ``flash --force [--binary] [--halt] [--address HEX] --device D FILE``,
``device reset --device D``.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from workbench.board.commander.locate import find_commander
from workbench.board.commander.output import (DONE_PHASE, FlashProgress, FlashProgressReader, failure_of,
                                              parse_device_info)
from workbench.board.errors import Cancelled, CommanderError, CommanderTimeout, NoDebugger, SeveralDebuggers
from workbench.board.flashing.flash_layout import commander_address
from workbench.board.platforms import DeviceInfo

DEFAULT_TIMEOUT_S = 180.0  # a full 1.5 MB image flashes in well under a minute
# device info and reset write nothing: Commander starts (a second or two), connects to the J-Link (another
# one or two; the first connection after a driver update may first update the J-Link's own firmware, some
# ten seconds) and reads or writes a few registers. 30 s covers all of that; a debugger that stops answering
# is reported after 30 s instead of the 3 minutes a flash may take.
INFO_TIMEOUT_S = 30.0
POLL_S = 0.1
# Once Commander has exited, what it printed is in the pipe already: reading it takes milliseconds. An output
# still open this long after is held by a process Commander left behind, and what that prints is not Commander's.
DRAIN_S = 1.0
INFO_FAMILIES = ("efr32", "efm32")
_EOF = object()
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)
_OWN_GROUP = hasattr(os, "killpg")  # POSIX: Commander leads a session of its own, so its children die with it

LineCallback = Callable[[str], None]
ProgressCallback = Callable[[FlashProgress], None]


@dataclass(frozen=True)
class CommanderResult:
    returncode: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class Commander:
    """Simplicity Commander at ``executable``, talking to the debugger ``serialno`` (None: the only one).

    A run is stopped after ``timeout_s`` (long enough for a flash); device info and reset, which write nothing,
    after ``info_timeout_s`` (never longer than ``timeout_s``).
    """

    def __init__(self, executable: str | os.PathLike[str], *, serialno: str | None = None,
                 timeout_s: float = DEFAULT_TIMEOUT_S, info_timeout_s: float = INFO_TIMEOUT_S) -> None:
        self.executable = Path(executable)
        self.serialno = str(serialno) if serialno else None
        self.timeout_s = timeout_s  # a flash, and any run given no deadline of its own; no run takes longer
        self.info_timeout_s = min(info_timeout_s, timeout_s)  # device info and reset

    @classmethod
    def find(cls, configured: str | os.PathLike[str] | None = None, *, serialno: str | None = None) -> "Commander":
        return cls(find_commander(configured), serialno=serialno)

    # -- running ---------------------------------------------------------------------------------
    def _argv(self, args: Sequence[str], file: str | None = None) -> list[str]:
        argv = [str(self.executable), *args]
        if self.serialno:
            argv += ["--serialno", self.serialno]
        if file is not None:
            argv.append(file)  # Commander wants the file last
        return argv

    def run(self, args: Sequence[str], *, what: str, file: str | None = None, on_line: LineCallback | None = None,
            cancel: threading.Event | None = None, timeout_s: float | None = None,
            check: bool = True) -> CommanderResult:
        """Run ``commander args… [--serialno N] [file]``; raises the classified error when it failed.

        ``cancel`` and the deadline (``timeout_s``, default the instance's) hold until Commander has exited, not
        only until its output ends; either kills Commander's whole process group.
        """
        argv = self._argv(args, file)
        lines: queue.Queue[object] = queue.Queue()
        collected: list[str] = []
        limit_s = timeout_s or self.timeout_s
        deadline = time.monotonic() + limit_s
        pump: threading.Thread | None = None
        output_ended = False

        def check_stop() -> None:
            if cancel is not None and cancel.is_set():
                raise Cancelled(f"Cancelled: Commander's {what} was stopped.")
            if time.monotonic() > deadline:  # ``what`` is a verb phrase: "read the device info"
                raise CommanderTimeout(f"Commander did not {what} within {limit_s:g} s "
                                       "(is the debugger still connected?).")

        def take(line: str) -> None:
            collected.append(line)
            if on_line is not None:
                on_line(line)

        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, errors="replace", bufsize=1,
                                    creationflags=_NO_WINDOW, start_new_session=_OWN_GROUP)
        except OSError as exc:
            raise CommanderError(f"Cannot run Simplicity Commander at {self.executable}: "
                                 f"{exc.strerror or exc}.") from None
        try:  # at once: a Ctrl+C between the start and this try would leave Commander running on its own
            pump = threading.Thread(target=_pump, args=(proc, lines), name="commander-output", daemon=True)
            pump.start()
            output_ended = _read_output(proc, lines, take, check_stop)
            returncode = _wait_exit(proc, check_stop)
        finally:
            # cancelled, timed out or failed while it runs: stop it and its children; exited, but what it left
            # behind holds its output: stop that (it would keep the pipe and the reading thread forever)
            if proc.returncode is None or not output_ended:
                _kill(proc)
            if pump is not None and pump.ident is not None:  # started
                pump.join(timeout=1.0)
        result = CommanderResult(returncode, tuple(collected))
        if check:
            error = failure_of(returncode, result.text, what=what, serialno=self.serialno)
            if error is not None:
                raise error
        return result

    # -- commands --------------------------------------------------------------------------------
    def device_info(self, *, cancel: threading.Event | None = None) -> DeviceInfo:
        """Part number, flash and RAM size, unique ID of the connected chip; each try has ``info_timeout_s``."""
        error: CommanderError | None = None
        for family in INFO_FAMILIES:
            try:
                result = self.run(["device", "info", "-d", family], what="read the device info", cancel=cancel,
                                  timeout_s=self.info_timeout_s)
            except CommanderError as exc:
                error = error or exc
                if not _family_may_differ(exc):
                    raise
                continue
            return parse_device_info(result.text)
        assert error is not None
        raise error

    def flash(self, path: str | os.PathLike[str], *, device: str, address: int | None = None,
              binary: bool = False, halt: bool = True, on_progress: ProgressCallback | None = None,
              cancel: threading.Event | None = None, label: str | None = None) -> None:
        """Write an image (``.s37``/``.hex``) or raw bytes (``binary`` at ``address``) to flash.

        ``label`` names what is written in errors ("the model kws"), default the file's name.
        """
        args = ["flash", "--force"]
        if binary:
            args.append("--binary")
        if halt:
            args.append("--halt")
        if address is not None:
            args += ["--address", commander_address(address)]
        args += ["--device", device]
        reader = FlashProgressReader()

        def line(text: str) -> None:
            progress = reader.feed(text)
            if progress is not None and progress.phase != DONE_PHASE and on_progress is not None:
                on_progress(progress)

        self.run(args, what=f"flash {label or Path(path).name}", file=str(path), on_line=line, cancel=cancel)
        if on_progress is not None:  # only now: Commander's last lines and its exit status say whether it succeeded
            on_progress(reader.completed())

    def reset(self, *, device: str, cancel: threading.Event | None = None) -> None:
        """Reset the chip so its firmware starts from the beginning."""
        self.run(["device", "reset", "--device", device], what="reset the device", cancel=cancel,
                 timeout_s=self.info_timeout_s)


def _family_may_differ(error: CommanderError) -> bool:
    """MLTK retries ``device info`` with ``-d efm32``; not worth it when no debugger answered at all, nor
    after a timeout (a hung debugger hangs again: the user would wait twice the timeout for nothing)."""
    return not isinstance(error, (NoDebugger, SeveralDebuggers, CommanderTimeout))


def _read_output(proc: subprocess.Popen[str], lines: "queue.Queue[object]", take: LineCallback,
                 check_stop: Callable[[], None]) -> bool:
    """Pass Commander's output lines to ``take`` until the output ends: True. False when Commander has exited
    but :data:`DRAIN_S` later its output is still open (a process it left behind holds it). ``check_stop``
    raises to stop waiting (cancel, deadline)."""
    drain_until: float | None = None
    while True:
        check_stop()
        if drain_until is None:
            if proc.poll() is not None:
                drain_until = time.monotonic() + DRAIN_S
        elif time.monotonic() > drain_until:
            return False
        try:
            item = lines.get(timeout=POLL_S)
        except queue.Empty:
            continue
        if item is _EOF:
            return True
        take(str(item).rstrip("\n"))


def _wait_exit(proc: subprocess.Popen[str], check_stop: Callable[[], None]) -> int:
    """Commander's exit status; ``check_stop`` still applies, as a Commander that closed its output and hangs
    is as stuck as one that hangs printing."""
    while True:
        check_stop()
        try:
            return proc.wait(timeout=POLL_S)
        except subprocess.TimeoutExpired:
            continue


def _kill(proc: subprocess.Popen[str]) -> None:
    """Kill Commander and whatever it started (its J-Link helpers hold the debugger): its whole process group
    on POSIX, where it leads one; Commander alone where there is no group (Windows)."""
    if _OWN_GROUP:
        try:
            # the group id is Commander's: not reaped yet, or reaped with members of its group still alive (a
            # process id stays reserved while a group bears it)
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()  # the group is gone already
    else:
        proc.kill()
    proc.wait()


def _pump(proc: subprocess.Popen[str], lines: "queue.Queue[object]") -> None:
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            lines.put(line)
    except (OSError, ValueError):
        pass
    finally:
        lines.put(_EOF)
