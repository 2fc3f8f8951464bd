"""LiveSession: the worker-thread path the GUI and `kws detect --mic` use equals offline replay."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest

from tests.frontend_rates import LOW_RATE, low_rate_model
from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.audio_file import load_audio, save_wav
from workbench.core.audio.source_base import INT16_MAX, apply_gain, gain_overflow_count
from workbench.core.audio.sources import FileSource
from workbench.core.detection.settings import DetectionSettings
from workbench.core.engine import Engine, EngineOptions, detections_of
from workbench.core.errors import WorkbenchError
from workbench.core.live_session import LiveSession, engine_for_next_session
from workbench.core.model.model_file import load_model

SHORT_STOP_S = 0.05  # a stop timeout the blocked worker below outlives at once
TUNED_THRESHOLD = 201  # a detection threshold none of the bundled model's own values is
LOUD_GAIN = 8  # a linear gain at which the sample clips in places
WRAPPING_PEAK = 0.7  # of full scale: loud speech, which a volume_gain of 2 pushes beyond int16


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_path())


@pytest.fixture(autouse=True)
def user_data(tmp_path, monkeypatch):
    """Recordings are spooled into the user data folder: the test's own, not the user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


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


def test_a_session_without_views_hears_the_same_and_keeps_no_view_rows(model) -> None:
    """``views=False`` (kws detect: nothing draws it) skips only the bookkeeping: the engine, the listeners, the
    detections and the statistics -- clipped blocks too, measured a batch at a time -- are those of a session with
    views; the spectrogram, score and envelope rows stay empty and the engine makes no display rows."""
    clip = load_audio(sample_audio_path())
    heard: dict[bool, list] = {}
    sessions: dict[bool, LiveSession] = {}
    for views in (True, False):
        source = FileSource(sample_audio_path(), realtime=False)
        source.gain = LOUD_GAIN  # some blocks clip, so the count is checked, not just zero twice
        session = LiveSession(Engine(model), source, views=views)
        assert session.views is views
        assert bool(session.engine.row_listeners) is views
        heard[views] = []
        session.result_listeners.append(heard[views].append)
        session.start()
        assert session.wait(30)
        session.close()
        assert session.error is None
        sessions[views] = session
    with_views, without = sessions[True], sessions[False]
    louder = np.clip(clip.samples.astype(np.int32) * LOUD_GAIN, np.iinfo(np.int16).min, np.iinfo(np.int16).max)
    loud = Engine(model).run_clip(louder.astype(np.int16))
    for views in (True, False):
        assert [(r.time_s, r.scores.tolist(), r.averages.tolist(), r.detection) for r in heard[views]] == [
            (r.time_s, r.scores.tolist(), r.averages.tolist(), r.detection) for r in loud]
    assert [e.detection for e in without.detections.all()] == [e.detection for e in with_views.detections.all()]
    stats, expected = without.stats(), with_views.stats()
    assert stats.inferences == expected.inferences == len(loud)
    assert stats.clipped_blocks == expected.clipped_blocks > 0
    assert stats.stream_time_s == expected.stream_time_s == clip.duration_s
    assert with_views.inferences.total and with_views.spectrogram.total and with_views.envelope.total
    assert without.inferences.total == without.spectrogram.total == without.envelope.total == 0


def test_recording_captures_what_the_engine_heard(model, user_data) -> None:
    clip = load_audio(sample_audio_path())
    session = LiveSession(Engine(model), FileSource(sample_audio_path(), realtime=False))
    session.start_recording()
    session.start()
    assert session.wait(30)
    recorded = session.stop_recording()
    session.close()
    np.testing.assert_array_equal(recorded, clip.samples)
    assert not session.recording
    assert session.spool_problem is None and list((user_data / "kws-workbench" / "recording-spool").iterdir()) == []


def test_a_recording_counts_the_samples_the_firmware_gain_wrapped(model, tmp_path) -> None:
    """A take is saved as the engine heard it, after the microphone's volume_gain (what the board's audio dump
    holds too), and the gain wraps an overloaded sample around instead of clipping it: only the count the
    recording carries tells a take checker that a take peaking below full scale is overloaded."""
    samples = load_audio(sample_audio_path()).samples
    loud = np.rint(samples * (WRAPPING_PEAK * INT16_MAX / np.abs(samples).max())).astype(np.int16)
    save_wav(tmp_path / "loud.wav", loud, 16000)
    source = FileSource(tmp_path / "loud.wav", realtime=False)
    source.gain_mode, source.gain = "firmware", 2.0
    session = LiveSession(Engine(model), source)
    session.start_recording()
    session.start()
    assert session.wait(30)
    ended = session.end_recording()
    ended.release()
    session.close()
    np.testing.assert_array_equal(ended.samples, apply_gain(loud, 2.0, "firmware"))
    assert ended.gain_overflows == gain_overflow_count(loud, 2.0, "firmware") > 0
    assert np.abs(ended.samples.astype(np.int32)).max() < INT16_MAX  # wrapped: nothing at full scale to see


def test_a_model_at_another_rate_hears_the_file_as_the_file_loader_gives_it(model) -> None:
    """An 8 kHz frontend gets the 16 kHz source converted, sample for sample as ``load_audio(path, 8000)``: the
    audio kws calibrate replays. Times, recording and stream length count the model's samples."""
    low = low_rate_model(model)
    clip = load_audio(sample_audio_path(), LOW_RATE)
    offline = Engine(low).run_clip(clip.samples)
    session = LiveSession(Engine(low), FileSource(sample_audio_path(), realtime=False))
    session.start_recording()
    session.start()
    assert session.wait(30), "the file source never finished"
    recorded = session.stop_recording()
    session.close()
    assert session.error is None
    np.testing.assert_array_equal(recorded, clip.samples)
    assert session.engine.samples_seen == clip.samples.size and session.engine.stream_time_s == 4.5
    rows, cursor = session.inferences.since(0)
    assert cursor == len(offline) == 45  # one every 100 ms of the 4.5 s, as at 16 kHz
    np.testing.assert_array_equal(rows[:, 0], [r.time_s for r in offline])
    np.testing.assert_array_equal(rows[:, 1:1 + len(low.classes)], np.stack([r.scores for r in offline]))
    assert [e.detection for e in session.detections.all()] == detections_of(offline)
    _, blocks = session.envelope.since(0)
    assert blocks == clip.samples.size // (LOW_RATE // 100)  # one min/max pair per 10 ms


def test_a_source_slower_than_the_model_is_converted_up() -> None:
    """A source at 8 kHz feeding a 16 kHz model (a file decoded at 8 kHz: the rule is any rate to the model's)."""
    model_16k = load_model(default_model_path())
    slow = FileSource(sample_audio_path(), realtime=False, sample_rate=LOW_RATE)
    assert slow.sample_rate == LOW_RATE
    session = LiveSession(Engine(model_16k), slow)
    session.start()
    assert session.wait(30)
    session.close()
    heard = 2 * load_audio(sample_audio_path(), LOW_RATE).samples.size
    assert session.error is None and session.engine.samples_seen == heard


def test_a_worker_that_outlives_stop_is_kept_and_start_waits_for_it(model) -> None:
    """A stop that times out used to drop the worker's handle: start then un-stopped it and ran a second worker
    on the same engine. Now the handle stays, start waits for the old worker or refuses, and one worker plays on."""
    clip = load_audio(sample_audio_path())
    session = LiveSession(Engine(model), FileSource(sample_audio_path(), realtime=False))
    inside, release = threading.Event(), threading.Event()

    def busy(_result) -> None:  # the worker is busy (a slow listener, a long engine call) when stop comes
        inside.set()
        release.wait(30)

    def workers() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name == "kws-engine" and t.is_alive()}

    others = workers()
    session.result_listeners.append(busy)
    session.start()
    assert inside.wait(30)
    assert session.stop(timeout_s=0.05) is False
    assert not session.running and not session.wait(0)  # told to stop, still finishing: its handle is kept
    with pytest.raises(WorkbenchError, match="still finishing"):
        session.start(timeout_s=0.05)
    assert len(workers() - others) == 1
    release.set()
    session.start()  # waits for the old worker, then one new worker plays the rest of the file
    assert session.running and session.wait(30)
    assert session.stop() is True and session.error is None
    session.close()
    assert session.engine.samples_seen == clip.samples.size


def test_a_session_after_one_whose_worker_outlived_close_gets_a_fresh_engine(model) -> None:
    """A worker stuck (here in a listener) past close()'s timeout still runs on its engine: the next session gets a
    fresh engine built like it, the old one is neither reset nor shared; once that worker ended, the engine is reused
    (reset)."""
    clip = load_audio(sample_audio_path())
    tuned = replace(DetectionSettings.from_params(model.params), detection_threshold=TUNED_THRESHOLD)
    engine = Engine(model, tuned, EngineOptions(semantics="tflm"))
    left = LiveSession(engine, FileSource(sample_audio_path(), realtime=False))
    left.stop_timeout_s = SHORT_STOP_S
    inside, release = threading.Event(), threading.Event()

    def stuck(_result) -> None:
        inside.set()
        release.wait(30)

    left.result_listeners.append(stuck)
    try:
        left.start()
        assert inside.wait(30)
        assert left.close() is False  # its worker outlived the stop: it still holds the engine
        heard = engine.samples_seen
        fresh = engine_for_next_session(left, engine)
        assert fresh is not engine and fresh.model is model and fresh.options == engine.options
        assert fresh.detection_settings == tuned and fresh.samples_seen == 0
        assert engine.samples_seen == heard > 0  # not reset under its worker
        session = LiveSession(fresh, FileSource(sample_audio_path(), realtime=False))
        session.start()
        assert session.wait(30) and session.close() is True
        assert session.error is None and fresh.samples_seen == clip.samples.size
    finally:
        release.set()
    assert left.wait(30) and left.error is None  # released, the old worker ends
    assert engine_for_next_session(left, engine) is engine and engine.samples_seen == 0  # reused, reset
    assert engine_for_next_session(None, fresh) is fresh and fresh.samples_seen == 0
