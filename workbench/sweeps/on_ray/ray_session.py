"""Starting (or attaching to) Ray for one sweep, and the clear message when Ray is missing.

Why a context manager: without ``--address`` the sweep starts a private local Ray instance and
must stop it however the sweep ends (finished, cancelled, an error), so nothing of Ray outlives
``kws sweep``; with ``--address`` it only connects to the user's cluster and disconnects at the end
(the cluster keeps running).

``ray.init`` replaces the process's SIGTERM handler (Ray's driver exits on SIGTERM); the handlers the caller
had -- ``kws sweep``'s clean cancel -- are put back right after, so a SIGTERM from the GUI still stops the trials in
order. Ray's C++ core would also install a crash handler (SIGSEGV, SIGABRT, ... and SIGTERM) and remove it in
``ray.shutdown`` by setting each of those signals to the system's default, behind Python's back: a SIGTERM in the
rest of the shutdown (a second or so) then ended the process at once, its exit status "killed". Ray installs none
when ``RAY_DISABLE_FAILURE_SIGNAL_HANDLER`` is set as it is imported (its documented switch), so :func:`require_ray`
sets it for that import only: this process keeps its handlers throughout (a crash is still reported by Python's
fault handler, which ``ray.init`` enables), and Ray's own processes, started later, keep their crash handler.
During the shutdown a stop signal is held and given to the caller's handler once Ray has shut down (for ``kws
sweep`` that is its cancel, as during the trials; its results are written by then, :mod:`workbench.sweeps.sweep_run`);
a second one during it ends the process at once with :data:`EXIT_CANCELLED`, should Ray's shutdown hang.

A cluster is checked before ``ray.init``, which would otherwise retry for many minutes: its head node must answer
at once (:func:`check_reachable`), ``--address auto`` included -- resolved as Ray resolves it (``RAY_ADDRESS``, else
the cluster ``ray start`` last started on this machine, whose record outlives a head node that was killed). While the
sweep runs, :mod:`.cluster_watch` watches the same head node (:attr:`RayCluster.head`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from dataclasses import dataclass
from types import FrameType
from typing import Any, Iterator

from workbench.core.errors import WorkbenchError
from workbench.child_command import EXIT_CANCELLED, is_frozen
from workbench.documentation import SWEEPS, doc_reference
from workbench.sweeps import RAY_BROKEN, RAY_MISSING, RAY_REMEDY_PACKAGED, RAY_REMEDY_PIP

RAY_MODULE = "ray"
NAMESPACE = "kws-sweep"
LOCAL = "local"
AUTO = "auto"
CONNECT_TIMEOUT_S = 5.0
# read by the bundle's entry point (packaging/frozen/kws_entry.py): act as a Python interpreter for Ray
FROZEN_PYTHON_MODE = "KWS_PYTHON_MODE"
# Tune's own Ctrl+C handler would stop trials its way; kws sweep stops them in order (see sweep_run)
_TUNE_ENV = {"TUNE_DISABLE_SIGINT_HANDLER": "1", "RAY_AIR_NEW_OUTPUT": "0", "TUNE_DISABLE_AUTO_CALLBACK_LOGGERS": "1"}
# read by Ray as it is imported: no C++ crash handler in this process, so none that ray.shutdown removes (see above)
NO_CRASH_HANDLER = ("RAY_DISABLE_FAILURE_SIGNAL_HANDLER", "1")
STOPPED_DURING_SHUTDOWN = "kws: stopped at once while Ray was shutting down\n"
RAY_ADDRESS_VARIABLE = "RAY_ADDRESS"  # what --address auto means first, as for Ray itself
AUTO_FOUND = ", the address {option} auto found (RAY_ADDRESS, or the last ray start --head on this machine)"


@dataclass(frozen=True)
class AddressOption:
    """The command's option that gives the cluster, and what leaving it out does: the sentences about a cluster name
    them (``kws train --features-on-ray`` has no ``--address``, and no local Ray instance either)."""

    name: str = "--address"
    instead: str = "for a local Ray instance"


@dataclass(frozen=True)
class RayCluster:
    address: str  # "local" or what --address said
    cpus: float
    nodes: int
    head: str = ""  # HOST:PORT of the head node this process is connected to; "" for a local instance or ray://

    @property
    def where(self) -> str:
        """The cluster in a sentence: what --address said, with the head node it found for ``auto``."""
        return f"{self.address} ({self.head})" if self.address == AUTO and self.head else self.address


def require_ray() -> Any:
    """The ``ray`` module, or WorkbenchError naming the module that is missing and how to install it.

    Why the module is named: Ray itself may import fine while one of Tune's own dependencies (pandas,
    pyarrow, ...) is missing, and "install Ray" would then send the user after the wrong thing. Why two
    remedies: the packaged app has no pip; Ray comes with its training runtime there."""
    try:
        with _environment_while_importing(*NO_CRASH_HANDLER):
            import ray
            from ray import tune  # noqa: F401  (Tune is the part a sweep needs: ray[tune])
    except ImportError as exc:
        raise WorkbenchError(ray_missing_message(exc)) from None
    return ray


@contextlib.contextmanager
def _environment_while_importing(name: str, value: str) -> Iterator[None]:
    """``name=value`` in the environment for the block, unless the user set it: Ray reads its switch as it is
    imported, while the processes it starts afterwards inherit the environment (they keep Ray's defaults)."""
    if name in os.environ:
        yield
        return
    os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)


def ray_missing_message(exc: ImportError) -> str:
    """The one sentence for a failed ``import ray`` / ``from ray import tune``."""
    remedy = RAY_REMEDY_PACKAGED if is_frozen() else RAY_REMEDY_PIP
    exc = _root_import_error(exc)
    if exc.name == RAY_MODULE:
        return RAY_MISSING.format(remedy=remedy)
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        reason = f"it needs the module {exc.name!r}, which is not installed"
    else:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
    return RAY_BROKEN.format(reason=reason, remedy=remedy)


def _root_import_error(exc: ImportError) -> ImportError:
    """The innermost ImportError of the chain: ``ray.tune`` re-raises a missing pandas as its own
    "some dependencies are missing", which names no module."""
    while isinstance(exc.__cause__ or exc.__context__, ImportError):
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return exc


def check_reachable(address: str, found_by: str = "", option: AddressOption = AddressOption()) -> None:
    """WorkbenchError at once when nothing answers at ``HOST:PORT`` (Ray itself retries for many minutes);
    ``found_by`` follows the address in the sentence (how ``auto`` came to it), which names ``option``."""
    if address == AUTO or "://" in address:
        return
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise WorkbenchError(f"{option.name} must be 'auto' or HOST:PORT of the Ray head node, not {address!r}")
    cause = head_silence(address, CONNECT_TIMEOUT_S)
    if cause:
        raise WorkbenchError(f"no Ray head node answers at {address} ({cause}){found_by}: start one there with "
                             f"ray start --head, or leave out {option.name} {option.instead}")


def head_silence(address: str, timeout_s: float) -> str:
    """Why nothing answers at ``HOST:PORT`` within ``timeout_s`` ("Connection refused", "timed out"); "" when
    something does."""
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout_s).close()
    except OSError as exc:
        return str(exc.strerror or exc)
    return ""


def resolved_address(address: str) -> str:
    """``address``, with ``auto`` resolved as ``ray.init`` resolves it; WorkbenchError when it finds no cluster.

    Why here: ``ray.init(address="auto")`` with the record of a head node that was killed (``kill``, a crash: only
    ``ray stop`` removes it) retried for many minutes, printing a log line every few seconds."""
    if address != AUTO:
        return address
    if os.environ.get(RAY_ADDRESS_VARIABLE):
        return os.environ[RAY_ADDRESS_VARIABLE]
    try:
        from ray._private.services import canonicalize_bootstrap_address
    except ImportError:  # (another Ray version: its own ray.init resolves it)
        return address
    try:
        return canonicalize_bootstrap_address(AUTO) or address
    except (ConnectionError, ValueError) as exc:  # none found; an unreadable record
        raise WorkbenchError(f"cannot connect to the Ray cluster at {AUTO}: {str(exc).splitlines()[0]}") from None


def _head_of(ray: Any) -> str:
    """HOST:PORT of the head node (Ray's GCS) this process is connected to; "" when Ray does not say (ray://)."""
    try:
        head = str(ray.get_runtime_context().gcs_address or "")
    except Exception:  # (a Ray Client session has no GCS of its own)
        return ""
    return head if head.rpartition(":")[2].isdigit() else ""


@contextlib.contextmanager
def ray_cluster(address: str | None, num_cpus: int | None = None,
                option: AddressOption = AddressOption()) -> Iterator[RayCluster]:
    """Ray connected for the ``with`` block: a private local instance (``address`` None) or a cluster (given by
    ``option``, which its sentences name)."""
    ray = require_ray()
    for key, value in _TUNE_ENV.items():
        os.environ.setdefault(key, value)
    if is_frozen():  # Ray starts its processes as sys.executable [-u] script.py: the bundle's kws runs them
        os.environ[FROZEN_PYTHON_MODE] = "1"
    options: dict[str, Any] = {"namespace": NAMESPACE, "log_to_driver": False, "include_dashboard": False,
                               "configure_logging": True, "logging_level": "ERROR"}
    head = resolved_address(address) if address else ""
    if address:
        check_reachable(head, AUTO_FOUND.format(option=option.name) if head != address else "", option)
    saved = _signal_handlers()
    try:
        if address:
            ray.init(address=head, **options)
        else:
            ray.init(num_cpus=num_cpus, **options)
    except ConnectionError as exc:
        hint = "" if address == AUTO else (" (a cluster with token authentication, the default of `ray start` "
                                            "since Ray 2.59, also needs RAY_AUTH_MODE=token and its token here: "
                                            f"see {doc_reference(SWEEPS)})")
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
        yield RayCluster(address or LOCAL, float(resources.get("CPU", 0.0)), nodes, _head_of(ray) if address else "")
    finally:
        _shut_down(ray)


_HANDLED = ("SIGINT", "SIGTERM", "SIGBREAK")
STDERR_FD = 2


def _shut_down(ray: Any) -> None:
    """``ray.shutdown`` with the stop signals held: the first one goes to the caller's handler once Ray has shut
    down, a second one ends the process at once (see the module docstring)."""
    saved = _signal_handlers()
    held: list[int] = []

    def hold(signum: int, _frame: FrameType | None) -> None:
        if held:  # (no print: the main thread may be inside a write to the same stream)
            os.write(STDERR_FD, STOPPED_DURING_SHUTDOWN.encode())
            os._exit(EXIT_CANCELLED)
        held.append(signum)

    _restore({signum: hold for signum, handler in saved.items() if handler not in (None, signal.SIG_IGN)})
    try:
        ray.shutdown()
    finally:
        _restore(saved)
    for signum in held:
        signal.raise_signal(signum)


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
