"""What the live stream listens to: a microphone or a file, and how the file plays.

Why a module of its own: the session controller opens sessions on it, and the source panel, the file transport,
the guided recording and the window's menus build and read it; it holds no Qt and no session.

A microphone is chosen by its :class:`~workbench.core.audio.devices.DeviceIdentity` (name and host API) once it has
opened (:meth:`SourceChoice.naming`): what reopens it later (the retry after it vanished, another model) must find
that same input, and an index or a partial name given at first may by then name another one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from workbench.core.audio.devices import DeviceIdentity, NoInputDeviceError
from workbench.core.errors import WorkbenchError
from workbench.gui.stream.no_input_words import NO_INPUT_TEXT

MICROPHONE = "microphone"
FILE = "file"


@dataclass(frozen=True)
class SourceChoice:
    """What to listen to: a microphone (``device``: identity, index, name or None = the default input) or a file."""

    kind: str = MICROPHONE
    device: int | str | DeviceIdentity | None = None
    path: Path | None = None
    realtime: bool = True
    loop: bool = False

    def describe(self) -> str:
        if self.kind == FILE and self.path is not None:
            return f"file {self.path.name}" + (" (loop)" if self.loop else "")
        if isinstance(self.device, DeviceIdentity):
            return f"microphone {self.device.label()}"
        return "microphone" + (f" {self.device}" if self.device is not None else " (default)")

    def naming(self, source: Any) -> "SourceChoice":
        """This choice naming its microphone as ``source`` (opened for it) found it, by its identity, so that a reopen
        finds that input and no other; the default input stays the default (it follows the system's)."""
        if self.kind != MICROPHONE:
            return self
        return replace(self, device=source.stable_device)

    def with_file_options(self, realtime: bool | None = None, loop: bool | None = None) -> "SourceChoice":
        """This choice with the file player's Real time and Loop boxes as given (None: as it is); a
        microphone's choice has neither and stays as it is."""
        if self.kind != FILE:
            return self
        return replace(self, realtime=self.realtime if realtime is None else bool(realtime),
                       loop=self.loop if loop is None else bool(loop))

    def resume_point(self, source: Any) -> tuple[float, bool] | None:
        """Where the file ``source`` (playing for this choice, or None) is, and whether it is paused: what a restart
        on another model continues from (None: no file, or it has ended)."""
        if self.kind != FILE or source is None or getattr(source, "finished", True):
            return None
        return source.position_s, source.paused

    def open(self, volume_gain: float, file_rate: int | None = None) -> Any:
        """A new audio source for this choice (a microphone gets the model's ``volume_gain``, as the board
        applies it to its microphone; a file is decoded at ``file_rate``, the model's, when given, so the model
        hears it as ``kws calibrate`` does); a WorkbenchError that names the file or device when it cannot open, and
        with no audio input at all one that says what to do in the window (not the command line's remedy)."""
        from workbench.core.audio import sources as audio_sources  # PortAudio and soundfile: once one is opened

        if self.kind == FILE:
            if self.path is None:
                raise WorkbenchError("no audio file chosen")
            rate = {} if file_rate is None else {"sample_rate": file_rate}
            return audio_sources.FileSource(self.path, realtime=self.realtime, loop=self.loop, **rate)
        try:
            source = audio_sources.MicrophoneSource(device=self.device)
        except NoInputDeviceError as exc:
            raise NoInputDeviceError(NO_INPUT_TEXT) from exc
        source.gain = volume_gain
        return source
