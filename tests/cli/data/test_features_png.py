"""``kws features -o f.png``: the spectrogram as a picture with time and frequency axes, a colour bar and a title
naming the file and the changed settings; without matplotlib, the sentence every report's plot says."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from workbench.assets import sample_audio_path
from workbench.cli.data.spectrogram_plot import DPI, FIGURE_SIZE_IN, spectrogram_figure
from workbench.cli.main import main
from workbench.core.frontend_settings import channel_centres_hz
from workbench.core.frontend_settings import FrontendSettings
from workbench.plot_advice import PIP_ADVICE
from tests.no_matplotlib import block_matplotlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IHDR_SIZE = struct.Struct(">II")  # width, height: the first fields of the header chunk
IHDR_AT = len(PNG_SIGNATURE) + 8  # after the chunk's length and its type
SMALLEST_PICTURE_BYTES = 10_000  # a plain image of one colour compresses far below this


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE) and data[IHDR_AT - 4:IHDR_AT] == b"IHDR"
    return IHDR_SIZE.unpack_from(data, IHDR_AT)


def test_a_png_is_written(capsys, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the PNG needs matplotlib")
    out = tmp_path / "a.PNG"
    assert main(["features", str(sample_audio_path()), "--set", "fe.filterbank_n_channels=32", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert _png_size(data) == (round(FIGURE_SIZE_IN[0] * DPI), round(FIGURE_SIZE_IN[1] * DPI))
    assert len(data) > SMALLEST_PICTURE_BYTES
    assert capsys.readouterr().err.startswith(f"wrote {out}: 224x32 int8")


def test_two_settings_give_two_different_pictures(capsys, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the PNG needs matplotlib")
    for channels in (40, 32):
        args = ["features", str(sample_audio_path()), "--set", f"fe.filterbank_n_channels={channels}"]
        assert main([*args, "-o", str(tmp_path / f"a-{channels}.png")]) == 0
    assert (tmp_path / "a-40.png").read_bytes() != (tmp_path / "a-32.png").read_bytes()


def test_the_figure_has_time_and_frequency_axes_a_colour_bar_and_a_title() -> None:
    pytest.importorskip("matplotlib", reason="the figure needs matplotlib")
    settings = FrontendSettings(filterbank_n_channels=32, window_step_ms=10)
    features = np.zeros((100, 32), np.int8)
    figure = spectrogram_figure(features, settings, "a.wav\nfe.filterbank_n_channels=32 (kws_yes_no: 40)")
    axes, colour_bar = figure.axes
    assert axes.get_xlabel() == "time (s)" and "(Hz)" in axes.get_ylabel()
    assert axes.get_xlim() == pytest.approx((0.0, 1.0))  # 100 frames 10 ms apart
    centres = channel_centres_hz(settings)
    labels = {int(tick): text.get_text() for tick, text in zip(axes.get_yticks(), axes.get_yticklabels())}
    assert labels[0] == f"{centres[0]:.0f}" and len(labels) > 2
    assert all(text == f"{centres[tick]:.0f}" for tick, text in labels.items())
    assert axes.get_title().splitlines() == ["a.wav", "fe.filterbank_n_channels=32 (kws_yes_no: 40)"]
    assert colour_bar.get_ylabel() == "model input (int8)" and colour_bar.get_ylim() == (-128, 127)


def test_without_matplotlib_the_reports_sentence_is_said(capsys, tmp_path: Path, monkeypatch) -> None:
    block_matplotlib(monkeypatch)
    out = tmp_path / "a.png"
    assert main(["features", str(sample_audio_path()), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"kws: error: drawing the spectrogram PNG needs matplotlib: {PIP_ADVICE}\n"
    assert not out.exists()
