"""Which input the next start opens first: the last microphone that streamed, saved once it has.

Why not the input chosen: a microphone is chosen (Start, Stream > Use microphone, start-up, the retry after it
vanished) before it starts, and its start can still fail after PortAudio found it: the stream does not open or
start, or its first reads fail and the session stops at once with a device error. Saved as it was chosen, such an
input became the next start's first try, and the input that did stream was forgotten. So each microphone session is
followed here until it has heard audio without an error, and only then is its input saved (the previous one stays
otherwise); a session closed meanwhile (another source, another model, the window's close) is judged as it ended.

Heard means the model ran on its audio at least once (:meth:`~workbench.core.live_session.LiveSession.stats`): the
engine and its counts are the session's own, so no earlier session's audio counts for this one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from workbench.core.audio.devices import DeviceIdentity
from workbench.gui.session_controller import SessionController
from workbench.gui.settings.app_settings import AppSettings
from workbench.gui.stream.source_choice import MICROPHONE

# how often a microphone session that has not streamed yet is looked at; a look reads a few counters, and the input
# is saved at most this long after its first audio (or when its session ends, whichever comes first)
HEARD_CHECK_MS = 100


class SavedMicrophone(QObject):
    """Saves the input of the controller's microphone session into ``settings`` once the session has streamed."""

    def __init__(self, controller: SessionController, settings: AppSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._settings = settings
        self._session: Any = None  # the microphone session not yet heard (None: none is followed)
        self._device: int | str | DeviceIdentity | None = None  # ... its input, as the controller opened it
        self._timer = QTimer(self)
        self._timer.setInterval(HEARD_CHECK_MS)
        self._timer.timeout.connect(self.save_if_streamed)
        controller.session_changed.connect(self._follow)

    @property
    def waiting(self) -> bool:
        """True while a microphone session is followed that has not streamed yet."""
        return self._session is not None

    def _follow(self, session: Any) -> None:
        """A session closed (None) or opened: the one followed is judged as it ended; a microphone's is followed."""
        self.save_if_streamed()
        self._session = None
        choice = self._controller.source_choice
        if session is not None and choice.kind == MICROPHONE:
            self._session, self._device = session, choice.device
            self._timer.start()
        else:
            self._timer.stop()

    def save_if_streamed(self) -> None:
        """Save the followed session's input if it has heard audio without an error (the timer, a closing session,
        and the window's close, which must not lose an input that streamed for less than :data:`HEARD_CHECK_MS`)."""
        session = self._session
        if session is None or session.error or session.stats().inferences == 0:
            return
        self._settings.set_device(self._device)
        self._session = None
        self._timer.stop()
