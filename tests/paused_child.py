"""A second real process that stops at a chosen point of its work until the test lets it go on (or kills it).

Why: the tests of two ``kws`` processes writing one folder need the first one caught in the middle -- holding a
run's folder, between two renames of a file set -- without sleeping and hoping. The child's script calls
``pause()`` where it is to stop: it says so on stdout and waits for a line on stdin.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]
READY = "paused"
PRELUDE = f"""
import sys

def pause(*_args, **_kwargs):
    print({READY!r}, flush=True)
    sys.stdin.readline()
"""

# for a script to call pause_at_first_naming(): then it stops once, as it first puts a file under a name (a link, or
# the rename of an atomic write: whichever the code under test uses)
PAUSING_AT_FIRST_NAMING = """
import os

def pause_at_first_naming():
    real_link, real_replace = os.link, os.replace

    def paused_once(step):
        def stepping(*args, **kwargs):
            os.link, os.replace = real_link, real_replace
            pause()
            return step(*args, **kwargs)
        return stepping

    os.link, os.replace = paused_once(real_link), paused_once(real_replace)
"""


def start_child(script: str, *args: object) -> subprocess.Popen[str]:
    """``python -c PRELUDE + script args...``, started (not waited for); its stdin, stdout and stderr are pipes."""
    return subprocess.Popen([sys.executable, "-c", PRELUDE + script, *map(str, args)], cwd=REPO,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@contextlib.contextmanager
def running_child(script: str, *args: object) -> Iterator[subprocess.Popen[str]]:
    """A child of :func:`start_child` that does not pause; killed on the way out if it still runs."""
    process = start_child(script, *args)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def finish_child(process: subprocess.Popen[str]) -> None:
    """Wait for a child of :func:`running_child`; it must succeed."""
    _, errors = process.communicate()
    assert process.returncode == 0, errors


class PausedChild:
    """A child of :func:`start_child`, returned once its script has called ``pause()``."""

    def __init__(self, script: str, *args: object) -> None:
        self.process = start_child(script, *args)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != READY:
            self.process.kill()
            _, errors = self.process.communicate()
            raise AssertionError(f"the child ended before it paused: {line!r}\n{errors}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def resume(self) -> str:
        """Let it go on, and wait for its end; its stderr (the child failing fails the test)."""
        _, errors = self.process.communicate("\n")
        assert self.process.returncode == 0, errors
        return errors

    def kill(self) -> None:
        """SIGKILL, as a power cut or ``kill -9`` ends it: nothing of it runs any more."""
        self.process.kill()
        self.process.communicate()

    def __enter__(self) -> PausedChild:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.process.poll() is None:
            self.kill()


def another_writer_must_wait(folder: Path) -> bool:
    """Whether a process taking ``folder``'s step lock now would have to wait (asked without waiting)."""
    import fcntl  # (POSIX only: the tests that ask are skipped on Windows)

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
