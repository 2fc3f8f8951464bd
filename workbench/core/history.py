"""Fixed-size histories the engine worker writes and the GUI timer reads.

Why not the audio :class:`~workbench.core.audio.ring_buffer.RingBuffer`: that ring is consumed (each sample read
once) and drops the newest on overflow, which is right for audio. A view instead wants the *last minute*
(scroll back, redraw after a resize) and everything new since its previous frame; old rows fall off. Rows
are numbered from 0 for the whole session, so a reader keeps a cursor and asks for what came after it.
The lock is held only for one numpy copy, never across processing.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

T = TypeVar("T")


class RowHistory:
    """The last ``capacity`` rows of width ``width`` (e.g. spectrogram rows or score vectors)."""

    def __init__(self, capacity: int, width: int, dtype: npt.DTypeLike, fill: float = 0) -> None:
        if capacity <= 0 or width <= 0:
            raise ValueError(f"history needs positive capacity and width, got {capacity}x{width}")
        self._rows = np.full((capacity, width), fill, dtype=dtype)
        self._total = 0
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        return self._rows.shape[0]

    @property
    def width(self) -> int:
        return self._rows.shape[1]

    @property
    def total(self) -> int:
        """Rows appended since the session started (the next row's number)."""
        return self._total

    def append(self, rows: npt.ArrayLike) -> None:
        block = np.asarray(rows, dtype=self._rows.dtype).reshape(-1, self.width)
        if block.shape[0] > self.capacity:
            skipped = block.shape[0] - self.capacity
            block = block[-self.capacity :]
        else:
            skipped = 0
        with self._lock:
            start = (self._total + skipped) % self.capacity
            first = min(block.shape[0], self.capacity - start)
            self._rows[start : start + first] = block[:first]
            self._rows[: block.shape[0] - first] = block[first:]
            self._total += skipped + block.shape[0]

    def since(self, cursor: int, limit: int | None = None) -> tuple[np.ndarray, int]:
        """Rows numbered ``cursor`` and later still held (oldest first), and the new cursor."""
        with self._lock:
            total = self._total
            start = max(cursor, total - self.capacity, 0)
            if limit is not None:
                start = max(start, total - limit)
            count = max(total - start, 0)
            index = (np.arange(start, start + count) % self.capacity) if count else np.empty(0, np.int64)
            return self._rows[index].copy(), total

    def latest(self, count: int) -> np.ndarray:
        """The newest ``count`` rows held (fewer at the start of a session)."""
        rows, _ = self.since(0, limit=count)
        return rows

    def clear(self) -> None:
        with self._lock:
            self._total = 0
            self._rows[:] = 0


class EventLog(Generic[T]):
    """An append-only list of events (detections, messages) readable by cursor from another thread."""

    def __init__(self, limit: int = 10_000) -> None:
        self._items: list[T] = []
        self._dropped = 0
        self._limit = limit
        self._lock = threading.Lock()

    def append(self, item: T) -> None:
        with self._lock:
            self._items.append(item)
            if len(self._items) > self._limit:
                excess = len(self._items) - self._limit
                del self._items[:excess]
                self._dropped += excess

    @property
    def total(self) -> int:
        return self._dropped + len(self._items)

    def since(self, cursor: int) -> tuple[list[T], int]:
        with self._lock:
            start = max(cursor - self._dropped, 0)
            return list(self._items[start:]), self._dropped + len(self._items)

    def all(self) -> list[T]:
        with self._lock:
            return list(self._items)

    def last(self) -> T | None:
        """The newest event, or None (cheap: for indicators polled while streaming)."""
        with self._lock:
            return self._items[-1] if self._items else None

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._dropped = 0
