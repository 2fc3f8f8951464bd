"""Preallocated single-producer/single-consumer ring buffer for audio samples.

Why it exists: the PortAudio callback runs on a real-time thread and must not allocate sample buffers,
take locks that the GUI/engine thread may hold, or do any processing. It only copies the block it was
given into this ring; the consumer (engine/reader thread) pulls whatever has arrived.

Overflow policy: **drop the newest**. When the reader falls behind and the ring is full, the part of an
incoming block that does not fit is discarded and counted (``overflows`` = write calls that had to drop,
``dropped`` = samples discarded). Dropping the oldest instead would require the writer to move the
reader's cursor, i.e. a lock shared with the reader; dropping the newest keeps each cursor owned by
exactly one thread, so the hot path needs no lock.

Thread safety without a lock (one writer thread + one reader thread):

* Two monotonic counters: ``_written`` is stored only by the writer, ``_read`` only by the reader.
  Sample ``k`` of the stream lives at slot ``k % capacity``.
* The writer copies samples into the free region ``[_written, _read + capacity)`` and only *then*
  publishes the new ``_written``; the reader copies from ``[_read, _written)`` and only then publishes
  the new ``_read``. The two regions never overlap, so neither side ever touches slots the other is
  using, even while numpy releases the GIL during a copy.
* Each side reads the other's counter once (a snapshot). A stale snapshot only makes the writer see
  less free space, or the reader see fewer samples, than there really are: conservative, never wrong.
* Storing a Python int attribute is atomic in CPython (one reference store under the GIL, or a single
  atomic store in free-threaded builds), so a counter is never observed half-written. Python ints do
  not overflow, so the counters never wrap.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_BLOCK_NDIMS = (1, 2)  # a (frames,) mono block or (frames, channels) frames


class RingBuffer:
    """Fixed-capacity SPSC sample ring; ``channels > 1`` stores frames of shape ``(channels,)``."""

    def __init__(self, capacity: int, dtype: npt.DTypeLike = np.int16, channels: int = 1) -> None:
        if int(capacity) <= 0:
            raise ValueError(f"ring buffer capacity must be positive, got {capacity}")
        if int(channels) <= 0:
            raise ValueError(f"ring buffer channel count must be positive, got {channels}")
        self._capacity = int(capacity)
        self._channels = int(channels)
        self._buf = np.zeros((self._capacity, self._channels), dtype=dtype)
        self._written = 0  # stored by the writer only
        self._read = 0  # stored by the reader only
        self._dropped = 0  # writer only
        self._overflows = 0  # writer only

    # -- properties --------------------------------------------------------------------------
    @property
    def capacity(self) -> int:
        """Maximum number of frames held before the writer starts dropping."""
        return self._capacity

    @property
    def channels(self) -> int:
        return self._channels

    @property
    def dtype(self) -> np.dtype:
        return self._buf.dtype

    @property
    def available(self) -> int:
        """Frames written and not yet read (a snapshot; may grow immediately after)."""
        return self._written - self._read

    @property
    def total_written(self) -> int:
        """Frames accepted into the ring since creation/reset (the stream sample counter)."""
        return self._written

    @property
    def total_read(self) -> int:
        return self._read

    @property
    def overflows(self) -> int:
        """Number of ``write`` calls that could not store their whole block."""
        return self._overflows

    @property
    def dropped(self) -> int:
        """Frames discarded because the ring was full (never stored, not in ``total_written``)."""
        return self._dropped

    # -- producer ----------------------------------------------------------------------------
    def write(self, block: np.ndarray) -> int:
        """Copy ``block`` (``(n,)`` or ``(n, channels)``) in; return the number of frames stored.

        Real-time safe: no sample buffers are allocated (only array views), no lock, no I/O.
        Frames that do not fit are dropped (newest first) and counted.

        ``block`` must be a numpy array of the ring's own dtype: a cast here would turn float audio in [-1, 1]
        into silence and wrap wider integers, and converting would allocate on the audio callback's thread, so
        anything else raises TypeError (a block of more than two dimensions ValueError).
        """
        if not isinstance(block, np.ndarray) or block.dtype != self._buf.dtype:
            got = f"dtype {block.dtype}" if isinstance(block, np.ndarray) else type(block).__name__
            raise TypeError(f"ring buffer blocks must be numpy arrays of {self._buf.dtype} samples, got {got}")
        if block.ndim not in _BLOCK_NDIMS:
            raise ValueError(f"ring buffer blocks must be (frames,) or (frames, channels), got shape {block.shape}")
        n = block.shape[0]
        if n == 0:
            return 0
        src = block.reshape(n, -1)  # a view: (n,) -> (n, 1)
        if src.shape[1] != self._channels:
            raise ValueError(f"block has {src.shape[1]} channels, ring has {self._channels}")
        written = self._written
        free = self._capacity - (written - self._read)
        if n > free:
            self._overflows += 1
            self._dropped += n - free
            n = free
            if n == 0:
                return 0
        start = written % self._capacity
        first = min(n, self._capacity - start)
        self._buf[start:start + first] = src[:first]
        if first < n:
            self._buf[:n - first] = src[first:n]
        self._written = written + n  # publish only after the copy is complete
        return n

    # -- consumer ----------------------------------------------------------------------------
    def read(self, max_n: int | None = None) -> np.ndarray:
        """Return (a new array of) up to ``max_n`` frames in arrival order; all available if None.

        The result is ``(n,)`` for a mono ring and ``(n, channels)`` otherwise; empty when nothing
        has arrived. Never blocks.
        """
        read = self._read
        n = self._written - read
        if max_n is not None:
            n = max(0, min(n, int(max_n)))
        out = np.empty((n, self._channels), dtype=self._buf.dtype)
        if n:
            start = read % self._capacity
            first = min(n, self._capacity - start)
            out[:first] = self._buf[start:start + first]
            if first < n:
                out[first:] = self._buf[:n - first]
            self._read = read + n  # release the slots only after copying them out
        return out[:, 0] if self._channels == 1 else out

    def discard(self, max_n: int | None = None) -> int:
        """Skip up to ``max_n`` available frames without copying; return how many were skipped."""
        n = self._written - self._read
        if max_n is not None:
            n = max(0, min(n, int(max_n)))
        self._read += n
        return n

    def reset(self) -> None:
        """Forget everything. Only call when no writer is active (e.g. before a stream starts)."""
        self._written = self._read = self._dropped = self._overflows = 0
