"""Frontend history: a sample's window rendered by a frontend that already heard noise, a word and a gap."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from workbench.core.audio.audio_file import save_wav
from workbench.core.errors import SettingsError
from workbench.core.frontend import MicroFrontend, quantize
from workbench.datasets.layout import scan_dataset
from workbench.training.data.audio_effects import trim_silence
from workbench.training.data.augmentation import History, Transform, draw_transform, history_audio, to_int16
from workbench.training.data.features import NO_AUGMENTATION_EPOCH, FeatureMaker, FeatureSettings, SampleRenderer
from workbench.training.data.sample_plan import make_plan
from workbench.training.spec import AugmentationSettings, load_spec

RATE = 16000
STEP = 320


def _tone(seconds: float, level: float, freq: float = 700.0, pad_s: float = 0.1) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    pad = np.zeros(int(RATE * pad_s), np.float32)
    return np.concatenate([pad, (level * np.sin(2 * np.pi * freq * t)).astype(np.float32), pad])


def test_the_history_is_noise_a_word_and_a_gap_in_whole_frontend_steps() -> None:
    settings = AugmentationSettings()
    word = _tone(0.4, 0.2)
    noise = np.full(RATE * 5, 0.01, np.float32)
    history = History(clip=0, lead_s=0.33, gap_s=0.5, gain=0.5)
    transform = Transform(loudness=2.0, noise_index=0, noise_factor=0.5, history=history)
    heard = history_audio(transform, settings, [noise], word, RATE, STEP)
    spoken = trim_silence(word, settings.trim_threshold_db)
    assert heard.size % STEP == 0 and heard.size - STEP < int(0.33 * RATE) + spoken.size + int(0.5 * RATE) <= heard.size
    floor = 0.01 * 0.5 * 2.0  # the sample's noise at its factor and loudness
    gap = int(0.5 * RATE)
    assert np.allclose(heard[-gap:], floor) and np.allclose(heard[:int(0.3 * RATE)], floor)
    placed = heard[-gap - spoken.size:-gap]
    assert np.allclose(placed, spoken * 0.5 * 2.0 + floor, atol=1e-6)
    quiet = history_audio(dataclasses.replace(transform, noise_index=None), settings, [noise], word, RATE, STEP)
    assert np.allclose(quiet[-gap:], 0.0) and np.abs(quiet).max() == pytest.approx(0.2 * 0.5 * 2.0, rel=0.01)
    with pytest.raises(ValueError, match="no history"):
        history_audio(Transform(), settings, [noise], word, RATE, STEP)


def test_draws_honour_the_share_and_ranges_and_leave_every_other_draw_alone() -> None:
    plain = AugmentationSettings(loudness_range=(0.5, 1.5), context_share=0.3)
    settings = dataclasses.replace(plain, history_share=0.6, history_gap_s=(0.1, 0.4), history_lead_s=(0.5, 0.7))
    draws = [draw_transform(np.random.default_rng([9, i]), settings, 2, silence=i % 4 == 0, n_context=5)
             for i in range(1000)]
    assert 0.55 < np.mean([d.history is not None for d in draws]) < 0.65
    assert any(d.history for d in draws[::4])  # silence hears the stream before it too
    histories = [d.history for d in draws if d.history is not None]
    assert all(0 <= h.clip < 5 and 0.1 <= h.gap_s <= 0.4 and 0.5 <= h.lead_s <= 0.7 for h in histories)
    for i, d in enumerate(draws[:100]):  # drawn last: without it a run sees exactly the data it saw before
        before = draw_transform(np.random.default_rng([9, i]), plain, 2, silence=i % 4 == 0, n_context=5)
        assert dataclasses.replace(d, history=None) == before
    assert not any(draw_transform(np.random.default_rng(i), settings, 2, silence=False, n_context=0).history
                   for i in range(100))


@pytest.mark.parametrize("table, words", [
    ({"history_share": -0.1}, ["history_share", "between 0 and 1"]),
    ({"history_gap_s": [0.9, 0.1]}, ["history_gap_s", "low, high"]),
    ({"history_lead_s": [-0.5, 0.1]}, ["history_lead_s", "negative"]),
])
def test_recipe_mistakes_in_history_settings_are_named(tmp_path: Path, table: dict, words: list[str]) -> None:
    path = tmp_path / "recipe.toml"
    lines = [f"{key} = {value!r}" for key, value in table.items()]
    path.write_text('extends = "tflite_micro_speech"\n[augmentation]\n' + "\n".join(lines) + "\n")
    with pytest.raises(SettingsError) as info:
        load_spec(path)
    for word in words:
        assert word in str(info.value)


@pytest.fixture(scope="module")
def history_run(speech_slice: Path) -> tuple[FeatureSettings, FeatureSettings, list]:
    """Feature settings of a run on real clips with a history for every sample, the same without, the plan."""
    spec = load_spec("tflite_micro_speech")
    spec = spec.replace(data=dataclasses.replace(spec.data, validation_resplit_percent=25.0),
                        augmentation=dataclasses.replace(spec.augmentation, history_share=1.0))
    plan = make_plan(scan_dataset(speech_slice), spec.data, spec.training.seed)
    plain = spec.replace(augmentation=dataclasses.replace(spec.augmentation, history_share=0.0))
    return FeatureSettings.for_plan(spec, plan), FeatureSettings.for_plan(plain, plan), plan


def test_a_sample_is_the_window_of_a_stream_that_heard_its_history(history_run) -> None:
    with_history, plain, plan = history_run
    assert with_history.context_clips and plain.context_clips == ()
    renderer, fresh = SampleRenderer(with_history), SampleRenderer(plain)
    frontend = MicroFrontend(with_history.frontend)
    samples = [(i, s.path) for i, s in enumerate(plan.training)][:16]
    differ = 0
    for index, path in samples:
        transform = renderer.transform(index, path, epoch=3)
        assert transform.history is not None
        window = renderer.waveform(index, path, epoch=3)
        assert np.array_equal(window, fresh.waveform(index, path, epoch=3))  # the same second of audio
        heard = history_audio(transform, with_history.augmentation, renderer.noises,
                              renderer.neighbour(transform.history.clip), RATE, STEP)
        frontend.reset()  # by hand: the history, then the window, through one streaming frontend
        rows = frontend.feed(np.concatenate([to_int16(heard), to_int16(window)]))
        first = heard.size // STEP
        expected = quantize(rows[first:first + with_history.frontend.n_frames], with_history.frontend)
        features = renderer.render(index, path, epoch=3)
        assert np.array_equal(features, expected)
        differ += not np.array_equal(features, fresh.render(index, path, epoch=3))
    assert differ == len(samples)  # the noise estimate and gain control remember what they heard
    assert np.array_equal(renderer.render(*samples[0], epoch=NO_AUGMENTATION_EPOCH),
                          fresh.render(*samples[0], epoch=NO_AUGMENTATION_EPOCH))  # validation: fresh state, as MLTK
    batch = list(plan.training[:40])
    with FeatureMaker(with_history, workers=1) as one, FeatureMaker(with_history, workers=2) as two:
        assert np.array_equal(one.compute(batch, epoch=3).features, two.compute(batch, epoch=3).features)


def test_a_silent_history_leaves_the_frontend_as_fresh(history_run, tmp_path: Path) -> None:
    """Zeros before a window that starts quiet leave no trace: the window's frames are cut exactly where a
    fresh frontend cuts them, and a frontend that heard only silence (the frame straddling the history's
    end included) is in its fresh state."""
    with_history, _, plan = history_run
    silent = tmp_path / "silent.wav"
    save_wav(silent, np.zeros(RATE // 2, np.int16))
    settings = dataclasses.replace(with_history, context_clips=(silent,),
                                   augmentation=dataclasses.replace(with_history.augmentation, bg_noise_range=None))
    renderer = SampleRenderer(settings)
    for index, sample in enumerate(plan.training[:8]):
        assert renderer.transform(index, sample.path, epoch=1).history is not None
        window = to_int16(renderer.waveform(index, sample.path, epoch=1))
        assert not window[:STEP].any()  # quiet at its start (no noise bed here)
        assert np.array_equal(renderer.render(index, sample.path, epoch=1),
                              renderer.frontend.process_clip(window, dtype=np.int8))

