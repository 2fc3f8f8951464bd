"""The Synthesize… dialog's preview says how to get a spectrogram while it has none, instead of showing axes
around nothing; the axes come back with the first clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.core.audio.audio_file import save_wav
from workbench.gui.datasets.clip_preview_view import NO_CLIPS_HINT, NO_SELECTION_HINT, ClipPreviewView

RATE = 16000


def axes_shown(view: ClipPreviewView) -> list[bool]:
    return [view.plot.getAxis(name).isVisible() for name in ("bottom", "left")]


def test_the_empty_preview_shows_a_hint_and_no_axes_until_a_clip_is_shown(qtbot, tmp_path: Path) -> None:
    view = ClipPreviewView(dark=True)
    qtbot.addWidget(view)
    view.show()
    view.set_folder(tmp_path / "dataset")  # nothing built yet
    assert view.hint_text == NO_CLIPS_HINT and axes_shown(view) == [False, False]
    assert view.hint.isVisible() and view.spectrogram is None
    (tmp_path / "dataset" / "yes").mkdir(parents=True)
    tone = (np.sin(np.arange(RATE) * 2 * np.pi * 440 / RATE) * 8000).astype(np.int16)
    save_wav(tmp_path / "dataset" / "yes" / "ada_nohash_0.wav", tone, RATE)
    view.refresh()  # the build wrote its first clip
    assert view.spectrogram is not None and view.hint_text == "" and axes_shown(view) == [True, True]
    view.clip_list.setCurrentRow(-1)
    assert view.hint_text == NO_SELECTION_HINT and axes_shown(view) == [False, False]
    view.set_dark(False)  # the hint follows the palette as the axes do
    assert view.hint.color.name() != "#d0d0d0"
