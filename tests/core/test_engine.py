"""The streaming engine: real frontend, real LiteRT model, real detector, stream-time clock."""

from __future__ import annotations

import numpy as np
import pytest

from tests.bundled_model_paths import yes_no_model_path
from workbench.assets import sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import Engine, EngineOptions, InferenceResult, detections_of
from workbench.core.errors import ModelError, SettingsError
from workbench.core.model.model_file import load_model, model_with_params

RATE = 16000


@pytest.fixture(scope="module")
def model():
    return load_model(yes_no_model_path())


@pytest.fixture(scope="module")
def sample() -> np.ndarray:
    return load_audio(sample_audio_path()).samples


def labels(results: list[InferenceResult]) -> list[str]:
    return [d.label for d in detections_of(results)]


def as_tuples(results: list[InferenceResult]) -> list[tuple]:
    return [(r.time_s, r.scores.tolist(), r.averages.tolist(), r.detection) for r in results]


def test_bundled_sample_says_yes_then_no(model, sample) -> None:
    engine = Engine(model)
    results = engine.run_clip(sample)
    found = detections_of(results)
    assert [d.label for d in found] == ["yes", "no"]
    yes, no = found
    assert 0.5 < yes.time_s < 2.5 and 2.5 < no.time_s < 4.5
    assert yes.score > engine.detection_settings.detection_threshold


@pytest.mark.parametrize("sizes", [[7], [160], [333, 1000, 1], [RATE * 5]])
def test_results_do_not_depend_on_chunking(model, sample, sizes) -> None:
    reference = as_tuples(Engine(model).run_clip(sample))
    engine = Engine(model)
    got: list[InferenceResult] = []
    pos, i = 0, 0
    while pos < sample.size:
        n = sizes[i % len(sizes)]
        got.extend(engine.process(sample[pos : pos + n]))
        pos, i = pos + n, i + 1
    assert as_tuples(got) == reference


def test_inferences_every_latency_ms_of_stream_time(model, sample) -> None:
    for latency in (20, 100, 250):
        settings = DetectionSettings.from_params(model.params).replace(latency_ms=latency)
        results = Engine(model, settings).run_clip(sample)
        hop = latency * RATE // 1000
        assert [round(r.time_s * RATE) for r in results] == list(range(hop, sample.size + 1, hop))


def test_threshold_change_applies_at_next_inference(model, sample) -> None:
    engine = Engine(model)
    strict = engine.detection_settings.replace(detection_threshold=255)
    engine.set_detection_settings(strict)
    assert labels(engine.run_clip(sample)) == []
    engine.set_detection_settings(strict.replace(detection_threshold=185))
    assert labels(engine.run_clip(sample)) == ["yes", "no"]
    # mid-stream: strict until 2.2 s (after "yes"), then the model's threshold: only "no" is found
    engine.reset()
    engine.set_detection_settings(strict)
    split = int(2.2 * RATE)
    first = engine.process(sample[:split])
    engine.set_detection_settings(strict.replace(detection_threshold=185))
    assert labels(first) == [] and labels(engine.process(sample[split:])) == ["no"]


def test_settings_that_do_not_fit_the_model_are_refused_by_the_setter(model, sample) -> None:
    engine = Engine(model)
    before = engine.detection_settings
    misfit = before.replace(detection_threshold_list=(1, 2), latency_ms=50)  # 2 thresholds, 4 classes
    with pytest.raises(SettingsError, match="2 entries but the model has 4 classes"):
        engine.set_detection_settings(misfit)
    # nothing was queued or half-applied: the stream goes on with the settings the detector holds
    assert engine.detection_settings == before
    assert labels(engine.run_clip(sample)) == ["yes", "no"]
    assert engine.detection_settings == before and engine.hop_samples == before.latency_ms * RATE // 1000


def test_replay_is_deterministic_and_reset_restores_fresh_state(model, sample) -> None:
    engine = Engine(model)
    first = as_tuples(engine.run_clip(sample))
    assert as_tuples(engine.run_clip(sample)) == first


@pytest.mark.parametrize("clip,expected", [("mltk_yes", "yes"), ("tts_yes", "yes"),
                                           ("mltk_no", "no"), ("tts_no", "no"), ("synth_silence", None)])
def test_golden_words_in_silence(model, golden_dir, clip, expected) -> None:
    audio = np.load(golden_dir / f"{clip}.npz")["audio"].astype(np.int16)
    pad = np.zeros(RATE // 2, np.int16)
    results = Engine(model).run_clip(np.concatenate([pad, audio, pad, pad]))
    assert labels(results) == ([expected] if expected else [])
    if expected is None:
        top = model.classes[int(np.argmax(results[-1].averages))]
        assert top == "_silence_"


def test_fresh_state_option_also_hears_the_words(model, sample) -> None:
    engine = Engine(model, options=EngineOptions(fresh_state=True))
    assert labels(engine.run_clip(sample)) == ["yes", "no"]


def test_frontend_settings_that_do_not_fit_the_model_are_refused(model) -> None:
    odd = model_with_params(model, {"fe.filterbank_n_channels": 32})
    with pytest.raises(ModelError, match="spectrogram"):
        Engine(odd)


def test_bad_input_is_refused(model) -> None:
    engine = Engine(model)
    with pytest.raises(ValueError, match="int16"):
        engine.process(np.zeros(10, np.float32))
    with pytest.raises(ValueError):
        EngineOptions(semantics="nope")
