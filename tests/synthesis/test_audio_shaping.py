"""Prosody by resampling, trimming and placing words in clips, room effects and generated noise, measured
on signals whose right answer is known (tones, bursts, spectra)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.synthesis.clip_placement import PlacementError, PlacementSettings, pcm16, place_word, speech_span
from workbench.synthesis.engines.base import Speech, SpeakRequest, Voice
from workbench.synthesis.engines.espeak_engine import EspeakEngine
from workbench.synthesis.engines.festival_engine import FestivalEngine
from workbench.synthesis.engines.flite_engine import FliteEngine
from workbench.synthesis.noise import at_level, babble, coloured_noise, generated_noise
from workbench.synthesis.prosody import pitch_factor, plan_prosody, resample_speech
from workbench.synthesis.room_effects import RoomSettings, apply_room

RATE = 16000


def tone(freq: float, seconds: float, rate: int = RATE, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def dominant_hz(x: np.ndarray, rate: int = RATE) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    return float(np.fft.rfftfreq(x.size, 1 / rate)[int(np.argmax(spectrum))])


def burst(before_s: float, word_s: float, after_s: float) -> np.ndarray:
    return np.concatenate((np.zeros(int(before_s * RATE), np.float32), tone(300, word_s),
                           np.zeros(int(after_s * RATE), np.float32)))


# -- prosody --------------------------------------------------------------------------------------

def test_prosody_splits_between_engine_and_resampling() -> None:
    request = SpeakRequest("yes", rate=1.2, pitch_semitones=2.0)
    espeak = plan_prosody(EspeakEngine(), Voice("espeak", "m3", "espeak-m3"), request)
    assert espeak.speed_factor == 1.0 and espeak.request.rate == 1.2 and espeak.request.pitch_semitones == 2.0
    flite = plan_prosody(FliteEngine(), Voice("flite", "slt", "slt"), request)
    assert flite.speed_factor == pytest.approx(pitch_factor(2.0))
    assert flite.request.rate * flite.speed_factor == pytest.approx(1.2)  # the asked rate is kept
    hts = plan_prosody(FestivalEngine(), Voice("festival", "cmu_us_slt_arctic_hts", "slt"), request)
    assert hts.request.rate == 1.0 and hts.speed_factor == pytest.approx(1.2)  # rate only by resampling


def test_resampling_moves_pitch_and_duration_like_tape_speed() -> None:
    speech = Speech(tone(440, 1.0, 22050), 22050)
    shifted = resample_speech(speech, pitch_factor(12.0), RATE)  # one octave up
    assert shifted.size == pytest.approx(RATE / 2, abs=2)
    assert dominant_hz(shifted) == pytest.approx(880, abs=4)
    plain = resample_speech(speech, 1.0, RATE)
    assert plain.size == pytest.approx(RATE, abs=2) and dominant_hz(plain) == pytest.approx(440, abs=3)


# -- trimming and placement -----------------------------------------------------------------------

def test_speech_span_finds_the_word_with_its_pad() -> None:
    x = burst(0.4, 0.3, 0.5)
    start, end = speech_span(x, RATE, trim_db=35, pad_s=0.03)
    assert start == pytest.approx(0.37 * RATE, abs=0.011 * RATE)
    assert end == pytest.approx(0.73 * RATE, abs=0.011 * RATE)
    assert speech_span(np.zeros(RATE), RATE) == (0, 0)


def test_a_word_is_placed_inside_the_clip_at_a_random_level() -> None:
    settings = PlacementSettings(peak_dbfs=(-12.0, -6.0))
    starts = set()
    for seed in range(8):
        placed = place_word(burst(0.5, 0.4, 0.5), np.random.default_rng(seed), settings)
        assert placed.clip.size == settings.sample_length and placed.clip.dtype == np.float32
        margin = int(settings.margin_s * RATE)
        assert margin <= placed.start < placed.end <= settings.sample_length - margin
        level = 20 * np.log10(np.max(np.abs(placed.clip)))
        assert -12.01 <= level <= -5.99
        inside = np.abs(placed.clip[placed.start:placed.end]).max()
        outside = max(np.abs(placed.clip[:placed.start]).max(initial=0),
                      np.abs(placed.clip[placed.end:]).max(initial=0))
        assert inside > 0 and outside == 0
        starts.add(placed.start)
    assert len(starts) > 4  # a random offset, not a fixed one
    pcm = pcm16(placed.clip)
    assert pcm.dtype == np.int16 and np.max(np.abs(pcm)) == pytest.approx(np.max(np.abs(placed.clip)) * 32767, abs=1)


def test_long_words_are_sped_up_a_little_or_rejected() -> None:
    settings = PlacementSettings()
    placed = place_word(tone(300, 1.1), np.random.default_rng(0), settings)
    assert placed.speedup > 1.0 and placed.end - placed.start <= settings.usable_length
    with pytest.raises(PlacementError, match="too long"):
        place_word(tone(300, 1.6), np.random.default_rng(0), settings)
    with pytest.raises(PlacementError, match="silent"):
        place_word(np.zeros(RATE, np.float32), np.random.default_rng(0), settings)


def test_clip_length_follows_the_model() -> None:
    settings = PlacementSettings(sample_length=24000)
    assert place_word(burst(0.1, 0.5, 0.1), np.random.default_rng(1), settings).clip.size == 24000


# -- room effects ---------------------------------------------------------------------------------

def test_room_effects_off_leave_the_clip_alone() -> None:
    clip = place_word(burst(0.2, 0.3, 0.2), np.random.default_rng(0)).clip
    assert np.array_equal(apply_room(clip, RATE, np.random.default_rng(0), RoomSettings.off()), clip)


def test_room_reverb_adds_a_tail_and_the_floor_adds_noise() -> None:
    clip = np.zeros(RATE, np.float32)
    clip[4000:6000] = tone(500, 0.125)
    always = RoomSettings(room_probability=1.0, mic_probability=1.0, noise_probability=0.0, rt60_s=(0.5, 0.5),
                          direct_to_reverb_db=(0.0, 0.0))
    wet = apply_room(clip, RATE, np.random.default_rng(3), always)
    assert wet.size == clip.size
    assert np.max(np.abs(wet)) == pytest.approx(np.max(np.abs(clip)), rel=0.02)
    tail = wet[6500:9000]
    assert np.sqrt(np.mean(tail ** 2)) > 1e-3  # the room rings on after the word
    floor = RoomSettings(room_probability=0.0, mic_probability=0.0, noise_probability=1.0,
                         noise_floor_dbfs=(-60.0, -60.0))
    quiet = apply_room(np.zeros(RATE, np.float32), RATE, np.random.default_rng(4), floor)
    assert 20 * np.log10(np.sqrt(np.mean(quiet.astype(np.float64) ** 2))) == pytest.approx(-60, abs=0.5)


# -- noise ----------------------------------------------------------------------------------------

def _slope(x: np.ndarray) -> float:
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / RATE)
    band = (freqs > 100) & (freqs < 6000)
    return float(np.polyfit(np.log10(freqs[band]), np.log10(power[band]), 1)[0])


@pytest.mark.parametrize("kind, exponent", [("white", 0.0), ("pink", -1.0), ("brown", -2.0)])
def test_coloured_noise_has_its_spectrum_and_level(kind: str, exponent: float) -> None:
    x = generated_noise(kind, 4.0, RATE, np.random.default_rng(0))
    assert _slope(x) == pytest.approx(exponent, abs=0.15)
    assert 20 * np.log10(np.sqrt(np.mean(x.astype(np.float64) ** 2))) == pytest.approx(-20, abs=0.2)


@pytest.mark.parametrize("kind, hz", [("hum_50hz", 50.0), ("hum_60hz", 60.0)])
def test_mains_hum_is_at_the_mains_frequency(kind: str, hz: float) -> None:
    x = generated_noise(kind, 2.0, RATE, np.random.default_rng(1))
    assert dominant_hz(x) == pytest.approx(hz, abs=1.0)


def test_babble_mixes_several_talkers_to_the_level() -> None:
    words = [tone(f, 0.3) for f in (200, 330, 470)]
    x = babble(words, 3 * RATE, talkers=4, sample_rate=RATE, rng=np.random.default_rng(2))
    assert x.size == 3 * RATE
    assert 20 * np.log10(np.sqrt(np.mean(x.astype(np.float64) ** 2))) == pytest.approx(-20, abs=0.2)
    assert np.mean(np.abs(x) > 1e-4) > 0.8  # talkers overlap: hardly any gap is silent
    assert not babble([], RATE, 3, RATE, np.random.default_rng(0)).any()
    assert not at_level(np.zeros(10), -20).any()
    assert coloured_noise(RATE, 1.0, RATE, np.random.default_rng(5)).dtype == np.float32
