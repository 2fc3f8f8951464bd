"""LiveSession: the worker-thread path the GUI and `kws detect --mic` use equals offline replay."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.audio.sources import FileSource
from workbench.core.engine import Engine, detections_of
from workbench.core.errors import WorkbenchError
from workbench.core.live_session import LiveSession
from workbench.core.model.model_file import load_model


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_path())


def run_session(model, source) -> LiveSession:
    session = LiveSession(Engine(model), source)
    session.start()
    assert session.wait(30), "the file source never finished"
    session.close()
    assert session.error is None
    return session


def test_worker_path_equals_offline_replay(model) -> None:
    clip = load_audio(sample_audio_path())
    offline = Engine(model).run_clip(clip.samples)
    session = run_session(model, FileSource(sample_audio_path(), realtime=False))

    detections = [e.detection for e in session.detections.all()]
    assert detections == detections_of(offline)
    rows, cursor = session.inferences.since(0)
    assert cursor == len(offline)
    n = len(model.classes)
    np.testing.assert_array_equal(rows[:, 0], [r.time_s for r in offline])
    np.testing.assert_array_equal(rows[:, 1 : 1 + n], np.stack([r.scores for r in offline]))
    np.testing.assert_array_equal(rows[:, 1 + n :], np.stack([r.averages for r in offline]))

    spec, total = session.spectrogram.since(0)
    frames = session.engine.frontend_settings
    assert total == (clip.samples.size - frames.window_size_samples) // frames.window_step_samples + 1
    assert spec.dtype == np.int8 and spec.max() > -128

    env, blocks = session.envelope.since(0)
    assert blocks == clip.samples.size // 160
    assert env[:, 0].min() == clip.samples[: blocks * 160].min()
    assert env[:, 1].max() == clip.samples[: blocks * 160].max()


def test_recording_captures_what_the_engine_heard(model) -> None:
    clip = load_audio(sample_audio_path())
    session = LiveSession(Engine(model), FileSource(sample_audio_path(), realtime=False))
    session.start_recording()
    session.start()
    assert session.wait(30)
    recorded = session.stop_recording()
    session.close()
    np.testing.assert_array_equal(recorded, clip.samples)
    assert not session.recording


def test_source_rate_must_match_the_model(model) -> None:
    class Odd:
        sample_rate = 8000

    with pytest.raises(WorkbenchError, match="8000 Hz"):
        LiveSession(Engine(model), Odd())  # type: ignore[arg-type]
