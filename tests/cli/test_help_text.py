"""Every ``kws`` help text says what it means to someone who has only the program: no project-tracker
references ("issue 16"), and ``kws stream make`` states the mix it builds."""

from __future__ import annotations

import argparse
import re
from typing import Iterator

from workbench.cli.main import build_parser

TRACKER_REFERENCE = re.compile(r"\bissue\s*#?\d+", re.IGNORECASE)


def _parsers(parser: argparse.ArgumentParser, name: str = "kws") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:  # argparse keeps sub-commands only here
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_no_help_text_points_at_an_issue_number() -> None:
    helps = dict(_parsers(build_parser()))
    assert len(helps) > 30, "the walk must reach the sub-commands"
    offending = {name: TRACKER_REFERENCE.findall(p.format_help()) for name, p in helps.items()}
    assert {name: found for name, found in offending.items() if found} == {}


def test_stream_make_help_states_the_default_mix() -> None:
    helps = dict(_parsers(build_parser()))
    text = " ".join(helps["kws stream make"].format_help().split())  # argparse wraps lines
    assert "keywords : other words : silences about 332 : 1,678 : 169 per hour" in text
    target = " ".join(helps["kws calibrate"].format_help().split())
    assert "(default 100: the goal on a dense-speech stream" in target and "1,678 other words an hour" in target
