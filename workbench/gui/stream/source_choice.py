"""What the live stream listens to: a microphone or a file, and how the file plays.

Why a module of its own: the session controller opens sessions on it, and the source panel, the file transport,
the guided recording and the window's menus build and read it; it holds no Qt and no session.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError

MICROPHONE = "microphone"
FILE = "file"


@dataclass(frozen=True)
class SourceChoice:
    """What to listen to: a microphone (``device``: index, name or None = default) or a file."""

    kind: str = MICROPHONE
    device: int | str | None = None
    path: Path | None = None
    realtime: bool = True
    loop: bool = False

    def describe(self) -> str:
        if self.kind == FILE and self.path is not None:
            return f"file {self.path.name}" + (" (loop)" if self.loop else "")
        return "microphone" + (f" {self.device}" if self.device is not None else " (default)")

    def with_file_options(self, realtime: bool | None = None, loop: bool | None = None) -> "SourceChoice":
        """This choice with the file player's Real time and Loop boxes as given (None: as it is); a
        microphone's choice has neither and stays as it is."""
        if self.kind != FILE:
            return self
        return replace(self, realtime=self.realtime if realtime is None else bool(realtime),
                       loop=self.loop if loop is None else bool(loop))

    def open(self, volume_gain: float, file_rate: int | None = None) -> Any:
        """A new audio source for this choice (a microphone gets the model's ``volume_gain``, as the board
        applies it to its microphone; a file is decoded at ``file_rate``, the model's, when given, so the model
        hears it as ``kws calibrate`` does); a WorkbenchError that names the file or device when it cannot open."""
        from workbench.core.audio import sources as audio_sources  # PortAudio and soundfile: once one is opened

        if self.kind == FILE:
            if self.path is None:
                raise WorkbenchError("no audio file chosen")
            rate = {} if file_rate is None else {"sample_rate": file_rate}
            return audio_sources.FileSource(self.path, realtime=self.realtime, loop=self.loop, **rate)
        source = audio_sources.MicrophoneSource(device=self.device)
        source.gain = volume_gain
        return source
