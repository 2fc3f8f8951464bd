"""Fixtures for tests that need the board simulators: the stand-in Commander first on PATH, simulated boards
on ptys, test firmware images, the logs of FORMATS.md. Imported by the board, CLI and GUI board tests."""

from __future__ import annotations

import http.server
import json
import threading
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

SIM_DIR = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def sim_dir() -> Path:
    return SIM_DIR


@pytest.fixture(scope="session")
def profiler_mvp_log() -> str:
    """FORMATS.md's example log (seed model, BRD2601B, MVP), the 12 kernel-message copies expanded."""
    return (SIM_DIR / "profiler_mvp.log").read_text()


@pytest.fixture(scope="session")
def profiler_none_log() -> str:
    """The same model without the accelerator (figures invented, as FORMATS.md says)."""
    return (SIM_DIR / "profiler_none.log").read_text()


class CommanderSim:
    """The stand-in ``commander`` first on PATH, and what it remembers (flash, calls, resets)."""

    def __init__(self, bin_dir: Path, state: Path) -> None:
        self.bin_dir, self.state = bin_dir, state

    def configure(self, **config) -> None:
        path = self.state / "config.json"
        data = json.loads(path.read_text()) if path.exists() else {}
        data.update(config)
        path.write_text(json.dumps(data))

    def calls(self) -> list[list[str]]:
        path = self.state / "calls.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def flash(self, serialno: str = "440139581") -> bytes:
        return (self.state / f"flash-{serialno}.bin").read_bytes()

    def resets(self, serialno: str = "440139581") -> int:
        path = self.state / f"resets-{serialno}"
        return int(path.read_text()) if path.exists() else 0


def install_commander(bin_dir: Path, state: Path) -> CommanderSim:
    """A real executable named ``commander`` that runs the stand-in with this interpreter."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    state.mkdir(parents=True, exist_ok=True)
    exe = bin_dir / "commander"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{SIM_DIR / "commander_sim.py"}" "$@"\n')
    exe.chmod(0o755)
    return CommanderSim(bin_dir, state)


@pytest.fixture
def commander(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CommanderSim:
    """Commander (the stand-in) first on PATH, with a fresh simulated BRD2601B behind it, and a user data folder
    of the test's own (where kws notes the images it flashed on each board)."""
    sim = install_commander(tmp_path / "bin", tmp_path / "commander-state")
    monkeypatch.setenv("PATH", f"{sim.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("SIM_COMMANDER_STATE", str(sim.state))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    monkeypatch.delenv("KWS_COMMANDER", raising=False)
    return sim


@pytest.fixture
def no_commander(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH with no Commander on it (only the interpreter's folder, for child processes)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("KWS_COMMANDER", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


class BoardSim:
    """A running board simulator process (board_sim.py) serving a pty; ``port`` is its device link."""

    def __init__(self, proc: subprocess.Popen, port: Path, commander: CommanderSim, serialno: str) -> None:
        self.proc, self.port, self.commander, self.serialno = proc, port, commander, serialno

    def press_reset(self) -> None:
        """The board's reset button: what ``commander device reset`` does, without Commander."""
        path = self.commander.state / f"resets-{self.serialno}"
        count = int(path.read_text()) + 1 if path.exists() else 1
        tmp = path.with_suffix(".tmp")
        tmp.write_text(str(count))
        os.replace(tmp, path)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_board(commander: CommanderSim, folder: Path, *, fault: str = "", time_scale: float = 0.05,
                serialno: str = "440139581", vanish_after: int = 20, passes: int = 1000,
                profiler_log: Path | None = None, classifier_loop: Path | None = None) -> BoardSim:
    """A simulated board on a pty; ``profiler_log``: the log its profiler prints instead of the documented one,
    ``classifier_loop``: the lines its classifier prints after the start-up instead of inferences."""
    link = folder / f"ttyBOARD-{serialno}"
    ready = Path(str(link) + ".ready")
    ready.unlink(missing_ok=True)
    argv = [sys.executable, str(SIM_DIR / "board_sim.py"), "--state", str(commander.state), "--link", str(link),
            "--serialno", serialno, "--time-scale", str(time_scale), "--vanish-after", str(vanish_after),
            "--passes", str(passes)]
    if fault:
        argv += ["--fault", fault]
    if profiler_log is not None:
        argv += ["--profiler-log", str(profiler_log)]
    if classifier_loop is not None:
        argv += ["--classifier-loop", str(classifier_loop)]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("the board simulator did not start")
        time.sleep(0.02)
    return BoardSim(proc, link, commander, serialno)


@pytest.fixture
def board_factory(commander: CommanderSim, tmp_path: Path):
    """``board_factory(fault=…, time_scale=…, profiler_log=…, classifier_loop=…)`` starts a simulated board
    behind the stand-in Commander."""
    started: list[BoardSim] = []

    def make(**kwargs) -> BoardSim:
        sim = start_board(commander, tmp_path, **kwargs)
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def board(board_factory) -> BoardSim:
    """A healthy simulated BRD2601B."""
    return board_factory()


@pytest.fixture
def profiler_image(tmp_path: Path) -> Path:
    from sim_images import write_image

    return write_image(tmp_path / "mltk_model_profiler-brd2601-mvp.s37", "model_profiler", "mvp", size=200_000)


@pytest.fixture
def classifier_image(tmp_path: Path) -> Path:
    from sim_images import write_image

    return write_image(tmp_path / "mltk_audio_classifier-brd2601-mvp.s37", "audio_classifier", "mvp", size=250_000)


class FileServer:
    """Serves ``files`` {path: bytes}; ``drop`` paths send half their bytes then close."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.drop: set[str] = set()
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                outer.requests.append(self.path)
                data = outer.files.get(self.path)
                if data is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:len(data) // 2] if self.path in outer.drop else data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    """A local HTTP server (a thread) serving ``server.files``."""
    s = FileServer()
    yield s
    s.close()


def run_kws_then_reset(sim: BoardSim, marker: str, *argv: str,
                       before_reset: Callable[[], None] | None = None) -> tuple[int, str, str]:
    """Run ``kws argv`` as a child; once its stderr shows ``marker``, call ``before_reset()`` (if given) and
    press the board's reset button. Returns (exit code, stdout, stderr)."""
    from workbench.child_command import kws_command

    proc = subprocess.Popen(kws_command(*argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        seen = []
        while marker not in (line := proc.stderr.readline()):
            assert line, f"kws ended before {marker!r}: {''.join(seen)}"
            seen.append(line)
        if before_reset is not None:
            before_reset()
        sim.press_reset()
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    return proc.returncode, out, "".join(seen) + line + err

