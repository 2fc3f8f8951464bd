"""A real microphone path without hardware: a private PulseAudio server with a virtual source.

``VirtualMic`` starts PulseAudio in user mode (works as root, no D-Bus, no XDG_RUNTIME_DIR) with its own
runtime/state/home directory and socket under a fresh ``/tmp/kws-virtmic-*`` directory, so it never
collides with another PulseAudio (e.g. ``../shared/recipes/virtmic.sh`` uses ``/tmp/virtmic``). It creates
a 16 kHz mono s16 null sink whose monitor is the server's default source, and a silent 20 ms keep-alive
stream (without it an idle null sink delivers its monitor in ~2 s blocks). Audio injected with
``play(wav)`` (``paplay --latency-msec=20 -d <sink>``) comes back through the monitor, which PortAudio
reaches via ALSA's ``pulse`` PCM (libasound2-plugins) once ``PULSE_SERVER`` points at our socket.

``stop()`` kills exactly the processes it started (by their Popen handles), restores the environment
and removes the directory. Usable as a context manager; :func:`running_or_skip` starts one for a test, or skips it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REQUIRED_TOOLS = ("pulseaudio", "pactl", "pacat", "parec", "paplay")
SINK_RATE = 16000
READY_TIMEOUT_S = 10.0
PROBE_S = 0.5
# bytes a 0.5 s parec probe must return before the monitor counts as flowing in real time (75 %)
PROBE_MIN_BYTES = int(SINK_RATE * 2 * PROBE_S * 0.75)
# environment variables the in-process libpulse client (ALSA pulse plugin) reads
CLIENT_ENV_KEYS = ("PULSE_SERVER", "PULSE_COOKIE")


class VirtualMicUnavailable(RuntimeError):
    """PulseAudio tools are missing or the server did not come up (tests skip with this reason)."""


def missing_tools() -> list[str]:
    return [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]


class VirtualMic:
    """A private PulseAudio server whose default source plays back what ``play()`` injects."""

    def __init__(self, sink_name: str = "kws_virtmic_sink") -> None:
        self.sink_name = sink_name
        self.dir: Path | None = None
        self._server: subprocess.Popen | None = None
        self._keepalive: subprocess.Popen | None = None
        self._saved_env: dict[str, str | None] = {}
        self.env: dict[str, str] = {}

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> VirtualMic:
        missing = missing_tools()
        if missing:
            raise VirtualMicUnavailable(
                f"PulseAudio tools not installed ({', '.join(missing)}): apt-get install pulseaudio "
                "pulseaudio-utils libasound2-plugins libportaudio2")
        self.dir = Path(tempfile.mkdtemp(prefix="kws-virtmic-"))
        socket = self.dir / "native"
        home = self.dir / "home"
        home.mkdir()
        self.env = {
            **os.environ,
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(self.dir),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "PULSE_RUNTIME_PATH": str(self.dir / "runtime"),
            "PULSE_STATE_PATH": str(self.dir / "state"),
            "PULSE_COOKIE": str(self.dir / "cookie"),
            "PULSE_SERVER": f"unix:{socket}",
        }
        sink = (f"module-null-sink sink_name={self.sink_name} rate={SINK_RATE} channels=1 format=s16le "
                "sink_properties=device.description=KWS-VirtMic")
        try:
            self._server = subprocess.Popen(
                ["pulseaudio", "--daemonize=no", "--system=false", "--exit-idle-time=-1",
                 "--disallow-exit", "--use-pid-file=no", "-n",
                 f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
                 f"--load={sink}",
                 f"--log-target=file:{self.dir / 'pulseaudio.log'}"],
                env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
            self._wait_for_server()
            self._pactl("set-default-sink", self.sink_name)
            self._pactl("set-default-source", f"{self.sink_name}.monitor")
            self._keepalive = subprocess.Popen(
                ["pacat", "--playback", "--latency-msec=20", "-d", self.sink_name, f"--rate={SINK_RATE}",
                 "--channels=1", "--format=s16le", "--client-name=kws-keepalive", "/dev/zero"],
                env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
            self._wait_for_realtime_monitor()
        except BaseException:
            self.stop()
            raise
        self._export_client_env()
        return self

    def stop(self) -> None:
        """Kill what we started (keep-alive first, then the server), restore env, remove the dir."""
        for attr in ("_keepalive", "_server"):
            proc: subprocess.Popen | None = getattr(self, attr)
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            setattr(self, attr, None)
        self._restore_client_env()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def kill_server(self) -> None:
        """Simulate the device vanishing: SIGKILL the server (no clean shutdown)."""
        if self._server is not None and self._server.poll() is None:
            os.kill(self._server.pid, signal.SIGKILL)
            self._server.wait(timeout=5)

    def suspend(self, suspended: bool = True) -> None:
        """Suspend the sink (``suspended``), or resume it: while suspended, its monitor (the default source) delivers
        nothing, so an input opens and starts as usual and its reads then fail (the source seems to have stalled)."""
        self._pactl("suspend-sink", self.sink_name, "1" if suspended else "0")

    def __enter__(self) -> VirtualMic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- use --------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._server is not None and self._server.poll() is None

    def play(self, wav: Path, wait: bool = True) -> subprocess.Popen:
        """Inject a WAV into the virtual source (blocks until played unless ``wait=False``)."""
        proc = subprocess.Popen(["paplay", "--latency-msec=20", "-d", self.sink_name, str(wav)],
                                env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        if wait:
            _, err = proc.communicate(timeout=60)
            if proc.returncode != 0:
                raise RuntimeError(f"paplay failed: {err.decode(errors='replace').strip()}")
        return proc

    def log(self) -> str:
        path = self.dir / "pulseaudio.log" if self.dir else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    # -- internals ----------------------------------------------------------------------------
    def _pactl(self, *args: str) -> str:
        result = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10)
        if result.returncode != 0:
            raise VirtualMicUnavailable(f"pactl {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def _wait_for_server(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._server is not None and self._server.poll() is not None:
                raise VirtualMicUnavailable(f"pulseaudio exited at start-up: {self.log()[-800:]}")
            probe = subprocess.run(["pactl", "info"], env=self.env, capture_output=True, timeout=5)
            if probe.returncode == 0:
                return
            time.sleep(0.1)
        raise VirtualMicUnavailable(f"pulseaudio did not answer within {READY_TIMEOUT_S} s")

    def _wait_for_realtime_monitor(self) -> None:
        """A fresh null sink first sleeps through a ~2 s block: wait until the monitor flows live."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            proc = subprocess.Popen(
                ["parec", "-d", f"{self.sink_name}.monitor", "--latency-msec=20", f"--rate={SINK_RATE}",
                 "--channels=1", "--format=s16le"],
                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            try:
                out, _ = proc.communicate(timeout=PROBE_S)
            except subprocess.TimeoutExpired:
                proc.terminate()
                out, _ = proc.communicate()
            if len(out) >= PROBE_MIN_BYTES:
                return
        raise VirtualMicUnavailable("the virtual source did not start delivering audio in real time")

    def _export_client_env(self) -> None:
        """Point in-process libpulse clients (ALSA pulse plugin under PortAudio) at our server."""
        for key in CLIENT_ENV_KEYS:
            self._saved_env[key] = os.environ.get(key)
            os.environ[key] = self.env[key]

    def _restore_client_env(self) -> None:
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = {}


@contextmanager
def running_or_skip(**settings: str) -> Iterator[VirtualMic]:
    """A started virtual microphone (``VirtualMic(**settings)``) for the block, stopped after it; the test is
    skipped, with the reason, when PulseAudio cannot run here."""
    try:
        mic = VirtualMic(**settings).start()
    except VirtualMicUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield mic
    finally:
        mic.stop()
