"""What a workspace may ask of the window it lives in.

Why a protocol: the Model, Profile, Training, Calibration and Board workspaces are written separately
and tested as standalone widgets; each takes a ``host`` instead of reaching into :class:`MainWindow`.
The window implements it, and a test can pass any small object with the same methods.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from workbench.gui.settings.app_settings import AppSettings
    from workbench.gui.session_controller import SessionController


class WorkspaceHost(Protocol):
    """The window's services for workspaces."""

    @property
    def controller(self) -> "SessionController":
        """The live stream, its model and its detection tuning (shared by every workspace)."""

    @property
    def settings(self) -> "AppSettings":
        """Persistent preferences (QSettings)."""

    def open_model(self, path: str | Path) -> bool:
        """Load ``path`` into the live stream, the Model and the Profile workspaces; False on error."""

    def open_audio(self, path: str | Path) -> bool:
        """Play the audio file ``path`` as the live stream's source; False (the window said why) on error."""

    def remember_model_file(self, path: Path) -> None:
        """A model file the workspace wrote (a copy with detection parameters): the window offers it next."""

    def show_error(self, message: str) -> None:
        """An expected failure: a non-blocking message box and the status bar, never a traceback."""

    def show_status(self, message: str) -> None:
        """A short message in the status bar."""

    def show_workspace(self, key: str) -> None:
        """Bring a workspace (``"live"``, ``"model"``, ``"profile"``, …) to the front."""


class ClosableWorkspace(Protocol):
    """A workspace with work that must not be lost when the window closes (optional methods)."""

    def confirm_close(self) -> bool:
        """Ask the user (e.g. "a training run is in progress: stop it?"); False keeps the window open."""

    def shutdown(self) -> None:
        """Stop background work cleanly (child processes, serial ports) before the window goes."""
