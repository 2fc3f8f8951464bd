"""The spectrogram PNG of ``kws features -o f.png``: time across, the filterbank's channels up, a colour bar.

Why matplotlib, imported only when a PNG is drawn: as for the reports' plots (:mod:`workbench.evaluation.plots`),
loading it costs time every other ``kws`` command should not pay, and the figure is drawn on an Agg canvas
without ``pyplot``, so no global backend is switched. Without matplotlib,
:class:`~workbench.plot_advice.PlotUnavailable` says how to get it (:mod:`workbench.plot_advice`).

Every channel is one row of equal height, as the model sees it, labelled with its centre frequency in Hz
(:func:`workbench.core.frontend_settings.channel_centres_hz`): the channels are mel-spaced, so a linear Hz axis
would squeeze the low ones the filterbank resolves finest. Each column is one frame, one window step wide, at the
time its window starts. The int8 colours span the whole int8 range whatever the audio, so two PNGs of two settings
compare colour for colour; the raw uint16 output takes its own range (it depends on the log scale and PCAN settings).
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import Any

import numpy as np

from workbench.core.frontend_settings import channel_centres_hz
from workbench.core.frontend_settings import FrontendSettings
from workbench.plot_advice import plot_unavailable

PLOT = "the spectrogram PNG"  # what needs matplotlib, in its error
FIGURE_SIZE_IN = (9.0, 4.5)
DPI = 100
COLOUR_MAP = "viridis"
INT8_LIMITS = (-128, 127)
HZ_TICKS = 8  # about this many channels get a frequency label
TITLE_CHARS = 90  # a title line longer than this is wrapped
TITLE_FONT_PT = 10
COLOUR_BAR_LABELS = {"int8": "model input (int8)", "uint16": "frontend output (uint16)"}


def spectrogram_png(features: np.ndarray, settings: FrontendSettings, title: str) -> bytes:
    """The picture as PNG bytes; :class:`PlotUnavailable` (saying how to get matplotlib here) if it is missing."""
    buffer = io.BytesIO()
    spectrogram_figure(features, settings, title).savefig(buffer, format="png")
    return buffer.getvalue()


def spectrogram_figure(features: np.ndarray, settings: FrontendSettings, title: str) -> Any:
    """``features`` (frames x channels, computed with ``settings``) as a matplotlib ``Figure`` (module
    docstring); :class:`PlotUnavailable` without matplotlib."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state
    except ImportError:
        raise plot_unavailable(PLOT) from None
    frames, channels = features.shape
    step_s = settings.window_step_samples / settings.sample_rate_hz
    figure = Figure(figsize=FIGURE_SIZE_IN, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    limits = INT8_LIMITS if features.dtype == np.int8 else (None, None)
    image = axes.imshow(features.T, origin="lower", aspect="auto", interpolation="nearest", cmap=COLOUR_MAP,
                        extent=(0.0, frames * step_s, -0.5, channels - 0.5), vmin=limits[0], vmax=limits[1])
    every = max(1, math.ceil(channels / HZ_TICKS))
    ticks = list(range(0, channels, every))
    centres = channel_centres_hz(settings)
    axes.set_yticks(ticks, [f"{centres[i]:.0f}" for i in ticks])
    axes.set_xlabel("time (s)")
    axes.set_ylabel("channel centre frequency (Hz)")
    axes.set_title("\n".join(textwrap.fill(line, TITLE_CHARS) for line in title.splitlines()),
                   fontsize=TITLE_FONT_PT)
    figure.colorbar(image, ax=axes, label=COLOUR_BAR_LABELS.get(features.dtype.name, features.dtype.name))
    return figure
