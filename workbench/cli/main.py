"""Entry point of ``kws``.

Each command module exposes ``register(subparsers)``, which adds its sub-command and sets
``func=run`` where ``run(args) -> int`` returns the exit code. Expected failures are raised as
:class:`~workbench.core.errors.WorkbenchError` and become one line on stderr with exit code 2.

Only the module of the command being run is imported: the command modules import numpy, LiteRT, the audio and
board libraries at their top, and ``kws --help`` (or ``kws models``) spent most of its time loading what it never
used. So ``kws --help`` lists the commands from :data:`~workbench.cli.command_list.COMMANDS` (each one's module and its
line in the list, which its module registers it with), and a command named on the command line has its own module
imported and registered; the others are listed, never loaded.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import re
import sys
from typing import Collection, Sequence

from workbench import __version__
from workbench.child_command import EXIT_CANCELLED
from workbench.cli.command_list import ALL_MODULES, COMMANDS
from workbench.cli.model_argument import model_placement_hint
from workbench.cli.negative_values import joined_negative_values
from workbench.core.errors import WorkbenchError, os_error_sentence
from workbench.core.plot_cache import ensure_writable_plot_cache

EXIT_USAGE = 2
INVALID_CHOICE = re.compile(r"invalid choice: '(?P<given>[^']*)' \(choose from (?P<choices>.*)\)")
QUOTED = re.compile(r"'([^']*)'")
UNRECOGNIZED = "unrecognized arguments: "  # argparse's start of the error for words no option or argument takes
REQUIRED = "the following arguments are required: "
SUGGESTION_CUTOFF = 0.6  # difflib's own default: "detcet" -> "detect", "evalute" -> "evaluate"; "xyz" -> none


class _Parser(argparse.ArgumentParser):
    """One-line errors; ``tokens`` (the command line being parsed, given by :func:`main`) let an error name a file
    whose name starts with "-", which argparse reads as an option ("one of the arguments file --mic is required"
    for ``kws detect -v.wav``)."""

    tokens: Sequence[str] = ()

    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage first)
        options = {option for action in self._actions for option in action.option_strings}
        dashed = [t for t in self.tokens if t.startswith("-") and len(t) > 1 and t not in options
                  and os.path.isfile(t)]
        if dashed:  # ./NAME works for a positional and an option's value alike ("--" only for a positional)
            message += f" ({dashed[0]} is read as an option: write it as ./{dashed[0]})"
        elif message.startswith(UNRECOGNIZED):  # (said by the top parser, for the command's words too)
            message += model_placement_hint(_named_parser(self, self.tokens), message[len(UNRECOGNIZED):].split())
        elif message.startswith(REQUIRED):  # (said by the command's parser: --model=M left its argument out)
            message += model_placement_hint(self, [t for t in self.tokens if t.startswith("-")])
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}{_suggestion(message)}\n")


def _named_parser(parser: argparse.ArgumentParser, words: Sequence[str]) -> argparse.ArgumentParser:
    """The parser of the command ``words`` name (``kws board classify``'s for ``board classify M ...``): each level's
    first word that is no option; ``parser`` itself when it has no sub-commands or the word names none."""
    named = next((word for word in words if not word.startswith("-")), None)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and named in action.choices:
            rest = list(words)[list(words).index(named) + 1:]
            return _named_parser(action.choices[named], rest)
    return parser


def _suggestion(message: str) -> str:
    """" -- did you mean 'detect'?" for argparse's "invalid choice: 'detcet' (choose from ...)" when one choice is
    close (a command, a sub-command, an option's value); "" otherwise. Why: the list of 17 commands says what
    exists, not which one was meant (Python 3.14's argparse suggests; the 3.11 it must run on does not)."""
    invalid = INVALID_CHOICE.search(message)
    if invalid is None:
        return ""
    close = difflib.get_close_matches(invalid["given"], QUOTED.findall(invalid["choices"]), n=1,
                                      cutoff=SUGGESTION_CUTOFF)
    return f" -- did you mean '{close[0]}'?" if close else ""


def _all_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:  # argparse keeps its sub-commands' parsers only here
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _all_parsers(sub)
    return found


def modules_to_load(argv: Sequence[str]) -> tuple[str, ...]:
    """The module of the command ``argv`` names (its first word that is no option: ``kws``'s own options take no
    value), or none: ``kws --help``, ``kws --version``, ``kws`` alone and an unknown command need only the list."""
    named = next((word for word in argv if not word.startswith("-")), None)
    return tuple(command.module for command in COMMANDS if command.name == named)


def build_parser(modules: Collection[str] = ALL_MODULES) -> argparse.ArgumentParser:
    """The ``kws`` parser with the commands of ``modules`` registered by them (the default: every command, for a
    caller that parses any command line); every other command is only listed, under its summary."""
    parser = _Parser(prog="kws", description="KWS Workbench command line: detect keywords, inspect and tune "
                     "models, build datasets, train, evaluate and calibrate models, profile them for the "
                     "board and run them on it.")
    parser.add_argument("--version", action="version", version=f"kws {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for module in ALL_MODULES:
        if module in modules:
            importlib.import_module(module).register(sub)
        else:
            for command in COMMANDS:
                if command.module == module:
                    sub.add_parser(command.name, help=command.summary, add_help=False)
    return parser


def tolerate_unencodable_output() -> None:
    """Write what the terminal's encoding cannot hold as escapes rather than fail: in a Latin-1 locale a "…" or a
    "▸" in a help text or a file name ended the command with a UnicodeEncodeError traceback."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and getattr(stream, "errors", "") == "strict":
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    tolerate_unencodable_output()
    tokens = list(sys.argv[1:] if argv is None else argv)
    words = joined_negative_values(tokens)  # "--gain-db -6:0" works as the help shows it
    parser = build_parser(modules_to_load(words))
    for each in _all_parsers(parser):
        each.tokens = tokens
    try:
        args = parser.parse_args(words)  # a model argument is resolved here and may be missing
    except WorkbenchError as exc:
        print(f"kws: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    ensure_writable_plot_cache()  # a read-only home: no matplotlib warnings in the reports' commands
    try:
        return int(func(args) or 0)
    except WorkbenchError as exc:
        print(f"kws: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("kws: interrupted", file=sys.stderr)
        return EXIT_CANCELLED
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the machine, not the program: a full disk, a vanished folder, a denied file
        print(f"kws: error: {os_error_sentence(exc)}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
