"""What the window says when there is no audio input at all: what to do about it, in the window's own words.

Why beside the Source panel: the remedy sends the user to the panel's Refresh and Start buttons, as the panel's own
tooltip for a missing input does (``NO_INPUT_TIP`` in :mod:`~workbench.gui.stream.source_panel`). The core's
sentence (``NO_INPUT_MESSAGE`` in :mod:`workbench.core.audio.devices`) says the command line's remedy ("pass a WAV
file"). Not "choose Stream > Use microphone" either: the error box follows that very choice.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.core.audio.devices import NO_INPUT_FOUND, NoInputDeviceError

NO_INPUT_REMEDY = ("plug in a microphone and press Refresh, then Start, in the Source panel; or play a recording "
                   "with File > Open audio…")
NO_INPUT_TEXT = f"{NO_INPUT_FOUND.capitalize()}: {NO_INPUT_REMEDY}."


def sample_instead_text(sample_name: str, failures: Sequence[Exception]) -> str:
    """The status line when no microphone opened (``failures``: why each tried device did not) and the bundled
    sample ``sample_name`` plays instead.

    Why no input at all wins over the failures' reasons: then what to do about it is what the user needs, not a
    remembered device's failure."""
    if any(isinstance(exc, NoInputDeviceError) for exc in failures):
        return f"{NO_INPUT_FOUND.capitalize()}, so the bundled sample {sample_name} plays: {NO_INPUT_REMEDY}."
    reason = next((str(exc) for exc in failures if str(exc)), "")
    return f"No microphone ({reason}); playing the bundled sample {sample_name} instead."
