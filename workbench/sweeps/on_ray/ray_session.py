"""Starting (or attaching to) Ray for one sweep, and the clear message when Ray is missing.

Why a context manager: without ``--address`` the sweep starts a private local Ray instance and
must stop it however the sweep ends (finished, cancelled, an error), so nothing of Ray outlives
``kws sweep``; with ``--address`` it only connects to the user's cluster and disconnects at the end
(the cluster keeps running).

``ray.init`` replaces the process's SIGINT/SIGTERM handlers (Ray's driver exits on SIGTERM, and its
C++ core installs a crash handler that re-raises it); the handlers the caller had -- ``kws sweep``'s
clean cancel -- are put back right after, so a SIGTERM from the GUI still stops the trials in order.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from dataclasses import dataclass
from typing import Any, Iterator

from workbench.core.errors import WorkbenchError
from workbench.sweeps import RAY_MISSING

NAMESPACE = "kws-sweep"
LOCAL = "local"
AUTO = "auto"
CONNECT_TIMEOUT_S = 5.0
# Tune's own Ctrl+C handler would stop trials its way; kws sweep stops them in order (see sweep_run)
_TUNE_ENV = {"TUNE_DISABLE_SIGINT_HANDLER": "1", "RAY_AIR_NEW_OUTPUT": "0", "TUNE_DISABLE_AUTO_CALLBACK_LOGGERS": "1"}


@dataclass(frozen=True)
class RayCluster:
    address: str  # "local" or what --address said
    cpus: float
    nodes: int


def require_ray() -> Any:
    """The ``ray`` module, or WorkbenchError with how to install it."""
    try:
        import ray
        from ray import tune  # noqa: F401  (Tune is the part a sweep needs: ray[tune])
    except ImportError:
        raise WorkbenchError(RAY_MISSING) from None
    return ray


def check_reachable(address: str) -> None:
    """WorkbenchError at once when nothing answers at ``HOST:PORT`` (Ray itself retries for many minutes)."""
    if address == AUTO or "://" in address:
        return
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise WorkbenchError(f"--address must be 'auto' or HOST:PORT of the Ray head node, not {address!r}")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise WorkbenchError(f"no Ray head node answers at {address} ({exc.strerror or exc}): start one there with "
                             "ray start --head, or leave out --address for a local Ray instance") from None


@contextlib.contextmanager
def ray_cluster(address: str | None, num_cpus: int | None = None) -> Iterator[RayCluster]:
    """Ray connected for the ``with`` block: a private local instance (``address`` None) or a cluster."""
    ray = require_ray()
    for key, value in _TUNE_ENV.items():
        os.environ.setdefault(key, value)
    options: dict[str, Any] = {"namespace": NAMESPACE, "log_to_driver": False, "include_dashboard": False,
                               "configure_logging": True, "logging_level": "ERROR"}
    if address:
        check_reachable(address)
    saved = _signal_handlers()
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=num_cpus, **options)
    except ConnectionError as exc:
        hint = "" if address == AUTO else (" (a cluster with token authentication, the default of `ray start` "
                                            "since Ray 2.59, also needs RAY_AUTH_MODE=token and its token here: "
                                            "see docs/sweeps.md)")
        raise WorkbenchError(f"cannot connect to the Ray cluster at {address}: {str(exc).splitlines()[0]}{hint}"
                             ) from None
    except (RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address}" if address else "a local Ray instance"
        raise WorkbenchError(f"cannot start {where}: {str(exc).splitlines()[0]}") from None
    finally:
        _restore(saved)
    try:
        resources = ray.cluster_resources()
        nodes = sum(1 for node in ray.nodes() if node.get("Alive"))
        yield RayCluster(address or LOCAL, float(resources.get("CPU", 0.0)), nodes)
    finally:
        ray.shutdown()


_HANDLED = ("SIGINT", "SIGTERM", "SIGBREAK")


def _signal_handlers() -> dict[int, object]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    handlers = {}
    for name in _HANDLED:
        signum = getattr(signal, name, None)
        if signum is not None:
            handlers[signum] = signal.getsignal(signum)
    return handlers


def _restore(handlers: dict[int, object]) -> None:
    for signum, handler in handlers.items():
        if handler is not None:
            signal.signal(signum, handler)  # type: ignore[arg-type]
