"""A source's blocks brought to the rate a model's frontend hears, as they stream.

Why: every audio source delivers 16 kHz (:data:`~workbench.core.audio.source_base.DELIVERY_RATE`), but a
model may run its frontend at another rate (``fe.sample_rate_hz`` 8000 for a model trained on telephone
audio), and an engine fed 16 kHz audio as 8 kHz would hear every word an octave low and twice as long.
The live session converts what its source delivers before the engine hears it, with the file loader's own
conversion (:mod:`workbench.core.audio.audio_file`: soxr's high-quality filter on float samples, rounded to
int16 by :func:`~workbench.core.audio.audio_file.to_int16`), streamed. soxr's streaming output equals its
one-shot output sample for sample, so a 16 kHz file played to an 8 kHz model gives the engine exactly what
``load_audio(path, 8000)`` gives: the audio ``kws calibrate`` replays and ``kws evaluate`` scores.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import soxr

from workbench.core.audio.audio_file import INT16_SCALE, RESAMPLE_QUALITY, to_int16
from workbench.core.errors import SettingsError


class RateConverter:
    """Converts int16 blocks from ``source_rate`` to ``target_rate``, keeping the filter's state between them."""

    def __init__(self, source_rate: int, target_rate: int) -> None:
        if int(source_rate) <= 0 or int(target_rate) <= 0:
            raise SettingsError(f"sample rates must be positive, got {source_rate} and {target_rate} Hz")
        self.source_rate, self.target_rate = int(source_rate), int(target_rate)
        self._stream = self._new_stream()

    def _new_stream(self) -> soxr.ResampleStream:
        return soxr.ResampleStream(self.source_rate, self.target_rate, 1, dtype="float64",
                                   quality=RESAMPLE_QUALITY)

    def convert(self, block: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        """The converted samples this block completes (the filter holds back a few until later blocks)."""
        return to_int16(self._stream.resample_chunk(np.asarray(block, np.float64) / INT16_SCALE, last=False))

    def flush(self) -> npt.NDArray[np.int16]:
        """The samples the filter still holds, at the end of the source; the converter then starts afresh (a
        file played again from its start is a new stream)."""
        tail = to_int16(self._stream.resample_chunk(np.empty(0, np.float64), last=True))
        self._stream = self._new_stream()
        return tail
