"""A negative range typed after an option as the help shows it (``--gain-db -6:0``) is that option's value."""

from __future__ import annotations

import pytest

from workbench.cli.negative_values import joined_negative_values


@pytest.mark.parametrize(("argv", "expected"), [
    (["--gain-db", "-6:0"], ["--gain-db=-6:0"]),
    (["--snr-db", "-5:5", "--gap-s", "0:1"], ["--snr-db=-5:5", "--gap-s", "0:1"]),
    (["--gain-db", "-1.5:-0.5", "--x"], ["--gain-db=-1.5:-0.5", "--x"]),
    (["--thresholds", "-3,-2"], ["--thresholds=-3,-2"]),
    (["--gain-db", "-6:0:"], ["--gain-db=-6:0:"]),  # malformed: the option's own check says why
])
def test_a_negative_range_after_a_long_option_is_joined_to_it(argv: list[str], expected: list[str]) -> None:
    assert joined_negative_values(argv) == expected


@pytest.mark.parametrize("argv", [
    ["--gain-db", "-6"],  # a plain negative number: argparse reads it as a value already
    ["--gain-db=-6:0"],
    ["--gain-db=1", "-6:0"],  # the option has its value: -6:0 is something else
    ["-o", "-6:0"],  # short options are left to argparse
    ["--out", "-6:0.wav"],  # a file name
    ["--", "--gain-db", "-6:0"],  # after --, nothing is an option
    ["-6:0"],
])
def test_anything_else_is_left_as_it_is(argv: list[str]) -> None:
    assert joined_negative_values(argv) == argv
