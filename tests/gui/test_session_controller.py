"""The controller restarting the stream while the closed session's worker is still stuck on its engine: the new
session gets a fresh engine with the tuned settings and plays, nothing raises or is reported, and the old worker
ends once released. With no worker left, a restart reuses the engine. Real model, real file source, real Qt."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.live_session import STOP_TIMEOUT_S
from workbench.gui.session_controller import SessionController
from workbench.gui.stream.source_choice import FILE, SourceChoice

SHORT_STOP_S = 0.1  # the stuck worker outlives this stop timeout at once (the default waits 2 s)
TUNED_THRESHOLD = 201  # not the bundled model's own value: the tuning must reach the fresh engine
WORKER_WAIT_S = 30
PLAY_MS = 30_000


@pytest.fixture
def errors() -> list[str]:
    """What the controller reported (``error``): nothing, in these restarts."""
    return []


@pytest.fixture
def controller(qtbot, errors: list[str]):
    """A controller with the bundled model loaded and its threshold tuned."""
    made = SessionController()
    made.error.connect(errors.append)
    assert made.load_model(default_model_path())
    made.set_detection_settings(replace(made.settings, detection_threshold=TUNED_THRESHOLD))
    assert made.engine.detection_settings.detection_threshold == TUNED_THRESHOLD
    yield made
    made.close()


def file_choice(realtime: bool) -> SourceChoice:
    return SourceChoice(FILE, path=sample_audio_path(), realtime=realtime, loop=False)


def test_a_restart_while_the_old_worker_is_stuck_runs_on_a_fresh_engine(qtbot, controller, errors: list[str]) -> None:
    assert controller.set_source(file_choice(realtime=True)), errors
    old = controller.session
    old.stop_timeout_s = SHORT_STOP_S
    inside, release = threading.Event(), threading.Event()

    def stuck(_result) -> None:  # a listener that blocks longer than close() waits
        inside.set()
        release.wait(WORKER_WAIT_S)

    old.result_listeners.append(stuck)
    try:
        assert inside.wait(WORKER_WAIT_S)
        began = time.monotonic()
        assert controller.set_source(file_choice(realtime=False)), errors  # the restart
        assert time.monotonic() - began < STOP_TIMEOUT_S  # the GUI thread never waited for the stuck worker
        new = controller.session
        assert errors == [] and new is not old and not old.wait(0)  # the old worker is still stuck
        assert new.engine is controller.engine and new.engine is not old.engine
        assert new.engine.model is old.engine.model and new.engine.options == old.engine.options
        assert new.engine.detection_settings == controller.settings == old.engine.detection_settings
        assert controller.settings.detection_threshold == TUNED_THRESHOLD
        qtbot.waitUntil(lambda: new.wait(0), timeout=PLAY_MS)  # the whole file flows through the fresh engine
        assert new.error is None and new.engine.samples_seen == load_audio(sample_audio_path()).samples.size
        assert new.inferences.total > 0
    finally:
        release.set()
    assert old.wait(WORKER_WAIT_S) and old.error is None  # released, the old worker ends
    assert errors == []


def test_a_restart_after_the_old_worker_ended_reuses_the_engine(qtbot, controller, errors: list[str]) -> None:
    assert controller.set_source(file_choice(realtime=False)), errors
    engine, old = controller.engine, controller.session
    qtbot.waitUntil(lambda: old.wait(0), timeout=PLAY_MS)
    assert engine.samples_seen > 0
    assert controller.set_source(file_choice(realtime=True), start=False), errors
    assert controller.session is not old and controller.session.engine is engine and controller.engine is engine
    assert engine.samples_seen == 0 and errors == []  # reset for the new session
