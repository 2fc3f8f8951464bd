"""What the workbench remembers between runs (QSettings): window, model, device, parameters, recent files.

Why a module: the keys and their types are in one place, and everything read back is checked, so
a hand-edited or stale settings file can never stop the window from opening (a bad value is ignored).
Tests point QSettings at a temporary directory (``QSettings.setPath``) before creating the window.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "KWS Workbench"
APPLICATION = "KWS Workbench"
MAX_RECENT = 8

GEOMETRY = "window/geometry"
WORKSPACE = "window/workspace"
DARK = "view/dark"
MODEL = "model/last"
DEVICE = "source/device"
RECENT = "files/recent"
CLIPS_FOLDER = "recording/folder"
CLIP_LABEL = "recording/label"
CLIP_SPEAKER = "recording/speaker"
DETECTION_MODEL = "detection/model"
DETECTION_PARAMS = "detection/params"


class AppSettings:
    """Typed access to the workbench's QSettings."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.qsettings = settings or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                               ORGANIZATION, APPLICATION)

    def _str(self, key: str) -> str:
        value = self.qsettings.value(key, "")
        return value if isinstance(value, str) else ""

    # -- window ---------------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self.qsettings.value(GEOMETRY)
        return value if isinstance(value, QByteArray) else None

    def save_geometry(self, geometry: QByteArray) -> None:
        self.qsettings.setValue(GEOMETRY, geometry)

    def workspace(self) -> str:
        """The workspace that was in front when the window closed (dock layouts: WorkspaceLayouts)."""
        return self._str(WORKSPACE)

    def set_workspace(self, key: str) -> None:
        self.qsettings.setValue(WORKSPACE, key)

    def dark(self) -> bool:
        return self._str(DARK) != "false"

    def set_dark(self, dark: bool) -> None:
        self.qsettings.setValue(DARK, "true" if dark else "false")

    # -- model and source -------------------------------------------------------------------------
    def last_model(self) -> Path | None:
        path = Path(self._str(MODEL)) if self._str(MODEL) else None
        return path if path is not None and path.is_file() else None

    def set_last_model(self, path: Path) -> None:
        self.qsettings.setValue(MODEL, str(path))

    def device(self) -> int | str | None:
        text = self._str(DEVICE)
        if not text:
            return None
        return int(text) if text.isdigit() else text

    def set_device(self, device: int | str | None) -> None:
        self.qsettings.setValue(DEVICE, "" if device is None else str(device))

    # -- recent files ----------------------------------------------------------------------------
    def recent_files(self) -> list[Path]:
        try:
            items = json.loads(self._str(RECENT) or "[]")
        except json.JSONDecodeError:
            return []
        return [Path(p) for p in items if isinstance(p, str) and Path(p).exists()][:MAX_RECENT]

    def add_recent(self, path: Path) -> list[Path]:
        items = [p for p in self.recent_files() if p.resolve() != path.resolve()]
        items.insert(0, path.resolve())
        items = items[:MAX_RECENT]
        self.qsettings.setValue(RECENT, json.dumps([str(p) for p in items]))
        return items

    def remove_recent(self, path: Path) -> list[Path]:
        """Forget ``path`` (e.g. it was deleted); returns the remaining list."""
        try:
            items = json.loads(self._str(RECENT) or "[]")
        except json.JSONDecodeError:
            items = []
        kept = [p for p in items if isinstance(p, str) and Path(p) != path and Path(p) != path.resolve()]
        self.qsettings.setValue(RECENT, json.dumps(kept))
        return self.recent_files()

    # -- recording -----------------------------------------------------------------------------
    def clips_folder(self) -> Path | None:
        text = self._str(CLIPS_FOLDER)
        return Path(text) if text else None

    def set_clips_folder(self, folder: Path) -> None:
        self.qsettings.setValue(CLIPS_FOLDER, str(folder))

    def clip_label(self) -> str:
        return self._str(CLIP_LABEL)

    def set_clip_label(self, label: str) -> None:
        self.qsettings.setValue(CLIP_LABEL, label)

    def clip_speaker(self) -> str:
        return self._str(CLIP_SPEAKER)

    def set_clip_speaker(self, speaker: str) -> None:
        self.qsettings.setValue(CLIP_SPEAKER, speaker)

    # -- detection parameters ------------------------------------------------------------------
    def detection_params(self, model_path: Path) -> dict[str, Any] | None:
        """The tuned parameters saved for this model file, or None."""
        if self._str(DETECTION_MODEL) != str(model_path.resolve()):
            return None
        try:
            params = json.loads(self._str(DETECTION_PARAMS) or "null")
        except json.JSONDecodeError:
            return None
        return params if isinstance(params, dict) else None

    def set_detection_params(self, model_path: Path, params: dict[str, Any]) -> None:
        self.qsettings.setValue(DETECTION_MODEL, str(model_path.resolve()))
        self.qsettings.setValue(DETECTION_PARAMS, json.dumps(params))

    def sync(self) -> None:
        self.qsettings.sync()
