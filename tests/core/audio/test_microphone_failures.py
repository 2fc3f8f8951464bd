"""A microphone that fails for real: a stalled, killed or half-removed PulseAudio server under PortAudio.

Each test runs its own private server (tests/virtmic.py) because it damages it (SIGSTOP, SIGKILL,
unloading the sink). The command-line tests run ``kws detect --mic`` as a real process, so what is checked
is what a user's terminal shows.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from workbench.core.audio.microphone_source import CLOSE_TIMEOUT_S, STALL_TIMEOUT_S
from workbench.core.audio.portaudio_guard import stalled_calls
from workbench.core.audio.sources import MicrophoneSource, refresh_devices
from workbench.core.errors import DeviceError

REPO_ROOT = Path(__file__).resolve().parents[3]
KWS = REPO_ROOT / ".venv" / "bin" / "kws"
# generous bounds for "did not hang": a hang here lasts as long as the server is stopped (forever)
HANG_S = 30.0
NOISE_MARKS = ("Expression '", "ALSA lib ", "pa_linux_alsa.c", "Traceback")
STOPPED_FOR_S = STALL_TIMEOUT_S + 1.0

sys.path.insert(0, str(REPO_ROOT / "tests"))
from virtmic import VirtualMic, VirtualMicUnavailable, missing_tools  # noqa: E402


@pytest.fixture
def own_mic(request: pytest.FixtureRequest) -> Iterator[VirtualMic]:
    """A private server this test may stop, kill or strip (never shared)."""
    if missing_tools():
        pytest.skip(f"PulseAudio tools not installed: {', '.join(missing_tools())}")
    try:
        mic = VirtualMic(sink_name=f"kws_fail_{request.node.name[-12:].strip('_[]')}").start()
    except VirtualMicUnavailable as exc:
        pytest.skip(str(exc))
    try:
        refresh_devices()
        yield mic
    finally:
        resume(mic)
        mic.stop()
        wait_until(lambda: stalled_calls() == 0)
        refresh_devices()


def server_pid(mic: VirtualMic) -> int:
    assert mic._server is not None
    return mic._server.pid


def resume(mic: VirtualMic) -> None:
    if mic.running:
        os.kill(server_pid(mic), signal.SIGCONT)


def wait_until(condition, limit_s: float = HANG_S) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def unload_sink(mic: VirtualMic) -> None:
    """The listed device stays in PortAudio's list but can no longer be opened."""
    for line in mic._pactl("list", "short", "modules").splitlines():
        if f"sink_name={mic.sink_name}" in line:
            mic._pactl("unload-module", line.split()[0])


def start_detect(*extra: str) -> subprocess.Popen:
    return subprocess.Popen([str(KWS), "detect", "--mic", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=REPO_ROOT)


def wait_for_listening(proc: subprocess.Popen) -> str:
    line = proc.stderr.readline()  # type: ignore[union-attr]
    assert line.startswith("listening on "), line
    return line


# -- finding 1: a stalled sound server ---------------------------------------------------------
def test_closing_a_stream_on_a_stalled_server_returns_and_reports(own_mic: VirtualMic) -> None:
    source = MicrophoneSource()
    source.start()
    assert source.wait(5.0) and source.read().size > 0
    os.kill(server_pid(own_mic), signal.SIGSTOP)
    stopper = threading.Thread(target=source.stop, daemon=True)
    stopper.start()
    stopper.join(HANG_S)  # without the bound, stop() waits for the server: forever
    hung = stopper.is_alive()
    resume(own_mic)
    assert not hung, "stop() blocked while the sound server was stalled"
    assert source.error is not None and f"did not stop within {CLOSE_TIMEOUT_S:g} s" in source.error
    assert wait_until(lambda: stalled_calls() == 0), "the given-up close never finished after the server resumed"


def test_ctrl_c_ends_detect_while_the_server_is_stalled(own_mic: VirtualMic) -> None:
    proc = start_detect("--seconds", "120")
    try:
        wait_for_listening(proc)
        os.kill(server_pid(own_mic), signal.SIGSTOP)
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            pytest.fail("kws detect --mic ignored Ctrl+C while the sound server was stalled")
    finally:
        resume(own_mic)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kws: error: the audio input "), err
    assert "stalled" in lines[0] or "delivered nothing" in lines[0]


# -- finding 2: a listed device that cannot be opened ------------------------------------------------
def test_a_device_that_cannot_be_opened_is_one_honest_sentence(own_mic: VirtualMic) -> None:
    unload_sink(own_mic)
    result = subprocess.run([str(KWS), "detect", "--mic", "--seconds", "2"], capture_output=True, text=True,
                            cwd=REPO_ROOT, timeout=120)
    assert result.returncode == 2
    assert result.stderr == "kws: error: cannot open the audio input 'default' (Input/output error)\n"


def test_in_process_open_failure_is_a_device_error_without_format_talk(own_mic: VirtualMic) -> None:
    unload_sink(own_mic)
    source = MicrophoneSource()
    with pytest.raises(DeviceError, match=r"^cannot open the audio input 'default' \(Input/output error\)$"):
        source.start()
    assert not source.running


# -- finding 3: no C-library noise in the terminal -------------------------------------------------
def test_a_vanishing_server_prints_one_error_and_no_library_noise(own_mic: VirtualMic) -> None:
    proc = start_detect("--seconds", "120")
    try:
        listening = wait_for_listening(proc)
        own_mic.kill_server()
        out, err = proc.communicate(timeout=HANG_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 2
    assert not any(mark in err for mark in NOISE_MARKS), listening + err
    assert err.strip().splitlines() == [
        "kws: error: the audio input 'default' stopped delivering audio (unplugged or sound server gone?)"]


def test_retrying_a_vanished_device_prints_no_library_noise(own_mic: VirtualMic, tmp_path: Path) -> None:
    """What the GUI does every two seconds: try to open a listed device that is gone. Run in a child so
    its real fd 2 can be read; the child's own line on stderr must survive the filter."""
    unload_sink(own_mic)
    script = tmp_path / "retry.py"
    script.write_text(
        "import sys\n"
        "from workbench.core.audio.sources import MicrophoneSource\n"
        "from workbench.core.errors import DeviceError\n"
        "for attempt in range(3):\n"
        "    try:\n"
        "        MicrophoneSource().start()\n"
        "    except DeviceError as exc:\n"
        "        print(f'attempt {attempt}: {exc}', file=sys.stderr, flush=True)\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=REPO_ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"attempt {n}: cannot open the audio input 'default' (Input/output error)" for n in range(3)]


# -- finding 4: a process that was stopped, not its microphone --------------------------------------
def test_detect_stopped_with_ctrl_z_and_resumed_goes_on_listening(own_mic: VirtualMic) -> None:
    """Ctrl+Z then ``fg`` (SIGSTOP, SIGCONT) stops the callback thread with the rest of the process, and the sound
    server keeps the audio meanwhile: after the resume the stream goes on, it is no vanished device."""
    proc = start_detect("--seconds", str(STOPPED_FOR_S + 1))
    try:
        wait_for_listening(proc)
        proc.send_signal(signal.SIGSTOP)
        time.sleep(STOPPED_FOR_S)  # longer than a device may stay silent while the reader looks
        proc.send_signal(signal.SIGCONT)
        out, err = proc.communicate(timeout=HANG_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "error" not in err
    assert re.match(r"\d+ detections? in ", err.strip().splitlines()[-1]), err  # the run's own summary, to its end
