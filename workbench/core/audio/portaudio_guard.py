"""PortAudio calls that may hang, run so that the caller never waits longer than a bound.

Why: PortAudio's ALSA host API talks to the sound server (PulseAudio, PipeWire) synchronously. When that
server stalls (stopped, swapped out, deadlocked) ``Pa_AbortStream``/``Pa_CloseStream``, opening a stream
and re-initialising PortAudio block until it answers again -- minutes, or forever. On the caller's thread
that froze the GUI and made ``kws detect --mic`` deaf to Ctrl+C (a thread inside a C call never sees the
signal). So :func:`call_bounded` runs the call on a daemon thread and waits at most a few seconds; a call
that overruns is *given up*: the caller gets a :class:`AudioStalledError` at once, and the thread finishes
in the background whenever the server comes back (``cleanup`` then runs, e.g. closes a stream
nobody wants any more).

While a call is given up, PortAudio is busy in that thread: a new open would most likely hang too, and
re-initialising PortAudio under a running call is unsafe. :func:`check_responsive` therefore refuses at once
(one sentence, no thread pile-up) until the stalled call returns. And sounddevice's exit handler, which
terminates PortAudio and would hang on the stalled stream, is unregistered: the operating system releases
the device when the process ends.

All bounded calls run in order on one long-lived thread, "the PortAudio thread". Besides serialising
PortAudio (which is not thread-safe), that thread re-initialises PortAudio once before its first call:
PortAudio's ALSA host API records the host's own error text ("Input/output error") only for calls made on
the thread that initialised it, and a one-sentence error needs that text.
"""

from __future__ import annotations

import atexit
import queue
import sys
import threading
from typing import Callable, Generic, TypeVar

from workbench.core.errors import DeviceError

T = TypeVar("T")

STALLED_HINT = "is the sound server stalled?"


class AudioStalledError(DeviceError):
    """A PortAudio call did not return in time and was given up (it keeps running in the background)."""


class AudioBusyError(DeviceError):
    """A PortAudio call was refused because an earlier one is still stuck."""


class _Stalls:
    """How many given-up calls are still running, and whether one of them re-initialises PortAudio."""

    lock = threading.Lock()
    running = 0
    reinitialising = 0


def stalled_calls() -> int:
    """Given-up PortAudio calls that have not returned yet (0 once the sound server answered them)."""
    return _Stalls.running


def check_responsive(during_reinit_only: bool = False) -> None:
    """Raise AudioBusyError while an earlier PortAudio call is still stuck (see the module docstring).

    ``during_reinit_only``: refuse only while a stuck call re-initialises PortAudio (reading the device
    list is safe next to a stuck stream, but not next to a half-done re-initialisation)."""
    stuck = _Stalls.reinitialising if during_reinit_only else _Stalls.running
    if stuck:
        raise AudioBusyError(f"the audio system has not answered an earlier request yet ({STALLED_HINT})")


class OpenStreamCount:
    """How many PortAudio streams this process has open (PortAudio itself is process-global)."""

    _lock = threading.Lock()
    _count = 0

    @classmethod
    def opened(cls) -> None:
        with cls._lock:
            cls._count += 1

    @classmethod
    def closed(cls) -> None:
        with cls._lock:
            cls._count = max(0, cls._count - 1)

    @classmethod
    def value(cls) -> int:
        return cls._count


class _PortAudioThread:
    """The one thread that runs bounded calls, in order; started on first use."""

    lock = threading.Lock()
    jobs: queue.SimpleQueue[Callable[[], None]] | None = None

    @classmethod
    def submit(cls, job: Callable[[], None]) -> None:
        with cls.lock:
            if cls.jobs is None:
                cls.jobs = queue.SimpleQueue()
                cls.jobs.put(_adopt_portaudio)
                threading.Thread(target=cls._serve, args=(cls.jobs,), name="kws-portaudio", daemon=True).start()
            cls.jobs.put(job)

    @staticmethod
    def _serve(jobs: queue.SimpleQueue[Callable[[], None]]) -> None:
        while True:
            jobs.get()()


def _adopt_portaudio() -> None:
    """Re-initialise PortAudio on this thread (see the module docstring); never under an open stream."""
    sd = sys.modules.get("sounddevice")
    if sd is None or OpenStreamCount.value() > 0 or not getattr(sd, "_initialized", 0):
        return
    try:
        sd._terminate()
        sd._initialize()
    except Exception:  # noqa: BLE001 - keep the import-time initialisation; only error texts suffer
        pass


class _Outcome(Generic[T]):
    """What the worker thread produced, handed over under ``_Stalls.lock``."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.abandoned = False
        self.result: T | None = None
        self.error: BaseException | None = None


def call_bounded(call: Callable[[], T], timeout_s: float, stalled_message: str,
                 cleanup: Callable[[T | None], None] | None = None, refuse_when_stalled: bool = True,
                 reinitialises: bool = False) -> T:
    """``call()`` on the PortAudio thread: its result, its exception, or AudioStalledError after ``timeout_s``.

    ``cleanup(result)`` (``None`` when there is none) runs exactly once whenever the result does not
    reach the caller: the call raised, was refused, was interrupted (KeyboardInterrupt while waiting) or
    was given up -- then on the call's thread when it finally returns. So whatever the caller acquired
    for the call is released in every outcome but success. ``refuse_when_stalled`` fails at once
    (AudioBusyError) while another call is stuck; ``reinitialises`` marks a call that terminates and
    initialises PortAudio (nothing may read the device list meanwhile).
    """
    finish = cleanup or (lambda _result: None)
    if refuse_when_stalled:
        try:
            check_responsive()
        except AudioBusyError:
            finish(None)
            raise
    outcome: _Outcome[T] = _Outcome()

    def work() -> None:
        try:
            outcome.result = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, or dropped if it gave up
            outcome.error = exc
        with _Stalls.lock:
            late = outcome.abandoned
            if late:
                _Stalls.running -= 1
                _Stalls.reinitialising -= int(reinitialises)
            outcome.done.set()
        if late:
            finish(outcome.result if outcome.error is None else None)

    _PortAudioThread.submit(work)
    try:
        finished = outcome.done.wait(timeout_s)
    except BaseException:  # Ctrl+C while waiting: the caller will not take the result
        if not _give_up(outcome, reinitialises):
            finish(outcome.result if outcome.error is None else None)
        raise
    if not finished and _give_up(outcome, reinitialises):
        raise AudioStalledError(stalled_message)
    if outcome.error is not None:
        finish(None)
        raise outcome.error
    return outcome.result  # type: ignore[return-value]


def _give_up(outcome: _Outcome[T], reinitialises: bool) -> bool:
    """Mark a running call as given up; False if it finished meanwhile (then its outcome is used)."""
    with _Stalls.lock:
        if outcome.done.is_set():
            return False
        outcome.abandoned = True
        _Stalls.running += 1
        _Stalls.reinitialising += int(reinitialises)
    _skip_portaudio_exit_handler()
    return True


def _skip_portaudio_exit_handler() -> None:
    """sounddevice terminates PortAudio at exit, which would wait for the stuck call forever."""
    sd = sys.modules.get("sounddevice")
    handler = getattr(sd, "_exit_handler", None)
    if handler is not None:
        atexit.unregister(handler)
