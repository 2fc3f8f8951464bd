"""What the window remembers and how it looks: recent files, the light palette, a vanished microphone."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication

from workbench.assets import default_model_path, sample_audio_path
from workbench.gui.stream.source_choice import MICROPHONE, SourceChoice

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from virtmic import VirtualMic, VirtualMicUnavailable  # noqa: E402

RETRY_MS = 200


def menu_paths(window) -> list[str]:
    return [action.toolTip() for action in window.recent_menu.actions()]


def mean_brightness(widget) -> float:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.width())
    rgb = np.stack([(pixels >> shift) & 0xFF for shift in (16, 8, 0)])
    return float(rgb.mean())


def test_recent_files_newest_first_deduplicated_persistent_and_pruned(qtbot, window, tmp_path: Path) -> None:
    from workbench.gui.window.main_window import MainWindow

    model_copy = tmp_path / "copy.tflite"
    shutil.copy(default_model_path(), model_copy)
    audio_copy = tmp_path / "clip.wav"
    shutil.copy(sample_audio_path(), audio_copy)
    assert window.open_model(model_copy)
    assert window.open_audio(audio_copy)
    assert window.open_model(model_copy)  # again: moves to the top, not listed twice
    paths = menu_paths(window)
    assert paths[:2] == [str(model_copy.resolve()), str(audio_copy.resolve())]
    assert len(paths) == len(set(paths))

    again = MainWindow(dark=True)  # a new run with the same settings
    qtbot.addWidget(again)
    assert menu_paths(again)[:2] == paths[:2]

    audio_copy.unlink()
    action = next(a for a in again.recent_menu.actions() if a.toolTip() == str(audio_copy.resolve()))
    action.trigger()
    assert "no longer exists" in again.last_error and audio_copy.name in again.last_error
    assert str(audio_copy.resolve()) not in menu_paths(again)
    again.close()


def test_an_ampersand_in_a_recent_file_name_is_shown(window, tmp_path: Path) -> None:
    """A menu reads "&" as the mark of the next letter's Alt key: "a & b.tflite" drew as "a _b.tflite"."""
    from workbench.gui.window.shortcuts_dialog import plain

    model_copy = tmp_path / "a & b #1.tflite"
    shutil.copy(default_model_path(), model_copy)
    assert window.open_model(model_copy)
    action = next(a for a in window.recent_menu.actions() if a.toolTip() == str(model_copy.resolve()))
    assert plain(action.text()) == "a & b #1.tflite"


def test_light_palette_changes_the_window_and_the_plots_and_persists(qtbot, window) -> None:
    from workbench.gui.window.main_window import MainWindow

    qtbot.waitExposed(window)
    dark_window_colour = QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness()
    dark_plot = window.live.scores.plot_widget.backgroundBrush().color().lightness()
    dark_brightness = mean_brightness(window)
    window.set_dark(False)
    qtbot.wait(50)
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness() > dark_window_colour + 100
    for view in window.live.views:
        assert view.plot_widget.backgroundBrush().color().lightness() > dark_plot + 100
    assert mean_brightness(window) > dark_brightness + 60
    again = MainWindow()  # no explicit palette: the saved one
    qtbot.addWidget(again)
    assert again.dark is False
    again.close()
    window.set_dark(True)


def test_a_vanished_microphone_is_reported_and_reopened_when_it_returns(qtbot, window) -> None:
    from workbench.core.audio.sources import refresh_devices

    try:
        mic = VirtualMic().start()
    except VirtualMicUnavailable as exc:
        pytest.skip(str(exc))
    second = None
    try:
        refresh_devices()
        window.controller.set_retry_interval(RETRY_MS)
        assert window.controller.set_source(SourceChoice(MICROPHONE, device="pulse")), window.last_error
        first = window.controller.session
        qtbot.waitUntil(lambda: first.spectrogram.total > 10, timeout=10_000)

        mic.kill_server()  # the device vanishes mid-stream
        # the worker stops at once; the frame timer then reports it (running reads the worker live)
        qtbot.waitUntil(lambda: not window.controller.running and window.last_error is not None, timeout=15_000)
        assert "audio" in window.last_error  # said in one sentence, no traceback dialog
        assert "reopen" in window.statusBar().currentMessage() or "retrying" in window.statusBar().currentMessage()
        qtbot.waitUntil(lambda: "audio input" in window.source_panel.message, timeout=15_000)

        mic.stop()
        second = VirtualMic().start()  # it comes back
        qtbot.waitUntil(lambda: window.controller.running and window.controller.session is not first,
                        timeout=20_000)
        assert window.statusBar().currentMessage() == "The microphone is back."
        assert window.source_panel.message == ""  # the notice of the loss is stale now
        session = window.controller.session
        rows = session.spectrogram.total
        qtbot.waitUntil(lambda: session.spectrogram.total > rows + 10, timeout=10_000)  # audio flows again
    finally:
        window.controller.stop()
        mic.stop()
        if second is not None:
            second.stop()
        refresh_devices()
