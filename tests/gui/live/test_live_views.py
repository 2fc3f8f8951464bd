"""The live views over a real session: following the newest data, freezing, scrolling back, resuming."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QPointF

from workbench.assets import sample_audio_path
from workbench.gui.live.spectrogram_view import VISIBLE_SECONDS

REPEATS = 4  # the 4.5 s sample four times: 18 s, more than the visible ten seconds


@pytest.fixture
def long_clip(tmp_path: Path) -> Path:
    samples, rate = sf.read(sample_audio_path(), dtype="int16")
    path = tmp_path / "long.wav"
    sf.write(path, np.tile(samples, REPEATS), rate, subtype="PCM_16")
    return path


def x_range(view) -> tuple[float, float]:
    return tuple(view.plot.viewRange()[0])


def right_edge(item) -> float:
    """Where the item's newest column ends, in its plot's x coordinates."""
    return item.mapToView(item.boundingRect().topRight()).x()


def newest_score_x(scores) -> float:
    """Where the newest inference is drawn, in the scores plot's x coordinates."""
    drawn = scores.traces.drawn(0)
    return scores.traces.mapToView(QPointF(drawn[-1, 0], 0.0)).x()


def test_views_follow_freeze_scroll_back_and_resume(play_file, window, long_clip: Path) -> None:
    play_file(window, long_clip)
    live = window.live
    spectrogram, waveform, scores = live.spectrogram, live.waveform, live.scores
    end = spectrogram.end_time_s
    assert end > VISIBLE_SECONDS + 5

    # following: the newest data sits at the right edge of every view, ten seconds are shown
    for view, item in ((spectrogram, spectrogram.image), (waveform, waveform.curve)):
        start, stop = x_range(view)
        assert stop - start == pytest.approx(VISIBLE_SECONDS)
        assert right_edge(item) == pytest.approx(stop, abs=0.03)
    times, _, _ = scores.plotted_scores()
    assert x_range(scores) == pytest.approx((0.0, VISIBLE_SECONDS))  # the traces move, not the range
    assert newest_score_x(scores) == pytest.approx(VISIBLE_SECONDS)
    assert scores.time_axis.shift == pytest.approx(times[-1] - VISIBLE_SECONDS)  # labels read stream time
    drawn = scores.traces.drawn(0)
    assert drawn[0, 0] < times[-1] - VISIBLE_SECONDS <= drawn[1, 0]  # only the visible ten seconds (+1 point)
    assert spectrogram.image.columns == round(VISIBLE_SECONDS / spectrogram._step_s)

    # frozen: everything is in stream time, the whole minute is held, the three axes move together
    window.freeze_action.trigger()
    assert live.frozen
    assert x_range(spectrogram) == pytest.approx((end - VISIBLE_SECONDS, end))
    assert x_range(waveform) == pytest.approx(x_range(spectrogram))
    assert right_edge(spectrogram.image) == pytest.approx(end, abs=1e-6)
    assert spectrogram.image.columns == spectrogram.visible_image().shape[0] > round(VISIBLE_SECONDS / 0.02)
    assert scores.traces.drawn(0).shape[0] == times.size  # every inference of the run
    assert scores.time_axis.shift == 0.0 and newest_score_x(scores) == pytest.approx(times[-1])
    spectrogram.plot.setXRange(1.0, 5.0, padding=0)  # what dragging the axis back does
    assert x_range(waveform) == pytest.approx((1.0, 5.0)) and x_range(scores) == pytest.approx((1.0, 5.0))
    image = spectrogram.image
    first, last = (image.columns - round((end - t) / spectrogram._step_s) for t in (1.0, 5.0))
    old = image.pixels()[:, first:last]
    assert (old != old[0, 0]).any()  # the start of the run (the first "yes") is still there to look at

    # resumed: back to following, the axes are independent again
    window.freeze_action.trigger()
    assert not live.frozen
    assert x_range(spectrogram) == pytest.approx((0.0, VISIBLE_SECONDS))
    assert right_edge(spectrogram.image) == pytest.approx(VISIBLE_SECONDS, abs=0.03)
    assert x_range(scores) == pytest.approx((0.0, VISIBLE_SECONDS))
    assert newest_score_x(scores) == pytest.approx(VISIBLE_SECONDS)
    spectrogram.plot.setXRange(1.0, 5.0, padding=0)
    assert x_range(scores) == pytest.approx((0.0, VISIBLE_SECONDS))


def test_views_follow_again_after_a_freeze_in_the_first_ten_seconds(play_file, window) -> None:
    """Frozen before ten seconds of stream, the spectrogram's axis is limited to before its end; unfrozen,
    all three views must return to the same following window, not one clamped to the old limits."""
    play_file(window, sample_audio_path())  # 4.5 s: frozen while the stream is shorter than the window
    live = window.live
    assert live.spectrogram.end_time_s < VISIBLE_SECONDS
    window.freeze_action.trigger()
    window.freeze_action.trigger()
    assert not live.frozen
    for view in live.views:
        assert x_range(view) == pytest.approx((0.0, VISIBLE_SECONDS)), type(view).__name__
    assert right_edge(live.spectrogram.image) == pytest.approx(live.spectrogram.end_time_s, abs=0.03)


def test_views_follow_the_file_opened_while_frozen(qtbot, play_file, window, long_clip: Path) -> None:
    from workbench.gui.stream.source_choice import FILE, SourceChoice

    play_file(window, sample_audio_path())
    live = window.live
    window.freeze_action.trigger()
    assert window.controller.set_source(SourceChoice(FILE, path=long_clip, realtime=False, loop=False))
    session = window.controller.session
    qtbot.waitUntil(lambda: session.wait(0) and not window.controller.running, timeout=30_000)
    assert live.spectrogram.end_time_s < VISIBLE_SECONDS  # the views held still while the new file played
    window.freeze_action.trigger()
    live.refresh()
    live.refresh()  # one frame for each scrolling view: they catch up from the session's history
    for view in live.views:
        assert x_range(view) == pytest.approx((0.0, VISIBLE_SECONDS)), type(view).__name__
    assert live.spectrogram.end_time_s > VISIBLE_SECONDS
    for view, item in ((live.spectrogram, live.spectrogram.image), (live.waveform, live.waveform.curve)):
        assert right_edge(item) == pytest.approx(VISIBLE_SECONDS, abs=0.03), type(view).__name__
    assert newest_score_x(live.scores) == pytest.approx(VISIBLE_SECONDS)
