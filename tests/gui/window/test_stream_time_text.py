"""The status bar's stream time reads at a glance after a night of listening."""

from __future__ import annotations

import pytest

from workbench.gui.window.stream_indicator_view import stream_time_text


@pytest.mark.parametrize("seconds, text", [
    (0.0, "    0.0 s"), (123.44, "  123.4 s"), (3599.9, " 3599.9 s"),
    (3600.0, "1:00:00"), (3723.9, "1:02:03"), (36000.0, "10:00:00"), (90061.0, "25:01:01"),
])
def test_stream_time_is_seconds_in_the_first_hour_then_hours_minutes_seconds(seconds: float, text: str) -> None:
    assert stream_time_text(seconds) == text
