"""`kws detect` on a multi-minute stream: its live session keeps no view rows (nothing draws them), and what it
prints -- every --scores row and every detection -- is what the live path with views and the engine fed directly
give for the same file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_path
from workbench.assets import default_model_path
from workbench.calibration.streams.stream_builder import StreamRecipe
from workbench.calibration.streams.stream_files import make_dataset_stream, write_stream
from workbench.cli.detect_lines import JSONL, detection_line, scores_line
from workbench.cli.main import main
from workbench.core.audio.audio_file import load_audio
from workbench.core.audio.sources import FileSource
from workbench.core.engine import Engine, InferenceResult
from workbench.core import live_session
from workbench.core.live_session import LiveSession
from workbench.core.model.model_file import load_model

STREAM_MINUTES = 3.0
STREAM_SEED = 1
IRREGULAR_CHUNKS = (320, 4801, 17, 1600)  # samples: a sound card's 20 ms, then sizes no inference instant lines up to


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dataset = shared_path("datasets", "speech_commands")
    path = tmp_path_factory.mktemp("long") / "stream.wav"
    write_stream(make_dataset_stream([dataset], StreamRecipe(minutes=STREAM_MINUTES, seed=STREAM_SEED)), path)
    return path


def printed(results: list[InferenceResult], classes: tuple[str, ...]) -> list[str]:
    """The lines ``kws detect --scores --format jsonl`` prints for ``results``."""
    lines = []
    for result in results:
        lines.append(scores_line(result, classes, JSONL))
        if result.detection is not None:
            lines.append(detection_line(result.detection, JSONL))
    return lines


def live_path_with_views(engine: Engine, path: Path) -> list[InferenceResult]:
    """What kws detect ran before: the session as the GUI has it, views and all."""
    session = LiveSession(engine, FileSource(path, realtime=False, sample_rate=engine.sample_rate))
    assert session.views
    results: list[InferenceResult] = []
    session.result_listeners.append(results.append)
    session.start()
    assert session.wait(120)
    session.close()
    assert session.error is None and session.envelope.total > 0
    return results


def engine_fed_directly(engine: Engine, path: Path) -> list[InferenceResult]:
    samples = load_audio(path, engine.sample_rate).samples
    results, pos, turn = [], 0, 0
    while pos < samples.size:
        size = IRREGULAR_CHUNKS[turn % len(IRREGULAR_CHUNKS)]
        results += engine.process(samples[pos:pos + size])
        pos, turn = pos + size, turn + 1
    return results


def test_detect_prints_what_the_live_path_with_views_and_the_engine_give(stream: Path, capsys,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    sessions: list[LiveSession] = []

    class SeenSession(LiveSession):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            sessions.append(self)

    monkeypatch.setattr(live_session, "LiveSession", SeenSession)  # kws detect imports it when it runs
    code = main(["detect", str(stream), "--format", JSONL, "--scores"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0

    model = load_model(default_model_path())
    before = printed(live_path_with_views(Engine(model), stream), model.classes)
    direct = printed(engine_fed_directly(Engine(model), stream), model.classes)
    assert sum('"type": "detection"' in line for line in before) > STREAM_MINUTES  # a stream with keywords heard
    assert len(before) > STREAM_MINUTES * 60 * 9  # every inference (10 a second) has its scores row
    assert out == before == direct

    [session] = sessions
    assert not session.views and session.stats().inferences == sum('"scores"' in line for line in out)
    assert session.inferences.total == session.spectrogram.total == session.envelope.total == 0

