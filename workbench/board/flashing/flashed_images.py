"""Which firmware image the workbench last flashed on each board, and where it ends.

Why remember it: a model flashed alone (``kws board flash --model``) is written after Commander erases
its whole pages, which may reach into the image already on the board. The tool chain cannot tell what
is there: Commander, as MLTK drives it, only flashes, resets and erases (FORMATS.md section 5), and the
firmware only reports where the model is. So the workbench notes each image it flashes, keyed by the
chip's unique ID, and checks a later model against it. An image written by another tool is unknown:
the caller then warns instead of checking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from workbench.board.flashing.firmware_image import ImageExtent
from workbench.core.atomic_write import atomic_write_text
from workbench.core.errors import WorkbenchError

APP_NAME = "kws-workbench"
FILE_NAME = "flashed-images.json"


def default_record_file() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / FILE_NAME


@dataclass(frozen=True)
class FlashedImage:
    """An image flashed on a board: its file name, its data's address range (``end`` exclusive), when."""

    name: str
    start: int
    end: int
    flashed: str  # UTC, ISO 8601


class FlashedImages:
    """The record file (default: ``<user data>/kws-workbench/flashed-images.json``), one entry per chip."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_record_file()

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none yet, or unreadable: every image counts as unknown
        return data if isinstance(data, dict) else {}

    def get(self, unique_id: str) -> FlashedImage | None:
        """What the workbench last flashed on the chip ``unique_id``; None when it never did (or forgot)."""
        entry = self._read().get(unique_id)
        try:
            return FlashedImage(str(entry["name"]), int(entry["start"]), int(entry["end"]),  # type: ignore[index]
                                str(entry["flashed"]))  # type: ignore[index]
        except (TypeError, KeyError, ValueError):
            return None

    def remember(self, unique_id: str, name: str, extent: ImageExtent) -> str | None:
        """Note that ``name`` now lies on the chip; returns why it could not be noted (None when it was)."""
        data = self._read()
        data[unique_id] = {"name": name, "start": extent.start, "end": extent.end,
                           "flashed": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        return self._write(data)

    def forget(self, unique_id: str) -> str | None:
        """The chip's image is no longer known (a write is under way); returns why that could not be noted."""
        data = self._read()
        if data.pop(unique_id, None) is None:
            return None
        return self._write(data)

    def _write(self, data: dict[str, dict[str, object]]) -> str | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(data, indent=1) + "\n")
        except (OSError, WorkbenchError) as exc:
            return f"cannot note the flashed image in {self.path}: {getattr(exc, 'strerror', None) or exc}"
        return None
