"""The preview's view on a preview the real command wrote: one row per sample as the index lists it, the selected
sample's PNG shown large with every value a sharp square, its WAV played, and its folder opened."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage

from tests.gui.training.preview.preview_checks import audio_module, grey_pixels, index_rows, played_calls
from workbench.gui.training.preview.augmentation_preview_view import (CLASS_COLUMN, CLIP_COLUMN, NUMBER_COLUMN,
                                                                      TRANSFORMS_COLUMN, AugmentationPreviewView)
from workbench.gui.training.preview.preview_index_reader import PreviewIndexError

VIEW_SIZE = (1200, 700)


@pytest.fixture
def view(qtbot, written_preview: Path):  # type: ignore[no-untyped-def]
    widget = AugmentationPreviewView()
    qtbot.addWidget(widget)
    widget.resize(*VIEW_SIZE)
    widget.show_folder(written_preview)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_one_row_per_sample_as_the_index_lists_it(view: AugmentationPreviewView, written_preview: Path) -> None:
    written = index_rows(written_preview)
    table = view.table
    assert table.rowCount() == len(written) > 0
    for row, values in enumerate(written):
        assert table.item(row, NUMBER_COLUMN).text() == values["n"]
        assert table.item(row, CLASS_COLUMN).text() == values["class"]
        source = Path(values["source"]) if values["source"] else None
        assert table.item(row, CLIP_COLUMN).text() == (f"{source.parent.name}/{source.name}" if source
                                                       else "generated silence")
        assert "mask" in table.item(row, TRANSFORMS_COLUMN).text()  # written with every sample masked
    assert view.path_label.path() == str(written_preview)
    assert view.summary.text().startswith(f"{len(written)} samples of the first epoch")
    assert " of spec quick_kws, " in view.summary.text()  # the folder may hold a run of another spec
    assert view.selected_row() is view.rows[0]  # the first sample is shown at once


def test_the_selected_samples_png_is_shown_large_and_sharp(view: AugmentationPreviewView, written_preview: Path,
                                                           qtbot) -> None:
    written = index_rows(written_preview)
    view.table.selectRow(2)
    png = written_preview / written[2]["spectrogram"]
    assert view.caption.text().startswith(f"{written[2]['n']}. {written[2]['class']} from ")
    source = grey_pixels(QImage(str(png)))
    assert np.array_equal(grey_pixels(view.image.pixmap.toImage()), source)
    shown = grey_pixels(view.image.scaled_pixmap().toImage())
    factor = shown.shape[0] // source.shape[0]
    assert factor >= 2 and shown.shape == (source.shape[0] * factor, source.shape[1] * factor)
    assert np.array_equal(shown, np.repeat(np.repeat(source, factor, 0), factor, 1))  # nearest: no blended greys
    view.resize(VIEW_SIZE[0] // 2, VIEW_SIZE[1] // 2)
    qtbot.waitUntil(lambda: view.image.scaled_pixmap().height() < shown.shape[0], timeout=2000)


def test_play_plays_the_selected_samples_wav(view: AugmentationPreviewView, written_preview: Path, qtbot,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    calls = played_calls(monkeypatch)
    view.table.selectRow(1)
    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    wav = written_preview / index_rows(written_preview)[1]["audio"]
    samples, rate = sf.read(str(wav), dtype="int16")
    assert len(calls) == 1 and calls[0][1] == rate == 16000 and np.array_equal(calls[0][0], samples)
    assert view.info.text() == f"Playing {wav.name}" and not view.info.is_error
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Return on the selected row plays it, as a double-click does
    assert len(calls) == 2


def test_a_sample_that_cannot_be_played_is_said_in_the_dialog(view: AugmentationPreviewView, qtbot,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    sounddevice = audio_module()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise sounddevice.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sounddevice, "play", refuse)
    row = view.selected_row()
    assert not view.play()
    assert view.info.is_error and view.info.text().startswith(f"Cannot play {row.audio.name}: ")
    assert "\n" not in view.info.text()
    row.audio.unlink()
    view.table.selectRow(1)
    view.table.selectRow(0)
    assert not view.play_button.isEnabled() and view.info.text() == f"{row.audio.name} is missing: nothing to play."
    row.spectrogram.unlink()
    view.table.selectRow(1)
    view.table.selectRow(0)
    assert view.image.pixmap.isNull() and view.image.note == f"{row.spectrogram.name} is missing or not an image."


def test_open_folder_opens_it_or_says_where_it_is(view: AugmentationPreviewView, written_preview: Path, qtbot,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(written_preview)] and not view.info.is_error
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    assert not view.open_folder()
    assert view.info.is_error and view.info.text().endswith(f"the samples are in {written_preview}.")


def test_an_unreadable_index_leaves_the_list_as_it_was(view: AugmentationPreviewView, tmp_path: Path) -> None:
    rows = list(view.rows)
    (tmp_path / "empty").mkdir()
    with pytest.raises(PreviewIndexError):
        view.show_folder(tmp_path / "empty")
    assert view.rows == rows and view.table.rowCount() == len(rows)


def test_the_samples_take_the_keyboard_and_tab_follows_the_reading_order(view: AugmentationPreviewView,
                                                                         qtbot) -> None:
    """Open folder, created first, led the Tab chain and took the focus: Enter opened the file manager and the arrows
    moved through no samples. The table has it now, and Tab goes Open folder, samples, Play, Close."""
    view.activateWindow()
    qtbot.waitUntil(lambda: view.focusWidget() is view.table, timeout=2000)
    chain = [view.open_button, view.table, view.play_button]
    for first, second in zip(chain, chain[1:]):
        assert first.nextInFocusChain() is second or second in _following(first, 3)
    assert view.table.currentRow() == 0


def _following(widget, count: int) -> list:  # type: ignore[no-untyped-def]
    """The next ``count`` widgets that take Tab focus after ``widget``."""
    found, current = [], widget.nextInFocusChain()
    while current is not widget and len(found) < count:
        if current.focusPolicy() & Qt.FocusPolicy.TabFocus and current.isVisible():
            found.append(current)
        current = current.nextInFocusChain()
    return found
