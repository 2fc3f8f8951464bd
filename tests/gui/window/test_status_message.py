"""A status message longer than the room left of the permanent fields is elided, whole in the tooltip."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics

LONG = ("No microphone (no audio input device found; pass a WAV file or plug in a microphone); "
        "playing the bundled sample yes_no.wav instead.")
NARROW = (900, 700)  # too narrow for the message beside the stream indicator


def test_a_long_message_is_elided_between_its_ends_and_kept_whole_in_the_tooltip(qtbot, window) -> None:
    window.resize(*NARROW)
    qtbot.waitUntil(lambda: window.width() <= NARROW[0] + 200, timeout=2000)
    bar = window.statusBar()
    window.show_status(LONG)
    fields = [label for label in window.status_labels.values() if label.isVisible()]
    assert fields  # the permanent fields stay
    room = bar.message_rect()
    assert room.right() < min(label.x() for label in fields)
    shown = bar.shown_message()
    assert shown != LONG and "…" in shown  # it did not fit ...
    assert QFontMetrics(bar.font()).horizontalAdvance(shown) <= room.width()  # ... and what is drawn does
    assert shown.startswith("No microphone") and shown.endswith("instead.")  # both ends of the sentence
    assert bar.currentMessage() == LONG and bar.toolTip() == LONG
    bar.grab()  # paints without error
    window.show_status("short")
    assert bar.shown_message() == "short" and bar.toolTip() == "short"
