"""Where in the file a file source's delivered samples came from: every delivered sample is checked against the clip
sample the mapping names (a clip whose samples are all different, so a wrong position cannot match by chance)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.audio.audio_file import AudioClip
from workbench.core.audio.file_source import FileSource
from workbench.core.audio.file_timeline import DeliveryTimeline
from workbench.core.audio.source_base import DELIVERY_RATE

CLIP_SAMPLES = 40_000  # 2.5 s at 16 kHz, fewer than int16 values: every sample is different
CHUNK_MS = 20
CHUNK = CHUNK_MS * DELIVERY_RATE // 1000


def distinct_clip(rate: int = DELIVERY_RATE) -> AudioClip:
    samples = (np.arange(CLIP_SAMPLES) - CLIP_SAMPLES // 2).astype(np.int16)
    samples.setflags(write=False)
    return AudioClip(samples, rate, rate, 1, "PCM_16")


def read(source: FileSource, n: int) -> np.ndarray:
    """``n`` samples (fast mode: one chunk per read, the last one cut to fit)."""
    parts, got = [], 0
    while got < n:
        part = source.read(min(CHUNK, n - got))
        assert part.size, "the source ran dry"
        parts.append(part)
        got += part.size
    return np.concatenate(parts)


def assert_every_sample_mapped(source: FileSource, delivered: np.ndarray) -> None:
    """The mapping names, for each delivered count, the clip sample that was delivered last."""
    assert source.delivered_samples == delivered.size
    ends = np.array([source.file_position_after(n) for n in range(1, delivered.size + 1)])
    np.testing.assert_array_equal(source.clip.samples[ends - 1], delivered)


def test_a_seek_maps_the_samples_after_it_to_the_new_place_and_those_before_to_the_old() -> None:
    source = FileSource(distinct_clip(), realtime=False)
    source.start()
    before = read(source, 1000)
    source.seek(2.0)
    after = read(source, 3000)
    source.seek(0.5)
    last = read(source, 500)
    assert_every_sample_mapped(source, np.concatenate((before, after, last)))
    assert source.file_position_after(1000) == 1000  # the end of what came before the seek, not its target
    assert source.file_position_after(1001) == 2 * DELIVERY_RATE + 1
    assert source.file_position_after(0) == 0


def test_loop_wraps_map_back_to_the_start_of_the_file() -> None:
    source = FileSource(distinct_clip(), realtime=False, loop=True)
    source.start()
    source.seek(2.0)
    played = read(source, 2 * CLIP_SAMPLES + 1234)  # two wraps, one of them in the middle of a read
    assert_every_sample_mapped(source, played)
    assert source.file_position_after(CLIP_SAMPLES - 2 * DELIVERY_RATE) == CLIP_SAMPLES  # the file's end


def test_pause_resume_and_seeks_while_paused_map_exactly() -> None:
    source = FileSource(distinct_clip(), realtime=False)
    source.start()
    first = read(source, 777)
    source.pause()
    assert source.read().size == 0
    source.seek(1.0)
    source.seek(1.5)  # the second seek before any sample replaces the first
    source.resume()
    second = read(source, 900)
    source.pause()
    source.resume()  # no jump: delivery goes on where it was
    third = read(source, 600)
    assert_every_sample_mapped(source, np.concatenate((first, second, third)))
    assert source.file_position_after(777 + 900 + 600) == round(1.5 * DELIVERY_RATE) + 1500


def test_a_file_decoded_at_another_rate_maps_in_its_own_samples() -> None:
    rate = 8000
    source = FileSource(distinct_clip(rate), realtime=False, sample_rate=rate)
    source.start()
    first = source.read(400)
    source.seek(3.0)
    second = source.read(400)
    assert_every_sample_mapped(source, np.concatenate((first, second)))
    assert source.file_position_after(401) == 3 * rate + 1


def test_the_oldest_jumps_are_forgotten_past_the_limit() -> None:
    timeline = DeliveryTimeline(max_breakpoints=3)
    for k in range(1, 6):
        timeline.jump(k * 10, k * 100)
    assert [(b.delivered, b.position) for b in timeline.breakpoints] == [(30, 300), (40, 400), (50, 500)]
    assert timeline.position_after(45) == 405 and timeline.position_after(60) == 510


@pytest.mark.parametrize("delivered", [0, -3])
def test_nothing_delivered_maps_to_where_delivery_starts(delivered: int) -> None:
    timeline = DeliveryTimeline()
    timeline.jump(0, 4321)
    assert timeline.position_after(delivered) == 4321
