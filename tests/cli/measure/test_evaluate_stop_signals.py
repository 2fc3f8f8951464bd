"""`kws evaluate` with worker processes, stopped by a signal: real child processes, real signals, real pipes.

The caller reads the child's stdout and stderr to the end, as the GUI's child runner does: that returns only
when every process holding them -- kws, its pool workers, multiprocessing's resource tracker -- has gone.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from session_output import finish_session

from workbench.child_command import EXIT_CANCELLED, kws_command

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signals to a child are POSIX here")

WORDS = ("yes", "no", "up", "down")
CLIPS_PER_WORD = 5
LISTED_CLIPS = 60_000  # minutes of scoring with two workers: the stop always comes long before the end
WORKERS = "2"
EXIT_WAIT_S = 60  # a safety net for a hung child or a worker holding the pipes, not a timing assertion
PROGRESS = "evaluating ["


@pytest.fixture
def long_clip_list(shared_dir: Path, tmp_path: Path) -> Path:
    """A predictions.csv naming a few real clips over and over: an evaluation that runs for minutes."""
    clips = [(clip, word) for word in WORDS
             for clip in sorted((shared_dir / "datasets" / "speech_commands" / word).glob("*.wav"))[:CLIPS_PER_WORD]]
    path = tmp_path / "predictions.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "word"])
        for i in range(LISTED_CLIPS):
            clip, word = clips[i % len(clips)]
            writer.writerow([str(clip), word])
    return path


def _start(model: Path, clip_list: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """kws evaluate with two workers, with a config folder it cannot write (so it makes a private matplotlib
    folder in TMPDIR, removed at exit), once its workers have scored a first chunk. In a session of its own,
    as in a terminal: a test that fails can still end every process it left (:func:`_finish`)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME")}
    env.update(TMPDIR=str(temp), XDG_CONFIG_HOME=str(not_a_folder / "config"))
    proc = subprocess.Popen(kws_command("evaluate", str(model), "--clips", str(clip_list), "--workers", WORKERS),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    assert proc.stderr is not None
    while not (line := proc.stderr.readline()).startswith(PROGRESS):
        assert line, "kws evaluate ended before its workers scored anything"
    return proc, temp


def _finish(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Everything the child and its workers still write, once every one of them has closed the pipes."""
    return finish_session(proc, EXIT_WAIT_S, "kws evaluate's output stayed open: a process outlived the stop and "
                          "holds the pipes")


Deliver = Callable[[subprocess.Popen[str]], None]


def _to_kws_only(stop: signal.Signals) -> Deliver:
    """Only kws is signalled, as the GUI's Cancel does: kws must stop its workers itself."""
    def deliver(proc: subprocess.Popen[str]) -> None:
        proc.send_signal(stop)
    return deliver


def _terminal_ctrl_c(proc: subprocess.Popen[str]) -> None:
    """A terminal's Ctrl+C reaches the whole process group, workers included: they leave the stop to kws."""
    os.killpg(proc.pid, signal.SIGINT)


@pytest.mark.parametrize("deliver", [pytest.param(_to_kws_only(signal.SIGTERM), id="sigterm-to-kws"),
                                     pytest.param(_to_kws_only(signal.SIGINT), id="sigint-to-kws"),
                                     pytest.param(_terminal_ctrl_c, id="ctrl-c-to-group")])
def test_a_stop_signal_ends_kws_and_its_workers_cleanly(reference_model_path: Path, long_clip_list: Path,
                                                        tmp_path: Path, deliver: Deliver) -> None:
    """However the signal comes (``deliver``): exit 130, one line, no worker left, TMPDIR clean."""
    proc, temp = _start(reference_model_path, long_clip_list, tmp_path)
    assert [p.name for p in temp.iterdir()][0].startswith("kws-matplotlib-")  # the folder the exit must remove
    deliver(proc)
    out, err = _finish(proc)
    assert proc.returncode == EXIT_CANCELLED, err
    assert err.splitlines()[-1] == "kws: interrupted" and "Traceback" not in err and out == ""
    assert list(temp.iterdir()) == []


def test_workers_do_not_outlive_a_killed_kws(reference_model_path: Path, long_clip_list: Path,
                                             tmp_path: Path) -> None:
    """kill -9 gives kws no chance to stop its pool: the workers (and the resource tracker after them) must
    notice on their own, or they idle forever holding the caller's pipes."""
    proc, _ = _start(reference_model_path, long_clip_list, tmp_path)
    proc.kill()
    _finish(proc)
    assert proc.returncode == -signal.SIGKILL
