"""Augmentation and features: MLTK's trimming and placement, stretch and pitch, repeatable workers."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from workbench.core.audio.audio_file import load_audio
from workbench.core.frontend import MicroFrontend
from workbench.core.frontend_settings import FrontendSettings
from workbench.datasets.clip_length import fit_length as evaluation_fit_length
from workbench.datasets.clip_length import sound_span
from workbench.training.data.audio_effects import fit_length, pitch_shift, time_stretch, trim_silence
from workbench.training.data.augmentation import INT16_SCALE, Transform, apply_transform, to_int16
from workbench.training.data.features import NO_AUGMENTATION_EPOCH, FeatureMaker, FeatureSettings
from workbench.training.data.sample_plan import Sample
from workbench.training.spec import AugmentationSettings

RATE = 16000


def _tone(freq: float, seconds: float = 1.0, level: float = 0.5) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _peak_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    return float(np.fft.rfftfreq(x.size, 1 / RATE)[np.argmax(spectrum)])


def test_trimming_matches_the_evaluation_packages_independent_implementation(shared_dir: Path) -> None:
    clips = sorted((shared_dir / "datasets" / "speech_commands" / "yes").glob("*.wav"))[:20]
    for clip in clips:
        samples = load_audio(clip).samples
        start, end = sound_span(samples, 20.0)
        trimmed = trim_silence(samples.astype(np.float32) / INT16_SCALE, 20.0)
        assert trimmed.size == end - start
        assert np.array_equal(to_int16(trimmed), samples[start:end])
        placed = to_int16(fit_length(samples.astype(np.float32) / INT16_SCALE, RATE, 0.0, 20.0))
        assert np.array_equal(placed, evaluation_fit_length(samples, RATE, offset=0.0, trim_db=20.0))


def test_placement_pads_or_crops_at_the_offset() -> None:
    burst = np.zeros(RATE, np.float32)
    burst[7000:9000] = 0.5  # 2000 loud samples in the middle of silence
    start_of = lambda x: int(np.flatnonzero(x)[0])  # noqa: E731
    trimmed = trim_silence(burst, 20.0)  # whole 512-sample hops: a little silence stays around the burst
    assert 2000 < trimmed.size < 5000
    assert start_of(fit_length(burst, RATE, 0.0, 20.0)) == start_of(trimmed)
    assert start_of(fit_length(burst, RATE, 1.0, 20.0)) == RATE - trimmed.size + start_of(trimmed)
    long = _tone(300, 2.0)
    assert np.array_equal(fit_length(long, RATE, 0.5, None), long[RATE // 2: RATE // 2 + RATE])


def test_stretch_keeps_pitch_and_shift_keeps_length() -> None:
    tone = _tone(440)
    slower = time_stretch(tone, 0.8)
    assert slower.size == 20000 and _peak_hz(slower) == pytest.approx(440, abs=3)
    faster = time_stretch(tone, 1.25)
    assert faster.size == 12800 and _peak_hz(faster) == pytest.approx(440, abs=3)
    up = pitch_shift(tone, 12.0, RATE)
    assert up.size == tone.size and _peak_hz(up) == pytest.approx(880, abs=4)
    down = pitch_shift(tone, -5.0, RATE)
    assert _peak_hz(down) == pytest.approx(440 * 2 ** (-5 / 12), abs=4)


def test_transform_applies_loudness_and_noise_in_mltks_order() -> None:
    settings = AugmentationSettings(trim_threshold_db=None)
    voice = _tone(500) * 0.2
    noise = _tone(3000, 3.0) * 0.5
    plain = apply_transform(voice, Transform(offset=0.0), settings, [noise], RATE, RATE)
    assert np.array_equal(plain, voice)
    mixed = apply_transform(voice, Transform(loudness=2.0, noise_index=0, noise_factor=0.1, noise_position=0.0),
                            settings, [noise], RATE, RATE)
    assert np.allclose(mixed, voice * 2.0 + noise[:RATE] * 0.2, atol=1e-6)  # noise x factor x loudness


def test_int16_conversion_clips_instead_of_wrapping() -> None:
    assert list(to_int16(np.array([1.5, -1.5, 0.5], np.float32))) == [32767, -32768, 16384]


def test_features_do_not_depend_on_worker_count_and_report_broken_clips(shared_dir: Path, tmp_path: Path) -> None:
    source = shared_dir / "datasets" / "speech_commands"
    clips = sorted((source / "no").glob("*.wav"))[:24]
    broken = tmp_path / "no" / "deadbeef_nohash_0.wav"
    broken.parent.mkdir()
    broken.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40))  # a header and nothing usable
    truncated = tmp_path / "no" / "cafef00d_nohash_0.wav"
    truncated.write_bytes(clips[0].read_bytes()[:3000])
    samples = [Sample(p, 1) for p in clips] + [Sample(None, 3), Sample(broken, 1), Sample(truncated, 1)]
    augmentation = AugmentationSettings(loudness_range=(0.7, 1.3), speed_range=(0.9, 1.1), pitch_range=(-1.0, 1.0))
    noise = tmp_path / "white_noise.wav"
    shutil.copy(source / "_background_noise_" / "white_noise.wav", noise)
    settings = FeatureSettings(FrontendSettings(), augmentation, (noise,), seed=11)
    with FeatureMaker(settings, workers=1) as one:
        a = one.compute(samples, epoch=3)
        plain = one.compute(samples[:3], epoch=NO_AUGMENTATION_EPOCH)
    with FeatureMaker(settings, workers=2) as two:
        b = two.compute(samples, epoch=3)
        c = two.compute(samples, epoch=4)
    assert a.features.shape == (25, 49, 40) and a.features.dtype == np.int8
    assert np.array_equal(a.features, b.features) and np.array_equal(a.labels, b.labels)
    assert not np.array_equal(a.features, c.features)  # a new epoch draws new augmentations
    assert sorted(p.name for p, _ in a.failed) == sorted([broken.name, truncated.name])
    assert all(reason for _, reason in a.failed)
    frontend = MicroFrontend(FrontendSettings())
    expected = frontend.process_clip(evaluation_fit_length(load_audio(clips[0]).samples, RATE), dtype=np.int8)
    assert np.array_equal(plain.features[0], expected)  # validation: MLTK's default transform, fresh state


def test_silence_samples_get_their_own_noise_range() -> None:
    settings = dataclasses.replace(AugmentationSettings(), silence_noise_range=(0.9, 1.0))
    from workbench.training.data.augmentation import draw_transform

    rng = np.random.default_rng(1)
    draws = [draw_transform(rng, settings, 2, silence=True) for _ in range(50)]
    assert all(0.9 <= d.noise_factor <= 1.0 and d.speed == 1.0 for d in draws)
    speech = [draw_transform(rng, settings, 2, silence=False) for _ in range(50)]
    assert all(0.0 <= d.noise_factor <= 0.3 for d in speech)


def test_a_share_of_samples_sits_at_offset_zero_like_evaluation_clips() -> None:
    from workbench.training.data.augmentation import draw_transform

    rng = np.random.default_rng(3)
    settings = dataclasses.replace(AugmentationSettings(), offset_zero_share=0.5)
    offsets = np.array([draw_transform(rng, settings, 1, silence=False).offset for _ in range(2000)])
    assert 0.45 < np.mean(offsets == 0.0) < 0.55
    assert 0.2 < offsets[offsets > 0].mean() < 0.8  # the rest still spread over offset_range
