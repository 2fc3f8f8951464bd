"""Counts and lists as sentences say them."""

from __future__ import annotations

import pytest

from workbench.core.wording import clock_time, counted, listed, plural


@pytest.mark.parametrize(("number", "text"), [(0, "0 clips"), (1, "1 clip"), (2, "2 clips"), (1.5, "1.5 clips")])
def test_one_is_singular_and_everything_else_plural(number: float, text: str) -> None:
    assert counted(number, "clip") == text


def test_an_irregular_plural_is_given() -> None:
    assert counted(3, "worker process", "worker processes") == "3 worker processes"
    assert counted(1, "worker process", "worker processes") == "1 worker process"
    assert plural(2, "class", "classes") == "classes"


@pytest.mark.parametrize(("names", "text"), [([], ""), (["yes"], "yes"), (["yes", "no"], "yes and no"),
                                             (["a", "b", "c"], "a, b and c"), (("x", "y"), "x and y")])
def test_names_are_listed_with_a_final_and(names: list[str], text: str) -> None:
    assert listed(names) == text


@pytest.mark.parametrize(("seconds", "text"), [(7, "0:07"), (750.4, "12:30"), (3900, "1:05:00"), (-3, "0:00"),
                                               (None, "--:--"), (float("inf"), "--:--")])
def test_durations_read_as_a_clock(seconds: float | None, text: str) -> None:
    assert clock_time(seconds) == text


def test_a_recording_under_a_minute_is_said_in_seconds() -> None:
    """A 12 s background read "0.2 min", a 2.5 s stream "0.0 min"."""
    from workbench.core.wording import audio_length

    assert [audio_length(s) for s in (2.5, 12, 59.94, 60, 150)] == ["2.5 s", "12.0 s", "59.9 s", "1.0 min", "2.5 min"]
