"""The clip preview with a clip it cannot read: the plot is emptied, Play is off and the info line names the clip
and says why -- no message per selection (in the window each was a box, stacked while arrowing through the
list). Play without an output device says that, not PortAudio's "Error querying device -1"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.core.audio.audio_file import save_wav
from workbench.core.audio.devices import sounddevice_module
from workbench.core.errors import DeviceError
from workbench.gui.datasets.clip_preview_view import UNREADABLE_HINT, ClipPreviewView, has_output_device

RATE = 16000
WAV_HEADER_BYTES = 44


def tone() -> np.ndarray:
    return (np.sin(np.arange(RATE) * 2 * np.pi * 440 / RATE) * 8000).astype(np.int16)


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A word folder with a good clip, a clip cut inside its header and an empty one (in the list's order)."""
    folder = tmp_path / "dataset"
    (folder / "yes").mkdir(parents=True)
    good = folder / "yes" / "a_nohash_0.wav"
    save_wav(good, tone(), RATE)
    (folder / "yes" / "b_nohash_0.wav").write_bytes(good.read_bytes()[:WAV_HEADER_BYTES // 2])
    (folder / "yes" / "c_nohash_0.wav").write_bytes(b"")
    return folder


@pytest.fixture
def preview(qtbot) -> ClipPreviewView:
    view = ClipPreviewView(dark=True)
    qtbot.addWidget(view)
    view.show()
    return view


def test_a_damaged_clip_empties_the_plot_and_says_why_in_the_info_line(qtbot, preview, dataset: Path) -> None:
    errors: list[str] = []
    preview.error.connect(errors.append)
    preview.set_folder(dataset)  # selects the first clip: the good one
    assert preview.spectrogram is not None and preview.play_button.isEnabled()
    for row, name in ((1, "yes/b_nohash_0.wav"), (2, "yes/c_nohash_0.wav")):
        preview.clip_list.setCurrentRow(row)
        assert preview.spectrogram is None and preview.image.image is None  # not the previous clip's
        assert preview.hint_text == UNREADABLE_HINT
        assert not preview.play_button.isEnabled()
        info = preview.info.text()
        assert info.startswith(name) and str(dataset) not in info and len(info) > len(name) + 10, info
        assert preview.info.is_error
        preview.play()  # as a double click on it does
    assert errors == []  # no message box per selection
    preview.clip_list.setCurrentRow(0)
    assert preview.spectrogram is not None and preview.play_button.isEnabled()
    assert preview.info.text().startswith("yes/a_nohash_0.wav: 1.00 s") and not preview.info.is_error


def test_play_without_an_output_device_says_so(qtbot, preview, dataset: Path) -> None:
    try:
        sounddevice = sounddevice_module()
    except DeviceError as exc:
        pytest.skip(str(exc))
    if has_output_device(sounddevice):
        pytest.skip("this machine has an audio output device")
    errors: list[str] = []
    preview.error.connect(errors.append)
    preview.set_folder(dataset)
    preview.play()
    assert errors == ["Cannot play the clip: no audio output device was found."]
