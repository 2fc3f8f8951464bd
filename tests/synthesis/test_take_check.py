"""A recorded take is kept (cut to a clip around the word, with the room's own noise) or rejected with the
reason: silent, too quiet, clipped, too short, too long."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.core.audio.source_base import apply_gain, gain_overflow_count
from workbench.synthesis.take_check import TakeRules, centred_window, check_take

RATE = 16000


def take(word_s: float, amplitude: int, total_s: float = 2.5, at_s: float = 1.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 30, int(total_s * RATE))  # a quiet room
    t = np.arange(int(word_s * RATE)) / RATE
    start = int(at_s * RATE)
    x[start:start + t.size] += amplitude * np.sin(2 * np.pi * 220 * t) * np.hanning(t.size) ** 0.2
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def voiced_take(amplitude: int, word_s: float = 0.45, total_s: float = 2.5, at_s: float = 1.0) -> np.ndarray:
    """A voiced word (a 180 Hz buzz with harmonics) in a quiet room: its peaks are brief, as speech's are."""
    x = take(word_s, 0, total_s, at_s)
    t = np.arange(int(word_s * RATE)) / RATE
    buzz = sum(np.sin(2 * np.pi * 180 * k * t) / k for k in range(1, 6)) * np.hanning(t.size) ** 0.3
    start = int(at_s * RATE)
    x[start:start + t.size] += np.round(buzz * (amplitude / np.abs(buzz).max())).astype(np.int16)
    return x


def test_a_good_take_is_cut_around_the_word_with_its_room_noise() -> None:
    x = take(0.45, 12000)
    verdict = check_take(x)
    assert verdict.ok, verdict.reason
    assert verdict.clip is not None and verdict.clip.size == RATE and verdict.clip.dtype == np.int16
    loud = np.flatnonzero(np.abs(verdict.clip) > 3000)
    assert 0.2 * RATE < loud[0] and loud[-1] < 0.8 * RATE  # the word sits in the middle
    assert np.abs(verdict.clip[:1000]).max() > 0  # the room noise is kept, not zeros
    assert 0.4 < verdict.speech_s < 0.6 and -9 < verdict.peak_dbfs < -8


@pytest.mark.parametrize("samples, reason", [
    (np.zeros(RATE * 2, np.int16), "nothing was recorded"),
    (take(0.4, 150), "too quiet"),
    (take(0.4, 60000), "too loud"),
    (take(0.04, 12000), "too short"),
    (take(1.3, 12000), "too long"),
])
def test_bad_takes_are_rejected_with_the_reason(samples: np.ndarray, reason: str) -> None:
    verdict = check_take(samples)
    assert not verdict.ok and verdict.clip is None and reason in verdict.reason


def test_a_longer_model_clip_accepts_a_longer_word() -> None:
    assert check_take(take(1.3, 12000, total_s=3.0), TakeRules(sample_length=int(1.5 * RATE))).ok


def test_the_window_stays_inside_the_recording() -> None:
    x = np.arange(100, dtype=np.int16)
    assert np.array_equal(centred_window(x, 0, 4, 10), x[:10])
    assert np.array_equal(centred_window(x, 95, 100, 10), x[90:])
    short = centred_window(x[:4], 0, 4, 10)
    assert short.size == 10 and np.array_equal(short[3:7], x[:4])


def test_a_take_the_volume_gain_wrapped_is_rejected_though_its_samples_alone_pass() -> None:
    """The microphone's volume_gain 2, applied as the board applies it, wraps a loud word's peaks around: the take
    reads about -0 dBFS with hardly a sample at full scale, and only the source's count of those samples shows it."""
    spoken = voiced_take(20000)  # 0.61 of full scale at the microphone
    heard = apply_gain(spoken, 2.0, "firmware")
    wrapped = gain_overflow_count(spoken, 2.0, "firmware")
    assert wrapped > TakeRules().max_clipped_samples
    assert check_take(heard).ok  # the samples alone: a good take peaking at -0 dBFS
    verdict = check_take(heard, gain_overflows=wrapped)
    assert not verdict.ok and "too loud" in verdict.reason and "volume gain" in verdict.reason
    assert verdict.clipped_samples >= wrapped
    assert check_take(apply_gain(voiced_take(12000), 2.0, "firmware"), gain_overflows=0).ok  # in range: kept
