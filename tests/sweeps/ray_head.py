"""A real Ray cluster for the tests of ``kws sweep --address``: a head node started with Ray's own command line, as a
user starts one (``ray start --head``), and ended as it goes away in use -- its processes killed.

Why its own everything: other Ray instances may run on this machine (other tests, other users), so the head gets
free ports, a private ``--temp-dir`` and its own session (process group); it is ended by that group, never by
``ray stop``, which stops every Ray of the machine. Token authentication is off for both sides
(``RAY_AUTH_MODE=disabled``), so no token of the user's ``~/.ray`` is read or made.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

RAY = str(Path(sys.executable).with_name("ray"))  # the environment's own `ray` command
START_TIMEOUT_S = 180  # a safety net for a head that never starts, not a timing of the test
AUTH_DISABLED = {"RAY_AUTH_MODE": "disabled"}
CPUS = 2


def free_port() -> int:
    """A TCP port nothing listens on now (the system's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RayHead:
    address: str  # HOST:PORT for --address
    group: int  # the process group of the head node's processes
    env: dict[str, str] = field(default_factory=dict)  # the environment a client of this head needs

    def kill(self, signum: int = signal.SIGKILL) -> None:
        """Every process of the head node gets ``signum``: SIGKILL as a crash or ``kill -9``, SIGTERM as ``ray stop``
        sends it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.group, signum)


@contextlib.contextmanager
def ray_head(temp_dir: Path) -> Iterator[RayHead]:
    """A head node with :data:`CPUS` CPUs, its files in ``temp_dir`` (keep the path short: Ray's sockets live under
    it), killed on the way out if it still runs."""
    port = free_port()
    env = {**os.environ, **AUTH_DISABLED}
    command = [RAY, "start", "--head", f"--port={port}", f"--num-cpus={CPUS}", "--disable-usage-stats",
               f"--temp-dir={temp_dir}", "--include-dashboard=false", f"--ray-client-server-port={free_port()}",
               f"--dashboard-agent-listen-port={free_port()}"]
    starting = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)  # its daemons stay in this session's process group
    head = RayHead(f"127.0.0.1:{port}", starting.pid, env)
    try:
        output, _ = starting.communicate(timeout=START_TIMEOUT_S)
        assert starting.returncode == 0, output
        yield head
    finally:
        head.kill()
