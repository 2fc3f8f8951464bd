"""Play an audio file (or a decoded clip) as a 16 kHz source, in real time or as fast as possible.

``sample_rate`` decodes the file at another rate instead: ``kws detect`` plays a file at the rate of the model's
frontend, so an 8 kHz model hears an 8 kHz file as it is, and any file exactly as ``kws calibrate`` loads it
(converting to 16 kHz and then to the model's rate changed a few samples).

Real time is what the GUI plays (the user hears/sees it at the speed it was recorded); fast is what
``kws detect FILE`` and tests use (a 4.5 s clip replays in milliseconds through the same engine
path, handed out in ``chunk_ms`` pieces so the engine sees blocks like a sound card's). Transport
(pause/resume/seek/loop) is exact to the sample; see :mod:`workbench.core.audio.paced_source`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from workbench.core.audio.audio_file import AudioClip, load_audio
from workbench.core.audio.source_base import DELIVERY_RATE
from workbench.core.errors import SettingsError
from workbench.core.audio.paced_source import DEFAULT_CHUNK_MS, PacedSource


class FileSource(PacedSource):
    """A WAV/FLAC/OGG/MP3 file or an :class:`AudioClip`; any format is converted on load."""

    def __init__(self, path_or_clip: str | Path | AudioClip, realtime: bool = True, loop: bool = False,
                 chunk_ms: int = DEFAULT_CHUNK_MS, sample_rate: int = DELIVERY_RATE) -> None:
        if isinstance(path_or_clip, AudioClip):
            clip, name = path_or_clip, "audio clip"
            if clip.sample_rate != sample_rate:
                raise SettingsError(f"a clip for playback must be at {sample_rate} Hz, not {clip.sample_rate} Hz")
        else:
            clip, name = load_audio(path_or_clip, sample_rate), Path(path_or_clip).name
        self.clip = clip
        self.path = None if isinstance(path_or_clip, AudioClip) else Path(path_or_clip)
        super().__init__(name, clip.samples.shape[0], realtime=realtime, loop=loop, chunk_ms=chunk_ms,
                         sample_rate=sample_rate)

    def _produce(self, pos: int, n: int) -> np.ndarray:
        return self.clip.samples[pos:pos + n].copy()  # callers may modify what they read

    @property
    def duration_s(self) -> float:
        return self.clip.duration_s

    @property
    def position_s(self) -> float:
        """Clip time of the next sample to be read (wraps to 0 when looping)."""
        return self.position_samples / self.sample_rate

    def file_position_after(self, delivered: int) -> int:
        """Clip sample just after the ``delivered``-th sample this source delivered, seeks and loop wraps followed:
        where in the file the audio heard up to then ends (:class:`~workbench.core.audio.file_timeline.FileClock`)."""
        return self._position_after(delivered)

    def seek(self, seconds: float) -> None:
        """Continue from ``seconds`` (clamped to the clip); the next read starts exactly there."""
        value = float(seconds)
        if not math.isfinite(value):
            raise SettingsError(f"seek position must be a number of seconds, got {seconds}")
        self._seek_samples(round(max(0.0, value) * self.sample_rate))
