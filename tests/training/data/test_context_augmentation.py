"""Context augmentation: other words beside a sample's word, as in a stream, from training clips only."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import SettingsError
from workbench.datasets.layout import scan_dataset
from workbench.training.data.audio_effects import fit_length, trim_silence
from workbench.training.data.augmentation import (AFTER, BEFORE, Neighbour, Transform, apply_transform,
                                                  draw_transform)
from workbench.training.data.features import FeatureMaker, FeatureSettings, SampleRenderer
from workbench.training.data.sample_plan import make_plan
from workbench.training.spec import AugmentationSettings, load_spec

RATE = 16000
KEYWORDS = ("yes", "no")


def _burst(freq: float, seconds: float, level: float, pad_s: float = 0.2) -> np.ndarray:
    """A tone of ``seconds`` between ``pad_s`` of silence on each side (trimming removes the silence)."""
    t = np.arange(int(RATE * seconds)) / RATE
    tone = (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    pad = np.zeros(int(RATE * pad_s), np.float32)
    return np.concatenate([pad, tone, pad])


def _peak_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    return float(np.fft.rfftfreq(x.size, 1 / RATE)[np.argmax(spectrum)])


def _span(x: np.ndarray) -> tuple[int, int]:
    loud = np.flatnonzero(x)
    return int(loud[0]), int(loud[-1]) + 1


def test_neighbours_sit_their_gap_away_at_their_gain_and_the_word_stays_in_place() -> None:
    settings = AugmentationSettings(bg_noise_range=None)
    word = _burst(500, 0.3, 0.2)
    before, after = _burst(1500, 0.6, 0.2), _burst(2500, 0.6, 0.2)
    plain = apply_transform(word, Transform(offset=0.5), settings, [], RATE, RATE)
    context = (Neighbour(clip=0, side=BEFORE, gap_s=0.1, gain=0.5), Neighbour(clip=1, side=AFTER, gap_s=0.05, gain=2.0))
    mixed = apply_transform(word, Transform(offset=0.5, context=context), settings, [], RATE, RATE, [before, after])

    start, end = _span(fit_length(word, RATE, 0.5, settings.trim_threshold_db))
    assert np.array_equal(mixed[start:end], plain[start:end])  # the word: same place, same samples
    assert not np.any(plain[:start]) and not np.any(plain[end:])
    head = mixed[:start - int(0.1 * RATE)]
    assert not np.any(mixed[start - int(0.1 * RATE):start])  # the gap is silent
    # exactly gap_s between the trimmed spoken parts (trimming keeps whole frames: a little silence each)
    quiet_end = trim_silence(before, 20.0).size - _span(trim_silence(before, 20.0))[1]
    quiet_start = _span(trim_silence(word, 20.0))[0]
    assert start - _span(head)[1] == int(0.1 * RATE) + quiet_end + quiet_start
    assert _peak_hz(head) == pytest.approx(1500, abs=40)
    assert np.abs(head).max() == pytest.approx(0.5 * 0.2, rel=0.02)
    tail = mixed[end + int(0.05 * RATE):]
    assert not np.any(mixed[end:end + int(0.05 * RATE)])
    assert _peak_hz(tail) == pytest.approx(2500, abs=40)
    assert np.abs(tail).max() == pytest.approx(2.0 * 0.2, rel=0.02)


def test_a_neighbour_too_far_away_for_the_window_leaves_the_sample_as_it_was() -> None:
    settings = AugmentationSettings(bg_noise_range=None)
    word = _burst(500, 0.3, 0.2)
    far = (Neighbour(clip=0, side=BEFORE, gap_s=0.9, gain=1.0),)
    plain = apply_transform(word, Transform(offset=0.0), settings, [], RATE, RATE)
    assert np.array_equal(apply_transform(word, Transform(offset=0.0, context=far), settings, [], RATE, RATE,
                                          [_burst(1500, 0.5, 0.2)]), plain)
    with pytest.raises(ValueError, match="neighbours"):
        apply_transform(word, Transform(context=far), settings, [], RATE, RATE, [])


def test_draws_honour_the_share_and_ranges_and_leave_the_other_draws_alone() -> None:
    plain_settings = AugmentationSettings(loudness_range=(0.5, 1.5), speed_range=(0.9, 1.1))
    settings = dataclasses.replace(plain_settings, context_share=0.4, context_gap_s=(0.1, 0.5),
                                   context_gain_db=(-6.0, 0.0))
    draws = [draw_transform(np.random.default_rng([5, i]), settings, 2, silence=False, n_context=7)
             for i in range(1000)]
    assert 0.35 < np.mean([bool(d.context) for d in draws]) < 0.45
    neighbours = [n for d in draws for n in d.context]
    assert {n.side for n in neighbours} == {BEFORE, AFTER}
    assert {len(d.context) for d in draws if d.context} == {1, 2}
    assert all(0 <= n.clip < 7 and 0.1 <= n.gap_s <= 0.5 and 10 ** (-6 / 20) <= n.gain <= 1.0 for n in neighbours)
    for i, d in enumerate(draws[:50]):  # context is drawn last: without it a run sees the data it saw before
        old = draw_transform(np.random.default_rng([5, i]), plain_settings, 2, silence=False)
        assert dataclasses.replace(d, context=()) == old
    silence = [draw_transform(np.random.default_rng(i), settings, 2, silence=True, n_context=7) for i in range(200)]
    assert not any(d.context for d in silence)
    nowhere = [draw_transform(np.random.default_rng(i), settings, 2, silence=False, n_context=0) for i in range(200)]
    assert not any(d.context for d in nowhere)


@pytest.mark.parametrize("table, words", [
    ({"context_share": 1.5}, ["context_share", "between 0 and 1"]),
    ({"context_gap_s": [0.8, 0.2]}, ["context_gap_s", "low, high"]),
    ({"context_gap_s": [-0.1, 0.2]}, ["context_gap_s", "negative"]),
    ({"context_gain_db": 3.0}, ["context_gain_db", "list"]),
])
def test_recipe_mistakes_in_context_settings_are_named(tmp_path: Path, table: dict, words: list[str]) -> None:
    lines = [f"{key} = {value!r}".replace("'", '"') for key, value in table.items()]
    path = tmp_path / "recipe.toml"
    path.write_text('extends = "tflite_micro_speech"\n[augmentation]\n' + "\n".join(lines) + "\n")
    with pytest.raises(SettingsError) as info:
        load_spec(path)
    for word in words:
        assert word in str(info.value)


def test_context_and_history_settings_parse_from_a_recipe_and_are_off_by_default(tmp_path: Path) -> None:
    assert AugmentationSettings().context_share == AugmentationSettings().history_share == 0.0
    shipped = load_spec("tflite_micro_speech").augmentation
    assert shipped.context_share == shipped.history_share == 0.0
    path = tmp_path / "recipe.toml"
    path.write_text('extends = "tflite_micro_speech"\n[augmentation]\ncontext_share = 0.5\n'
                    'context_gap_s = [0.1, 0.8]\ncontext_gain_db = [-6.0, 0.0]\n'
                    'history_share = 0.25\nhistory_gap_s = [0.2, 0.9]\nhistory_lead_s = [0.0, 0.4]\n')
    aug = load_spec(path).augmentation
    assert (aug.context_share, aug.context_gap_s, aug.context_gain_db) == (0.5, (0.1, 0.8), (-6.0, 0.0))
    assert (aug.history_share, aug.history_gap_s, aug.history_lead_s) == (0.25, (0.2, 0.9), (0.0, 0.4))
    again = tmp_path / "again.toml"
    again.write_text(load_spec(path).to_toml())
    assert load_spec(again).augmentation == aug


@pytest.fixture(scope="module")
def context_run(speech_slice: Path) -> tuple[FeatureSettings, FeatureSettings, list]:
    """Feature settings of a run on real clips with context on, the same with it off, and the plan."""
    spec = load_spec("tflite_micro_speech")
    spec = spec.replace(data=dataclasses.replace(spec.data, validation_resplit_percent=25.0),
                        augmentation=dataclasses.replace(spec.augmentation, bg_noise_range=None, context_share=1.0,
                                                         context_gap_s=(0.0, 0.3)))
    plan = make_plan(scan_dataset(speech_slice), spec.data, spec.training.seed)
    with_context = FeatureSettings.for_plan(spec, plan)
    plain_spec = spec.replace(augmentation=dataclasses.replace(spec.augmentation, context_share=0.0))
    return with_context, FeatureSettings.for_plan(plain_spec, plan), plan


def test_neighbours_come_only_from_training_clips_of_other_words(context_run) -> None:
    with_context, plain, plan = context_run
    assert plain.context_clips == ()  # no context asked: nothing to read
    clips = set(with_context.context_clips)
    assert clips
    training = {s.path for s in plan.training if s.path is not None}
    never = {c.path for c in plan.validation_clips} | {c.path for c in plan.testing}
    assert clips.isdisjoint(never)
    assert all(p.parent.name not in (*KEYWORDS, "_silence_") for p in clips)
    assert clips & training  # the unknown words the plan trains on are among them


def test_rendered_context_samples_differ_keep_their_word_and_repeat_for_a_seed(context_run) -> None:
    with_context, plain, plan = context_run
    samples = [(i, s) for i, s in enumerate(plan.training) if s.path is not None][:24]
    renderer, plain_renderer = SampleRenderer(with_context), SampleRenderer(plain)
    changed = 0
    for index, sample in samples:
        mixed = renderer.waveform(index, sample.path, epoch=2)
        alone = plain_renderer.waveform(index, sample.path, epoch=2)
        start, end = _span(alone)
        assert np.array_equal(mixed[start:end], alone[start:end])  # the word is where it was
        changed += not np.array_equal(mixed, alone)
        assert np.array_equal(SampleRenderer(with_context).waveform(index, sample.path, epoch=2), mixed)
    assert changed >= len(samples) // 2
    batch = [s for _, s in samples]
    with FeatureMaker(with_context, workers=1) as one, FeatureMaker(with_context, workers=2) as two:
        a, b = one.compute(batch, epoch=2), two.compute(batch, epoch=2)
    with FeatureMaker(plain, workers=1) as alone:
        c = alone.compute(batch, epoch=2)
    assert np.array_equal(a.features, b.features)
    assert not np.array_equal(a.features, c.features)
