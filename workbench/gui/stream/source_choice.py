"""What the live stream listens to: a microphone or a file, and how the file plays.

Why a module of its own: the session controller opens sessions on it, and the source panel, the file transport,
the guided recording and the window's menus build and read it; it holds no Qt and no session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
