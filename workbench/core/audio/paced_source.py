"""Sources whose samples are computed, not captured: paced by a clock (real time) or not at all (fast).

Why no thread: a file or generator already has all its samples, so "real time" only means *how many
of them the consumer may take by now*. That number is derived on each call from a monotonic clock:

    available = anchor_count + whole chunks elapsed since anchor_time      (real time, playing)
    available = anchor_count                                                (paused / stopped)
    available = unlimited, handed out one chunk per read                    (fast)

Every transport change (start, pause, resume, stop, seek, loop) re-anchors under one lock, so the
delivered stream is exact: a pause keeps what was already due, a resume continues with the next
sample, a seek makes the very next sample read the one at the new position. Samples become due in
whole chunks (``chunk_ms``), as a sound card delivers blocks. ``wait()`` sleeps on a condition that
transport changes notify, so the GUI's pause/seek take effect at once.

Every jump of delivery (a seek, a loop wrap) is noted in a
:class:`~workbench.core.audio.file_timeline.DeliveryTimeline`, so a delivered sample count maps back to the clip
position it came from (a detection's time in the file).
"""

from __future__ import annotations

import math
import threading
import time
from abc import abstractmethod

import numpy as np

from workbench.core.audio.file_timeline import DeliveryTimeline
from workbench.core.audio.source_base import DELIVERY_RATE, AudioSource
from workbench.core.errors import SettingsError

DEFAULT_CHUNK_MS = 20  # one spectrogram hop: half the wake-ups of 10 ms, same results
MS_PER_S = 1000


class PacedSource(AudioSource):
    """Base for file and synthetic sources: ``_length`` samples (None = endless) made by ``_produce``."""

    def __init__(self, name: str, length: int | None, realtime: bool = True, loop: bool = False,
                 chunk_ms: int = DEFAULT_CHUNK_MS, sample_rate: int = DELIVERY_RATE) -> None:
        super().__init__(name)
        if int(sample_rate) <= 0:
            raise SettingsError(f"sample rate must be a positive number of Hz, got {sample_rate}")
        self.sample_rate = int(sample_rate)
        if int(chunk_ms) <= 0:
            raise SettingsError(f"chunk length must be a positive number of milliseconds, got {chunk_ms}")
        self._length = length
        self._realtime = bool(realtime)
        self._loop = bool(loop)
        self._chunk = max(1, int(chunk_ms) * self.sample_rate // MS_PER_S)
        self._cond = threading.Condition()
        self._pos = 0  # index of the next sample to deliver
        self._started = False
        self._paused = False
        self._delivered = 0  # samples delivered since creation (the consumer's timeline)
        self._timeline = DeliveryTimeline()  # where in the clip each delivered sample came from
        self._anchor_count = 0  # timeline count that was due at _anchor_time
        self._anchor_time = 0.0

    # -- subclass hook ------------------------------------------------------------------------
    @abstractmethod
    def _produce(self, pos: int, n: int) -> np.ndarray:
        """``n`` int16 samples starting at ``pos`` (``pos + n <= _length`` when finite)."""

    # -- clock --------------------------------------------------------------------------------
    @property
    def _running(self) -> bool:
        return self._started and not self._paused

    def _due(self, now: float) -> float:
        """Timeline count the consumer may have read by ``now`` (caller holds the lock)."""
        if not self._running:
            return self._anchor_count
        if not self._realtime:
            return math.inf
        chunks = int((now - self._anchor_time) * self.sample_rate) // self._chunk
        return self._anchor_count + chunks * self._chunk

    def _freeze(self) -> None:
        """Keep what is due now (realtime) or nothing more (fast); caller holds the lock."""
        due = self._due(time.monotonic())
        self._anchor_count = self._delivered if math.isinf(due) else int(due)

    def _restart_clock(self, forget_due: bool) -> None:
        """Anchor the clock at now (after a freeze); ``forget_due`` drops samples due but unread."""
        if forget_due:
            self._anchor_count = self._delivered
        self._anchor_time = time.monotonic()
        self._cond.notify_all()

    def _left_in_clip(self) -> float:
        if self._length is None:
            return math.inf
        if self._loop:
            return math.inf if self._length > 0 else 0
        return max(0, self._length - self._pos)

    def _readable(self, now: float, max_samples: int | None) -> int:
        """How many samples a read may return now (fast mode: one chunk unless told otherwise)."""
        due = self._due(now) - self._delivered
        if math.isinf(due) and max_samples is None:
            due = self._chunk
        cap = math.inf if max_samples is None else max_samples
        return int(max(0, min(due, self._left_in_clip(), cap)))

    # -- AudioSource ----------------------------------------------------------------------------
    def start(self) -> None:
        with self._cond:
            if self._started:
                return
            self._started = True
            self._restart_clock(forget_due=False)

    def stop(self) -> None:
        with self._cond:
            if self._started:
                self._freeze()
                self._started = False
            self._cond.notify_all()

    def _read_raw(self, max_samples: int | None) -> np.ndarray:
        with self._cond:
            n = self._readable(time.monotonic(), max_samples)
            if n <= 0:
                return np.empty(0, np.int16)
            pieces = []
            left = n
            while left > 0:
                if self._length is not None and self._pos >= self._length:
                    self._move_to(0)  # only reached when looping (_left_in_clip bounds the rest)
                take = left if self._length is None else min(left, self._length - self._pos)
                pieces.append(self._produce(self._pos, take))
                self._pos += take
                self._delivered += take
                left -= take
            if self._loop and self._length and self._pos >= self._length:
                self._move_to(0)
            return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)

    def _move_to(self, pos: int) -> None:
        """Continue delivery at clip sample ``pos`` (a seek, a loop wrap), noted in the timeline; caller holds the
        lock."""
        self._pos = pos
        self._timeline.jump(self._delivered, pos)

    def wait(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + max(0.0, float(timeout_s))
        with self._cond:
            while True:
                now = time.monotonic()
                if self._readable(now, None) > 0 or self.finished:
                    return True
                if now >= deadline:
                    return False
                wake = deadline
                if self._running and self._realtime:
                    elapsed_chunks = int((now - self._anchor_time) * self.sample_rate) // self._chunk
                    next_due = self._anchor_time + (elapsed_chunks + 1) * self._chunk / self.sample_rate
                    wake = min(wake, next_due)
                self._cond.wait(max(0.0, wake - now))

    @property
    def finished(self) -> bool:
        return self._length is not None and not self._loop and self._pos >= self._length

    @property
    def pending_samples(self) -> int:
        with self._cond:
            waiting = min(self._due(time.monotonic()) - self._delivered, self._left_in_clip())
            return self._chunk if math.isinf(waiting) else int(waiting)  # fast + endless: one chunk

    # -- transport --------------------------------------------------------------------------------
    @property
    def realtime(self) -> bool:
        return self._realtime

    @property
    def started(self) -> bool:
        return self._started

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        """Stop the clock; samples already due stay readable, nothing more becomes due."""
        with self._cond:
            if not self._paused:
                self._freeze()
                self._paused = True
            self._cond.notify_all()

    def resume(self) -> None:
        """Continue with the sample after the last one that was due when paused."""
        with self._cond:
            if self._paused:
                self._paused = False
                self._restart_clock(forget_due=False)

    @property
    def loop(self) -> bool:
        return self._loop

    @loop.setter
    def loop(self, value: bool) -> None:
        with self._cond:
            at_end = self.finished
            self._loop = bool(value)
            if at_end and self._loop:
                # the clock kept running after the end: do not burst out the time spent there
                self._move_to(0)
                self._restart_clock(forget_due=True)
            self._cond.notify_all()

    @property
    def position_samples(self) -> int:
        """Index of the next sample to be read."""
        return self._pos

    def _seek_samples(self, pos: int) -> None:
        """Make sample ``pos`` the next one read; what was due but unread is dropped."""
        with self._cond:
            if self._length is not None:
                pos = min(pos, self._length)
            self._move_to(max(0, int(pos)))
            self._restart_clock(forget_due=True)

    @property
    def delivered_samples(self) -> int:
        """Samples delivered since creation, jumps and wraps included (the consumer's timeline)."""
        with self._cond:
            return self._delivered

    def _position_after(self, delivered: int) -> int:
        """Clip position just after the ``delivered``-th delivered sample (see :class:`DeliveryTimeline`)."""
        with self._cond:
            return self._timeline.position_after(delivered)
