"""The waveform, spectrogram and scores views share one font-change rule (FontRestyledView): a font change
restyles each with the palette it was last given, a palette change alone does not (the window tells them)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from workbench.gui.live.font_restyled_view import FontRestyledView
from workbench.gui.live.level_meter_view import WaveformView
from workbench.gui.live.scores_view import ScoresView
from workbench.gui.live.spectrogram_view import SpectrogramView

VIEWS = (WaveformView, SpectrogramView, ScoresView)


@pytest.mark.parametrize("view_class", VIEWS, ids=lambda c: c.__name__)
def test_the_rule_lives_once(view_class: type) -> None:
    assert issubclass(view_class, FontRestyledView)
    assert "changeEvent" not in vars(view_class)  # no copy of its own


@pytest.mark.parametrize("view_class", VIEWS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_a_font_change_restyles_with_the_last_palette(qtbot, view_class: type, dark: bool) -> None:
    view = view_class(dark=dark)
    qtbot.addWidget(view)
    calls: list[bool] = []
    view.set_dark = calls.append  # the instance's own: the shared changeEvent must call it
    QApplication.sendEvent(view, QEvent(QEvent.Type.PaletteChange))
    assert calls == []
    QApplication.sendEvent(view, QEvent(QEvent.Type.FontChange))
    assert calls == [dark]
