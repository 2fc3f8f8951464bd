"""Replays are the live engine's scores, independent of detection parameters (where the firmware allows)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from workbench.assets import sample_audio_path
from workbench.calibration.replay import CalibrationCancelled, replay_file, replay_samples
from workbench.calibration.results.scores_file import load_scores, save_scores
from workbench.calibration.sweep.grid import SweepRanges
from workbench.core.audio.audio_file import load_audio
from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import Engine
from workbench.core.errors import SettingsError, WorkbenchError


def test_replay_scores_equal_the_live_engine_with_other_detection_settings(reference_model, real_stream) -> None:  # type: ignore[no-untyped-def]
    audio = load_audio(real_stream).samples
    replay = replay_samples(reference_model, audio, "stream")
    settings = DetectionSettings.from_params(reference_model.params).replace(
        detection_threshold=120, suppression_ms=2, average_window_duration_ms=300, minimum_count=1)
    engine = Engine(reference_model, settings)
    engine.reset()
    results = []
    rng = np.random.default_rng(0)
    pos = 0
    while pos < audio.size:  # odd chunk sizes, as a sound card would deliver
        step = int(rng.integers(1, 5000))
        results += engine.process(audio[pos:pos + step])
        pos += step
    assert sum(r.detection is not None for r in results) > 0
    assert replay.inferences == len(results) == audio.size // 1600
    assert np.array_equal(replay.scores, np.array([r.scores for r in results]))
    assert replay.time_ms.tolist() == [round(r.time_s * 1000) for r in results]
    assert replay.fed.all()


def test_a_suppression_of_1_ms_or_less_changes_the_scores_so_the_sweep_refuses_it(reference_model) -> None:  # type: ignore[no-untyped-def]
    audio = load_audio(sample_audio_path()).samples
    base = DetectionSettings.from_params(reference_model.params)
    resetting = Engine(reference_model, base.replace(suppression_ms=1)).run_clip(audio)
    keeping = Engine(reference_model, base.replace(suppression_ms=2)).run_clip(audio)
    assert not np.array_equal([r.scores for r in resetting], [r.scores for r in keeping])
    with pytest.raises(SettingsError, match="a suppression of 1 ms cannot be swept"):
        SweepRanges(suppressions_ms=(1, 500))


def test_replay_uses_the_requested_latency_and_can_be_cancelled(reference_model) -> None:  # type: ignore[no-untyped-def]
    replay = replay_file(reference_model, sample_audio_path(), latency_ms=50)
    assert replay.latency_ms == 50 and replay.inferences == 90 and replay.time_ms[0] == 50
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CalibrationCancelled):
        replay_file(reference_model, sample_audio_path(), cancel=cancel)


def test_scores_file_round_trip(reference_model, tmp_path) -> None:  # type: ignore[no-untyped-def]
    stream = replay_file(reference_model, sample_audio_path())
    background = replay_file(reference_model, sample_audio_path(), latency_ms=100)
    save_scores(tmp_path / "scores.npz", stream, (background,))
    loaded, backgrounds = load_scores(tmp_path / "scores.npz")
    assert loaded.name == stream.name and loaded.classes == stream.classes and len(backgrounds) == 1
    assert np.array_equal(loaded.scores, stream.scores) and np.array_equal(loaded.time_ms, stream.time_ms)
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(WorkbenchError, match="bad.npz is not a calibration scores file"):
        load_scores(tmp_path / "bad.npz")
