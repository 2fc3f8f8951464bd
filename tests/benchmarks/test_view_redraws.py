"""bench_gui's count of what the live views draw: a refresh that brings new rows is a redraw and one that brings
none is not; a shown view is painted, a hidden one is redrawn but never painted -- what the benchmark's "none
expected while hidden" rests on. Real LiveViews over a real session of the bundled sample, offscreen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from _view_redraws import Counts, ViewRedraws
from workbench.assets import default_model_path, sample_audio_path
from workbench.core.audio.file_source import FileSource
from workbench.core.engine import Engine
from workbench.core.live_session import LiveSession
from workbench.core.model.model_file import load_model
from workbench.gui.gui_thread_gc import GuiThreadGarbageCollector
from workbench.gui.live.live_views import LiveViews

SIZE = (900, 600)
PLAY_TIMEOUT_S = 30.0
SETTLE_MS = 100  # what was asked to repaint has been painted


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp: QApplication) -> Iterator[None]:
    """The session's worker thread must never collect a widget of an earlier test (see gui_thread_gc)."""
    collector = GuiThreadGarbageCollector()
    yield
    collector.stop()
    collector.deleteLater()


@pytest.fixture
def played() -> Iterator[LiveSession]:
    """A session that has played the whole bundled sample: its histories hold rows for every view."""
    session = LiveSession(Engine(load_model(default_model_path())), FileSource(sample_audio_path(), realtime=False))
    session.start()
    assert session.wait(PLAY_TIMEOUT_S), session.error
    yield session
    session.close()


def counted_since(counter: ViewRedraws, before: dict[str, Counts]) -> dict[str, Counts]:
    return {name: counts - before[name] for name, counts in counter.counts().items()}


def test_redraws_are_refreshes_with_new_rows_and_only_a_shown_view_is_painted(qtbot, played: LiveSession) -> None:
    live = LiveViews()
    qtbot.addWidget(live)
    live.resize(*SIZE)
    live.show()
    qtbot.waitExposed(live)
    counter = ViewRedraws({"waveform": live.waveform, "spectrogram": live.spectrogram, "scores": live.scores})
    live.bind(played)
    qtbot.wait(SETTLE_MS)
    before = counter.counts()

    live.refresh()  # the spectrogram's turn, and the scores: both take every row the session holds
    live.refresh()  # the waveform's turn; the scores have no new rows, so they are not redrawn again
    qtbot.waitUntil(lambda: all(c.paints for c in counted_since(counter, before).values()))
    shown = counted_since(counter, before)
    assert {name: c.redraws for name, c in shown.items()} == {"waveform": 1, "spectrogram": 1, "scores": 1}

    live.hide()
    qtbot.wait(SETTLE_MS)
    before = counter.counts()
    live.bind(played)  # from the start again: every view has rows to take
    live.refresh()
    live.refresh()
    qtbot.wait(SETTLE_MS)
    hidden = counted_since(counter, before)
    assert {name: c.redraws for name, c in hidden.items()} == {"waveform": 1, "spectrogram": 1, "scores": 1}
    assert all(c.paints == 0 for c in hidden.values()), hidden
