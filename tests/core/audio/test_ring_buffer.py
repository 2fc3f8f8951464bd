"""RingBuffer: wrap-around, drop-newest overflow accounting, and an exact stream across two threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from workbench.core.audio.ring_buffer import RingBuffer


def test_wraps_around_and_keeps_order() -> None:
    ring = RingBuffer(8)
    assert ring.write(np.arange(6, dtype=np.int16)) == 6
    assert ring.read(4).tolist() == [0, 1, 2, 3]
    # 6 more: slots 6, 7 then wrap to 0..3
    assert ring.write(np.arange(6, 12, dtype=np.int16)) == 6
    assert ring.available == 8
    assert ring.read().tolist() == [4, 5, 6, 7, 8, 9, 10, 11]
    assert ring.available == 0
    assert ring.read().size == 0
    assert ring.total_written == ring.total_read == 12


def test_overflow_drops_newest_and_counts() -> None:
    ring = RingBuffer(5)
    assert ring.write(np.arange(3, dtype=np.int16)) == 3
    assert ring.write(np.arange(3, 7, dtype=np.int16)) == 2  # only 3, 4 fit
    assert ring.write(np.array([99], dtype=np.int16)) == 0  # full: all dropped
    assert ring.overflows == 2
    assert ring.dropped == 2 + 1
    assert ring.read().tolist() == [0, 1, 2, 3, 4]  # the oldest samples survive
    assert ring.write(np.array([7, 8], dtype=np.int16)) == 2
    assert ring.read().tolist() == [7, 8]
    assert ring.overflows == 2


def test_multichannel_frames_and_discard() -> None:
    ring = RingBuffer(4, channels=2)
    block = np.array([[1, -1], [2, -2], [3, -3]], dtype=np.int16)
    ring.write(block)
    assert ring.discard(1) == 1
    out = ring.read()
    assert out.shape == (2, 2)
    assert out.tolist() == [[2, -2], [3, -3]]
    with pytest.raises(ValueError):
        ring.write(np.zeros(3, np.int16))  # mono block into a stereo ring


def test_read_returns_a_copy_not_a_view() -> None:
    ring = RingBuffer(4)
    ring.write(np.array([1, 2], dtype=np.int16))
    out = ring.read()
    ring.write(np.array([3, 4, 5, 6], dtype=np.int16))  # overwrites the slots `out` came from
    assert out.tolist() == [1, 2]


def test_threads_deliver_the_exact_stream() -> None:
    """A writer with uneven blocks and a reader with uneven reads through a small ring: no drops
    (the writer waits for space, as a test of the data path), so the concatenation is the source."""
    rng = np.random.default_rng(1)
    source = rng.integers(-32768, 32767, size=200_000, dtype=np.int16)
    ring = RingBuffer(1024)
    received: list[np.ndarray] = []
    done = threading.Event()

    def writer() -> None:
        pos = 0
        sizes = np.random.default_rng(2).integers(1, 300, size=10_000)
        i = 0
        while pos < source.size:
            n = min(int(sizes[i % sizes.size]), source.size - pos)
            i += 1
            block = source[pos:pos + n].copy()  # the callback gets a fresh buffer each time
            while ring.capacity - ring.available < n:
                threading.Event().wait(0)  # yield until the reader made room
            assert ring.write(block) == n
            pos += n
        done.set()

    def reader() -> None:
        sizes = np.random.default_rng(3).integers(1, 500, size=10_000)
        i = 0
        while not (done.is_set() and ring.available == 0):
            chunk = ring.read(int(sizes[i % sizes.size]))
            i += 1
            if chunk.size:
                received.append(chunk)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive()
    stream = np.concatenate(received)
    assert ring.overflows == 0 and ring.dropped == 0
    assert stream.shape == source.shape
    assert np.array_equal(stream, source)


def test_partial_block_keeps_its_head_when_the_ring_fills() -> None:
    """Drop-newest: a block that half fits keeps its first samples, in order after the earlier ones."""
    ring = RingBuffer(64)
    assert ring.write(np.full(40, 0, dtype=np.int16)) == 40
    assert ring.write(np.arange(100, 140, dtype=np.int16)) == 24  # only 24 of 40 fit
    assert ring.read().tolist() == [0] * 40 + list(range(100, 124))
    assert ring.dropped == 16 and ring.overflows == 1


def test_invalid_sizes() -> None:
    with pytest.raises(ValueError):
        RingBuffer(0)
    with pytest.raises(ValueError):
        RingBuffer(4, channels=0)


@pytest.mark.parametrize("block,error,match", [
    (np.array([0.5, -0.25]), TypeError, "int16 samples, got dtype float64"),  # would be stored as zeros
    (np.array([70000], np.int32), TypeError, "dtype int32"),  # would wrap
    ([1, 2, 3], TypeError, "got list"),
    (np.zeros((2, 1, 1), np.int16), ValueError, "shape"),
])
def test_blocks_that_would_be_cast_are_refused(block, error, match) -> None:
    ring = RingBuffer(8)
    with pytest.raises(error, match=match):
        ring.write(block)
    assert ring.total_written == 0 and ring.overflows == 0
