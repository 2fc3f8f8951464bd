"""A session on a file gives each detection its time in the file: equal to `kws detect`'s times without seeks, and
still where the word is in the file after a seek, a loop wrap, a session started mid-file, or a model at another
rate; whatever the size of the blocks the source hands out. Real model, real file of Speech Commands words."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.bundled_model_paths import yes_no_model_path
from tests.frontend_rates import LOW_RATE, low_rate_model
from tests.spoken_words_file import WORDS, WORDS_FILE_S, write_words_file
from workbench.assets import sample_audio_path
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio
from workbench.core.audio.file_timeline import FileClock
from workbench.core.audio.sources import FileSource, SyntheticSource
from workbench.core.engine import Engine, InferenceResult
from workbench.core.live_session import LiveSession
from workbench.core.model.model_file import load_model

MS_PER_S = 1000
SEEK_FROM_S, SEEK_TO_S = 1.5, 8.0  # the audit's seek: stream time 1.5 s is an inference instant (every 100 ms)
CHUNKS_MS = (10, 20, 30, 50)  # block sizes whose ends all fall on the seek instant
WAIT_S = 60
LOW_RATE_THRESHOLD = 60  # the 8 kHz copy of the model detects some of the words after the seek with it


@pytest.fixture(scope="module")
def model():
    return load_model(yes_no_model_path())


@pytest.fixture(scope="module")
def words_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_words_file(tmp_path_factory.mktemp("words") / "words.wav")


@pytest.fixture(autouse=True)
def user_data(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def played(session: LiveSession) -> list[tuple[str, float | None]]:
    session.start()
    assert session.wait(WAIT_S), "the file never finished"
    session.close()
    assert session.error is None, session.error
    return [(e.detection.label, e.file_time_s) for e in session.detections.all()]


def model_rate(model) -> int:  # type: ignore[no-untyped-def]
    return Engine(model).sample_rate


def in_ms(seconds: float) -> float:
    """A time as the detector gives it: whole milliseconds."""
    return round(seconds * MS_PER_S) / MS_PER_S


def test_a_replay_without_seeks_gives_the_times_kws_detect_prints(model, words_file: Path, capsys) -> None:
    assert main(["detect", str(words_file), "--model", str(yes_no_model_path()), "--format", "jsonl"]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    cli = [(p["label"], p["time_s"]) for p in printed if p["type"] == "detection"]
    assert [label for label, _ in cli] == list(WORDS)
    # the window opens a file decoded at the model's rate (SourceChoice.open)
    gui = played(LiveSession(Engine(model), FileSource(words_file, realtime=False, sample_rate=model_rate(model))))
    assert gui == cli


@pytest.mark.parametrize("chunk_ms", CHUNKS_MS)
def test_after_a_seek_the_file_times_are_where_the_words_are_in_any_block_size(model, words_file: Path,
                                                                                chunk_ms: int) -> None:
    source = FileSource(words_file, realtime=False, chunk_ms=chunk_ms)
    session = LiveSession(Engine(model), source)

    def seek_once(result: InferenceResult) -> None:  # in the worker, right after the block ending at 1.5 s
        if result.time_s == SEEK_FROM_S:
            source.seek(SEEK_TO_S)

    session.result_listeners.append(seek_once)
    got = played(session)

    samples = load_audio(words_file).samples  # what the engine heard, fed to another engine directly
    rate = source.sample_rate
    cut, resumed = round(SEEK_FROM_S * rate), round(SEEK_TO_S * rate)
    offline = Engine(model)
    results = offline.process(samples[:cut]) + offline.process(samples[resumed:])
    shift = SEEK_TO_S - SEEK_FROM_S
    expected = [(r.detection.label, in_ms(r.time_s if r.time_s <= SEEK_FROM_S else r.time_s + shift))
                for r in results if r.detection is not None]
    assert len(expected) >= len(WORDS) // 2 and got == expected
    assert [e.detection.time_s for e in session.detections.all()] == [in_ms(r.time_s) for r in results
                                                                      if r.detection is not None]


def test_a_looping_file_gives_times_within_the_file_on_every_pass(model, words_file: Path) -> None:
    source = FileSource(words_file, realtime=False, loop=True)
    session = LiveSession(Engine(model), source)

    def end_after_the_second_pass(result: InferenceResult) -> None:
        if result.time_s > WORDS_FILE_S and source.loop:
            source.loop = False  # the second pass plays to the end of the file, then the stream finishes

    session.result_listeners.append(end_after_the_second_pass)
    got = played(session)
    assert session.engine.stream_time_s == 2 * WORDS_FILE_S
    stream_times = [e.detection.time_s for e in session.detections.all()]
    expected = [(label, in_ms(t if t <= WORDS_FILE_S else t - WORDS_FILE_S))
                for (label, _), t in zip(got, stream_times)]
    assert got == expected and max(stream_times) > WORDS_FILE_S
    first_pass = [d for d, t in zip(got, stream_times) if t <= WORDS_FILE_S]
    second_pass = [d for d, t in zip(got, stream_times) if t > WORDS_FILE_S]
    assert second_pass == first_pass  # the same words at the same places in the file


def test_a_session_started_mid_file_for_a_model_at_another_rate_counts_from_the_file(model,
                                                                                      words_file: Path) -> None:
    """The window's model switch: a new session on a file already played to 1.5 s and sought to 8 s, here for a
    model whose frontend runs at 8 kHz (it hears the 16 kHz source converted)."""
    source = FileSource(words_file, realtime=False)
    source.start()
    while source.delivered_samples < SEEK_FROM_S * source.sample_rate:
        source.read()  # what the session for the previous model heard
    source.seek(SEEK_TO_S)
    engine = Engine(low_rate_model(model))  # its scores mean little at 8 kHz: a low threshold makes it detect
    engine.set_detection_settings(replace(engine.detection_settings, detection_threshold=LOW_RATE_THRESHOLD))
    session = LiveSession(engine, source)
    assert session.engine.sample_rate == LOW_RATE != source.sample_rate
    got = played(session)
    stream_times = [e.detection.time_s for e in session.detections.all()]
    assert len(got) >= 2 and [t for _, t in got] == [in_ms(t + SEEK_TO_S) for t in stream_times]


def test_a_generated_source_has_no_file_time(model) -> None:
    assert FileClock.of(SyntheticSource("tone", seconds=1.0), 0, model_rate(model)) is None
    assert FileClock.of(FileSource(load_audio(sample_audio_path()), realtime=False), 0, model_rate(model)) is not None
