"""MLTK's trim-then-pad of a clip, on signals whose answer can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.datasets.clip_length import fit_length, sound_span


def block(before: int, loud: int, after: int, level: int = 3000) -> np.ndarray:
    return np.r_[np.zeros(before), np.full(loud, level), np.zeros(after)].astype(np.int16)


def test_trim_by_hand() -> None:
    # Frames are 2048 samples centred every 512 (frame k covers [512k - 1024, 512k + 1024)). With a constant
    # block on [8000, 11000) a frame's power is proportional to its overlap with the block, the loudest
    # overlap is 2048, and -20 dB is an overlap above 20.48 samples: the first such frame is k = 14
    # ([6144, 8192), overlap 192), the last k = 23 ([10752, 12800), overlap 248). So the sound spans
    # 14 * 512 = 7168 to (23 + 1) * 512 = 12288.
    assert sound_span(block(8000, 3000, 9000), 20) == (7168, 12288)
    # A block on [7670, 10670): frame 13 ([5632, 7680)) overlaps it by 10 samples -- below the 20.48 of
    # -20 dB, above the 0.2048 of -40 dB; the last frame touching it is 22 ([10240, 12288)).
    assert sound_span(block(7670, 3000, 9330), 20) == (14 * 512, 23 * 512)
    assert sound_span(block(7670, 3000, 9330), 40) == (13 * 512, 23 * 512)


def test_silence_and_degenerate_clips_are_kept_whole() -> None:
    assert sound_span(np.zeros(16000, np.int16)) == (0, 16000)  # every frame equals the loudest
    assert sound_span(np.zeros(0, np.int16)) == (0, 0)
    assert sound_span(block(100, 100, 100), 0) == (0, 300)  # 0 dB: trimming disabled


def test_short_clips_start_at_the_sound_and_are_zero_padded() -> None:
    clip = block(8000, 3000, 9000)
    out = fit_length(clip, 16000)
    assert out.dtype == np.int16 and out.size == 16000
    assert np.array_equal(out[:12288 - 7168], clip[7168:12288]) and not out[12288 - 7168:].any()
    late = fit_length(clip, 16000, offset=1.0)  # all the padding before
    assert np.array_equal(late[-(12288 - 7168):], clip[7168:12288]) and not late[:16000 - 5120].any()


def test_long_clips_are_cropped_at_the_offset() -> None:
    noise = np.random.default_rng(1).integers(-3000, 3000, 20000).astype(np.int16)  # loud everywhere
    assert np.array_equal(fit_length(noise, 16000), noise[:16000])
    assert np.array_equal(fit_length(noise, 16000, offset=0.5), noise[2000:18000])
    assert np.array_equal(fit_length(noise, 16000, trim_db=0, offset=1.0), noise[4000:])


@pytest.mark.parametrize("length", [16000, 8000])
def test_untrimmed_fit_keeps_a_full_length_clip(length: int) -> None:
    clip = block(2000, 12000, 2000)
    assert np.array_equal(fit_length(clip, 16000, trim_db=0), clip)
    assert fit_length(clip, length, trim_db=0).size == length
