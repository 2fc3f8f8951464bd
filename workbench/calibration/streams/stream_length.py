"""The shortest stream a model can be calibrated on: one whole input window of audio.

Why a rule at all: a recording shorter than the model's input (1 s for the micro_speech models) is never
heard whole -- every inference sees it padded with the silence before it -- and gives only a few inferences,
fewer than the averaging window the detector needs. Its "figures" (FRR 100 % on a 0.3 s file) are an artefact,
yet the sweep would still recommend a set; so ``kws calibrate`` and ``kws stream check`` refuse it with one
sentence naming both lengths. The window is the model's own: ``fe.sample_length_ms``, the audio one
inference hears (:class:`~workbench.core.frontend_settings.FrontendSettings`).
"""

from __future__ import annotations

from pathlib import Path

import soundfile as sf

from workbench.core.errors import WorkbenchError
from workbench.core.frontend_settings import FrontendSettings, FrontendSettingsError
from workbench.core.model.model_file import LoadedModel

MS_PER_SECOND = 1000.0
MAX_DIGITS = 6  # a stream a sample short of the window (1/16000 s) still reads as shorter


class StreamTooShortError(WorkbenchError):
    """A stream shorter than one input window of the model."""


def model_window_s(model: LoadedModel) -> float | None:
    """Seconds of audio one inference of ``model`` hears; None when its ``fe.*`` settings cannot be used (the
    engine says why, in its words, when it is built)."""
    try:
        return FrontendSettings.from_params(model.params).sample_length_ms / MS_PER_SECOND
    except FrontendSettingsError:
        return None


def header_duration_s(path: str | Path) -> float | None:
    """The recording's length from its header (no decoding: a long stream is not read twice); None when the
    header cannot be read -- loading the audio then reports the problem."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError):
        return None
    return info.frames / info.samplerate if info.samplerate > 0 else None


def check_stream_length(duration_s: float, model: LoadedModel, audio_name: str) -> None:
    """:class:`StreamTooShortError` when ``duration_s`` is shorter than one input window of ``model``."""
    window_s = model_window_s(model)
    if window_s is not None and duration_s < window_s:
        digits = 2
        while f"{duration_s:.{digits}f}" == f"{window_s:.{digits}f}" and digits < MAX_DIGITS:  # never "1.00 < 1.00"
            digits += 1
        raise StreamTooShortError(
            f"the stream {audio_name} is {duration_s:.{digits}f} s long, shorter than the {window_s:.{digits}f} s "
            f"window one inference of model {model.name} hears; give a stream at least that long (minutes with "
            "dozens of keywords for figures worth trusting)")
