"""Running Simplicity Commander: one child process per command, output read as it comes, cancellable.

Why a class: every command needs the same executable, the same debugger choice (``--serialno``) and
the same error reading; the GUI's worker thread and the CLI share one object. Output lines are read
on a helper thread so a hung Commander (a debugger that stops answering) can be cancelled or timed
out instead of blocking the caller forever. The commands and arguments are MLTK's
(``mltk/utils/commander/commander.py``): ``device info -d efr32`` (``-d efm32`` on failure),
``flash --force [--binary] [--halt] [--address HEX] --device D FILE``, ``device reset --device D``.
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
from workbench.board.commander.output import FlashProgress, FlashProgressReader, failure_of, parse_device_info
from workbench.board.errors import Cancelled, CommanderError, CommanderTimeout, NoDebugger, SeveralDebuggers
from workbench.board.flashing.flash_layout import commander_address
from workbench.board.platforms import DeviceInfo

DEFAULT_TIMEOUT_S = 180.0  # a full 1.5 MB image flashes in well under a minute
POLL_S = 0.1
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
    """Simplicity Commander at ``executable``, talking to the debugger ``serialno`` (None: the only one)."""

    def __init__(self, executable: str | os.PathLike[str], *, serialno: str | None = None,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.executable = Path(executable)
        self.serialno = str(serialno) if serialno else None
        self.timeout_s = timeout_s

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
        """Run ``commander args… [--serialno N] [file]``; raises the classified error when it failed."""
        argv = self._argv(args, file)
        lines: queue.Queue[object] = queue.Queue()
        collected: list[str] = []
        limit_s = timeout_s or self.timeout_s
        deadline = time.monotonic() + limit_s
        pump: threading.Thread | None = None
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
            while True:
                if cancel is not None and cancel.is_set():
                    raise Cancelled(f"Cancelled: Commander's {what} was stopped.")
                if time.monotonic() > deadline:  # ``what`` is a verb phrase: "read the device info"
                    raise CommanderTimeout(f"Commander did not {what} within {limit_s:g} s "
                                           "(is the debugger still connected?).")
                try:
                    item = lines.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                if item is _EOF:
                    break
                line = str(item).rstrip("\n")
                collected.append(line)
                if on_line is not None:
                    on_line(line)
            returncode = proc.wait()
        finally:
            if proc.returncode is None:  # cancelled, timed out or failed while it runs: stop it and its children
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
        """Part number, flash and RAM size, unique ID of the connected chip."""
        error: CommanderError | None = None
        for family in INFO_FAMILIES:
            try:
                result = self.run(["device", "info", "-d", family], what="read the device info", cancel=cancel)
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
            if progress is not None and on_progress is not None:
                on_progress(progress)

        self.run(args, what=f"flash {label or Path(path).name}", file=str(path), on_line=line, cancel=cancel)

    def reset(self, *, device: str, cancel: threading.Event | None = None) -> None:
        """Reset the chip so its firmware starts from the beginning."""
        self.run(["device", "reset", "--device", device], what="reset the device", cancel=cancel)


def _family_may_differ(error: CommanderError) -> bool:
    """MLTK retries ``device info`` with ``-d efm32``; not worth it when no debugger answered at all, nor
    after a timeout (a hung debugger hangs again: the user would wait twice the timeout for nothing)."""
    return not isinstance(error, (NoDebugger, SeveralDebuggers, CommanderTimeout))


def _kill(proc: subprocess.Popen[str]) -> None:
    """Kill Commander and whatever it started (its J-Link helpers hold the debugger): its whole process group
    on POSIX, where it leads one; Commander alone where there is no group (Windows)."""
    if _OWN_GROUP:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # not reaped yet, so the group id is still Commander's
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
