"""Whether a guided recording session would record a person: the stream must listen to a microphone.

Why a module: with no microphone the window's start-up loops the bundled sample, and a guided session on that
stream would save takes of the sample as the user's own recordings (another voice in their dataset, named as
theirs). The guided view asks :func:`microphone_problem` before it starts, to enable its Start button, and
whenever the stream's source changes.
"""

from __future__ import annotations

from typing import Any

from workbench.core.errors import DeviceError
from workbench.gui.stream.source_choice import MICROPHONE

NO_MICROPHONE = ("The session cannot start: no microphone was found (connect one, then choose Stream > Use "
                 "microphone).")
NOT_A_MICROPHONE = ("Guided takes are recorded from a microphone, but the stream plays {name}: choose Stream > Use "
                    "microphone first.")
SOURCE_LEFT = "The session stopped: the stream no longer listens to a microphone."
STREAM_STOPPED = ("The session stopped because the stream stopped (the window's message says why): start it again "
                  "(Stream > Start), then press Start.")


def has_input_device() -> bool:
    """Whether PortAudio lists any audio input (the list as last enumerated: cheap, no re-scan)."""
    from workbench.core.audio.sources import list_input_devices

    try:
        return bool(list_input_devices())
    except DeviceError:
        return False


def microphone_problem(controller: Any) -> str | None:
    """Why a session on ``controller``'s stream cannot record a person (no input device at all, or the stream plays
    a file), else None."""
    if not has_input_device():
        return NO_MICROPHONE
    choice = controller.source_choice
    if choice.kind != MICROPHONE:
        return NOT_A_MICROPHONE.format(name=choice.path.name if choice.path is not None else "a file")
    return None
