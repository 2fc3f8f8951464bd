"""A recording left running past the longest take a session keeps: the stream goes on, the take stops growing, and
the status bar says so (it said "recording… 600.0 s" all night, as if it were still recording)."""

from __future__ import annotations

from workbench.assets import sample_audio_path
from workbench.gui.stream.source_choice import FILE, SourceChoice

LONGEST_TAKE_S = 5.0  # the session's limit, shortened from its ten minutes
PAST_THE_LIMIT_S = 30.0  # stream time heard after the take is full
WAIT_MS = 30_000  # a minute of audio played as fast as the engine goes: well under a second, on a busy machine more


def test_a_full_recording_says_it_stopped_growing_while_the_stream_goes_on(qtbot, window) -> None:
    assert window.controller.set_source(SourceChoice(FILE, path=sample_audio_path(), realtime=False, loop=True))
    session = window.controller.session
    session.max_recording_s = LONGEST_TAKE_S
    window.source_panel.record_toggled.emit(True)
    qtbot.waitUntil(lambda: session.recorded_seconds >= LONGEST_TAKE_S, timeout=WAIT_MS)
    full_at = session.engine.stream_time_s
    kept = session.recorded_seconds
    qtbot.waitUntil(lambda: session.engine.stream_time_s > full_at + PAST_THE_LIMIT_S, timeout=WAIT_MS)
    assert session.recorded_seconds == kept and session.recording_full  # the stream went on; the take did not grow
    said = (f"recording full at {kept:.1f} s (a take keeps up to {LONGEST_TAKE_S:g} s; later audio is not "
            "recorded): Stop recording saves it")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == said, timeout=WAIT_MS)
    ended = window.controller.take_recording()
    assert ended is not None and ended.samples.size == round(kept * session.engine.sample_rate)
    ended.release()
