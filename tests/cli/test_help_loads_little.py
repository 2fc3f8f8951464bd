"""``kws --help`` (and ``kws`` alone, an unknown command, each command's ``--help``) loads neither numpy nor LiteRT:
only the module of the command named is imported, it imports what its run needs when it runs, and the list of
commands is the one the modules register."""

from __future__ import annotations

import os
import re

import argparse

import pytest

from tests.cli.installed_kws import run_kws
from workbench.cli.command_list import COMMANDS
from workbench.cli.main import build_parser

HEAVY = ("numpy", "ai_edge_litert", "tensorflow")
IMPORTED = re.compile(r"^import time:\s*\d+ \|\s*\d+ \|\s*(\S+)$", re.MULTILINE)  # -X importtime's lines


def _run_and_list_imports(*argv: str) -> tuple[int, str, set[str]]:
    """``kws ARGV`` with Python's import profile on: its exit code, its help (either stream), the modules imported."""
    done = run_kws(*argv, env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    imported = set(IMPORTED.findall(done.stderr))
    assert "workbench.cli.main" in imported, done.stderr[-2000:]  # the profile is there
    return done.returncode, done.stdout + IMPORTED.sub("", done.stderr), imported


@pytest.mark.parametrize(("argv", "code", "said"), [
    (("--help",), 0, "sweep     search hyper-parameters"),
    ((), 2, "detect    detect keywords"),
    (("nosuch",), 2, "invalid choice: 'nosuch'"),
])
def test_help_loads_neither_numpy_nor_litert(argv: tuple[str, ...], code: int, said: str) -> None:
    returncode, text, imported = _run_and_list_imports(*argv)
    assert returncode == code and said in text, text
    assert [name for name in HEAVY if name in imported] == []


@pytest.mark.parametrize("command", [command.name for command in COMMANDS])
def test_a_commands_help_loads_neither_numpy_nor_litert(command: str) -> None:
    returncode, text, imported = _run_and_list_imports(command, "--help")
    assert returncode == 0 and f"usage: kws {command}" in text, text
    assert [name for name in HEAVY if name in imported] == []


def test_the_list_of_commands_is_the_one_their_modules_register() -> None:
    full, listed_only = build_parser(), build_parser(modules=())
    assert listed_only.format_help() == full.format_help()
    commands = next(action for action in full._actions if isinstance(action, argparse._SubParsersAction))
    registered = [(choice.dest, choice.help) for choice in commands._choices_actions]
    assert registered == [(command.name, command.summary) for command in COMMANDS]
