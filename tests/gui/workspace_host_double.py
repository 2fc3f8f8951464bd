"""What the main window offers a workspace (``WorkspaceHost``), for tests of a workspace on its own.

Why a double: a workspace is tested as a standalone widget; this host gives it a real
:class:`SessionController` and real settings (an INI file in the test's folder) and records what the
workspace asked of the window -- errors, status messages, workspaces shown, models and audio opened.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from workbench.gui.settings.app_settings import AppSettings
from workbench.gui.session_controller import SessionController

SETTINGS_FILE = "settings.ini"


class WorkspaceHostDouble:
    """A ``WorkspaceHost`` with a real controller whose settings live in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.controller = SessionController()
        self.settings = AppSettings(QSettings(str(folder / SETTINGS_FILE), QSettings.Format.IniFormat))
        self.errors: list[str] = []
        self.statuses: list[str] = []
        self.shown: list[str] = []
        self.opened: list[Path] = []
        self.audio: list[Path] = []  # the files open_audio was asked to play
        self.remembered: list[Path] = []  # the model files a workspace wrote, for the window to offer

    def open_model(self, path: str | Path) -> bool:
        self.opened.append(Path(path))
        return self.controller.load_model(path)

    def open_audio(self, path: str | Path) -> bool:
        """Record the file; the live stream is the window's, so nothing plays here."""
        self.audio.append(Path(path))
        return True

    def remember_model_file(self, path: Path) -> None:
        self.remembered.append(Path(path))

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def show_status(self, message: str) -> None:
        self.statuses.append(message)

    def show_workspace(self, key: str) -> None:
        self.shown.append(key)
