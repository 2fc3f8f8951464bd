"""BlockEnvelope: the [min, max] of each whole block and the clipped count, however the stream is chunked and
whether measured every chunk (a view draws it) or a batch at a time (only the statistics read it)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.assets import sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.audio.block_envelope import INT16_FULL_SCALE, BlockEnvelope

BLOCK = 160  # 10 ms at 16 kHz, as the live session measures
SECOND = 16000
CHUNKINGS = ((320,), (7, 500, 1, 333), (SECOND * 3,))  # a sound card's 20 ms; irregular; one large read


def chunks(samples: np.ndarray, sizes: tuple[int, ...]) -> list[np.ndarray]:
    found, pos, turn = [], 0, 0
    while pos < samples.size:
        size = sizes[turn % len(sizes)]
        found.append(samples[pos:pos + size])
        pos, turn = pos + size, turn + 1
    return found


def whole_blocks(samples: np.ndarray) -> np.ndarray:
    blocks = samples[: samples.size // BLOCK * BLOCK].reshape(-1, BLOCK)
    return np.stack((blocks.min(axis=1), blocks.max(axis=1)), axis=1)


@pytest.fixture(scope="module")
def loud() -> np.ndarray:
    """The sample played 8 times louder, clipped as a linear gain clips it: some blocks reach full scale."""
    samples = load_audio(sample_audio_path()).samples.astype(np.int32) * 8
    return np.clip(samples, -INT16_FULL_SCALE - 1, INT16_FULL_SCALE).astype(np.int16)


def measured(envelope: BlockEnvelope, parts: list[np.ndarray]) -> np.ndarray:
    pairs = [envelope.feed(part) for part in parts] + [envelope.flush()]
    return np.concatenate(pairs)


@pytest.mark.parametrize("sizes", CHUNKINGS)
@pytest.mark.parametrize("batch", [0, SECOND])
def test_pairs_and_clipped_count_do_not_depend_on_chunks_or_batches(loud: np.ndarray, sizes: tuple[int, ...],
                                                                     batch: int) -> None:
    expected = whole_blocks(loud)
    clipped = int(np.count_nonzero((expected[:, 1] >= INT16_FULL_SCALE) | (expected[:, 0] <= -INT16_FULL_SCALE)))
    assert clipped > 0 and clipped < expected.shape[0]  # the stream clips somewhere, not everywhere
    envelope = BlockEnvelope(BLOCK, batch)
    pairs = measured(envelope, chunks(loud, sizes))
    assert pairs.dtype == np.int16
    np.testing.assert_array_equal(pairs, expected)
    assert envelope.clipped == clipped


def test_measured_every_chunk_a_view_gets_each_block_as_soon_as_it_is_whole() -> None:
    envelope = BlockEnvelope(BLOCK)
    ramp = np.arange(-200, 280, dtype=np.int16)
    assert envelope.feed(ramp[:100]).shape == (0, 2)  # less than a block: it waits
    np.testing.assert_array_equal(envelope.feed(ramp[100:330]), [[-200, -41], [-40, 119]])
    assert envelope.flush().shape == (0, 2)  # 10 samples left: never a partial block
    np.testing.assert_array_equal(envelope.feed(ramp[330:]), [[120, 279]])


def test_a_batch_waits_for_its_samples_and_keeps_its_own_copy() -> None:
    envelope = BlockEnvelope(BLOCK, batch_samples=4 * BLOCK)
    chunk = np.full(BLOCK, INT16_FULL_SCALE, np.int16)
    assert envelope.feed(chunk).shape == (0, 2)
    chunk[:] = 0  # a source reusing its buffer must not change what the batch measures
    assert envelope.feed(chunk).shape == (0, 2) and envelope.clipped == 0
    assert envelope.feed(np.full(2 * BLOCK, -INT16_FULL_SCALE - 1, np.int16)).tolist() == [
        [INT16_FULL_SCALE, INT16_FULL_SCALE], [0, 0], [-32768, -32768], [-32768, -32768]]
    assert envelope.clipped == 3


def test_a_block_needs_samples() -> None:
    with pytest.raises(ValueError, match="at least one sample"):
        BlockEnvelope(0)
