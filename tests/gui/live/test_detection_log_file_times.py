"""The Detections log of a file replay says where IN THE FILE each word is, after a seek with the window's transport
and after a switch to another model mid-file, in its "file s" column and in Export CSV…; the stream and wall times
stay. The main window, the bundled model, a real file of Speech Commands words, played as fast as possible."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.spoken_words_file import write_words_file
from workbench.assets import default_model_path
from workbench.core.audio.audio_file import load_audio
from workbench.core.engine import Engine, InferenceResult
from workbench.gui.live.detection_log_view import FILE_COLUMN, STREAM_COLUMN
from workbench.gui.stream.source_choice import FILE, SourceChoice

PAUSE_AT_S = 0.5  # in the silence before the first word: an inference instant (every 100 ms)
SEEK_TO_S = 6.5  # in the silence between the third and the fourth word
PLAY_MS = 30_000
MS_PER_S = 1000


@pytest.fixture
def words_file(tmp_path: Path) -> Path:
    return write_words_file(tmp_path / "words.wav")


def paused_at_the_start(qtbot, window, words_file: Path):  # type: ignore[no-untyped-def]
    """The words file playing fast in the window, paused by the engine's own thread at :data:`PAUSE_AT_S`."""
    controller = window.controller
    assert controller.set_source(SourceChoice(FILE, path=words_file, realtime=False, loop=False), start=False)
    session, source = controller.session, controller.session.source

    def pause_once(result: InferenceResult) -> None:
        if result.time_s == PAUSE_AT_S:
            source.pause()

    session.result_listeners.append(pause_once)
    assert controller.start()
    qtbot.waitUntil(lambda: source.paused and session.engine.stream_time_s == PAUSE_AT_S, timeout=PLAY_MS)
    return source


def played_out(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Resume with the transport's play button, wait for the end and for the log to list every detection."""
    session = window.controller.session
    window.source_panel.transport.toggle_play()
    qtbot.waitUntil(lambda: session.wait(0), timeout=PLAY_MS)
    qtbot.waitUntil(lambda: len(window.log.entries) == len(session.detections.all()), timeout=PLAY_MS)


def detection_times(results: list[InferenceResult]) -> list[float]:
    return [r.detection.time_s for r in results if r.detection is not None]


def assert_log_says(window, file_times: list[float]) -> None:  # type: ignore[no-untyped-def]
    log = window.log
    assert [e.file_time_s for e in log.entries] == file_times
    assert not log.table.isColumnHidden(FILE_COLUMN)
    header = log.table.horizontalHeader()
    assert header.visualIndex(FILE_COLUMN) == header.visualIndex(STREAM_COLUMN) + 1
    assert "where in the audio file" in log.table.horizontalHeaderItem(FILE_COLUMN).toolTip()
    assert [log.table.item(row, FILE_COLUMN).text() for row in range(log.table.rowCount())] == \
        [f"{t:.3f}" for t in file_times]
    rows = list(csv.DictReader(io.StringIO(log.to_csv())))
    assert [float(r["file_time_s"]) for r in rows] == file_times
    assert [float(r["stream_time_s"]) for r in rows] == [e.stream_time_s for e in log.entries]


def test_after_a_seek_the_log_says_where_in_the_file_the_words_are(qtbot, window, words_file: Path) -> None:
    source = paused_at_the_start(qtbot, window, words_file)
    window.source_panel.transport.seek(SEEK_TO_S)
    played_out(qtbot, window)

    samples, rate = load_audio(words_file).samples, source.sample_rate
    engine = Engine(window.controller.model)  # the same audio, fed directly: before the pause, then after the seek
    heard = detection_times(engine.process(samples[:round(PAUSE_AT_S * rate)])
                            + engine.process(samples[round(SEEK_TO_S * rate):]))
    assert len(heard) >= 3 and min(heard) > PAUSE_AT_S
    assert [e.stream_time_s for e in window.log.entries] == heard
    assert_log_says(window, [round((t - PAUSE_AT_S + SEEK_TO_S) * MS_PER_S) / MS_PER_S for t in heard])


def test_after_a_model_switch_mid_file_the_log_says_where_in_the_file_the_words_are(qtbot, window,
                                                                                    words_file: Path) -> None:
    source = paused_at_the_start(qtbot, window, words_file)
    window.source_panel.transport.seek(SEEK_TO_S)
    first = window.controller.session
    assert window.open_model(default_model_path()), window.last_error  # another model: a new session, mid-file
    second = window.controller.session
    assert second is not first and second.source is not source and second.source.paused
    assert second.source.position_s == SEEK_TO_S
    played_out(qtbot, window)

    samples, rate = load_audio(words_file).samples, second.source.sample_rate
    heard = detection_times(Engine(window.controller.model).run_clip(samples[round(SEEK_TO_S * rate):]))
    assert len(heard) >= 3
    assert [e.stream_time_s for e in window.log.entries] == heard  # the new session counts from 0...
    assert_log_says(window, [round((t + SEEK_TO_S) * MS_PER_S) / MS_PER_S for t in heard])  # ...the file does not
