"""A stream's waveform envelope: the [min, max] of each whole block of samples, and how many blocks clipped.

The live session measures what the engine hears in blocks of 10 ms: the level meter draws the pairs, and the
statistics count the blocks that reached int16 full scale. A 20 ms chunk holds only two such blocks, so numpy's
cost per call, not the samples, is what measuring each chunk costs (a quarter of the engine's own work in
``kws detect`` on a long file). A session nothing draws only needs the count: it measures in batches
(``batch_samples``, e.g. a second of audio), a fiftieth of the calls for the same pairs and the same count, which
then lags by up to one batch.

Samples short of a whole block wait for the next chunk; :meth:`BlockEnvelope.flush` measures the whole blocks a
batch still holds (the end of a stream), never a partial block.
"""

from __future__ import annotations

import numpy as np

INT16_FULL_SCALE = 32767  # a block whose min or max reaches it (either sign) counts as clipped


class BlockEnvelope:
    """[min, max] int16 pairs of the whole ``block``-sample blocks of a stream fed chunk by chunk."""

    def __init__(self, block: int, batch_samples: int = 0) -> None:
        if block <= 0:
            raise ValueError(f"an envelope block must hold at least one sample, got {block}")
        self.block = block
        self._batch = max(block, batch_samples)  # measure once this many samples wait (a block: every chunk)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0
        self.clipped = 0  # blocks measured so far whose min or max reached full scale

    def feed(self, chunk: np.ndarray) -> np.ndarray:
        """The pairs of the blocks measured now (``(n, 2)`` int16, oldest first; none while a batch fills)."""
        if self._pending_size + chunk.size < self._batch:
            if chunk.size:
                self._pending.append(chunk.copy())  # the caller's array may be reused before the batch is due
                self._pending_size += chunk.size
            return np.empty((0, 2), np.int16)
        return self._measure(chunk)

    def flush(self) -> np.ndarray:
        """The pairs of the whole blocks still waiting (a partial block keeps waiting)."""
        return self._measure(np.empty(0, np.int16))

    def _measure(self, chunk: np.ndarray) -> np.ndarray:
        data = np.concatenate((*self._pending, chunk)) if self._pending else chunk
        whole = data.size // self.block * self.block
        rest = data[whole:]
        self._pending = [rest.copy()] if rest.size else []
        self._pending_size = rest.size
        blocks = data[:whole].reshape(-1, self.block)
        pairs = np.empty((blocks.shape[0], 2), np.int16)
        if blocks.shape[0]:
            blocks.min(axis=1, out=pairs[:, 0])
            blocks.max(axis=1, out=pairs[:, 1])
            self.clipped += int(np.count_nonzero((pairs[:, 1] >= INT16_FULL_SCALE)
                                                 | (pairs[:, 0] <= -INT16_FULL_SCALE)))
        return pairs
