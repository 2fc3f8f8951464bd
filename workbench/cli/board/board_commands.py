"""``kws board list|info|flash|profile|classify|console|refit``: a Silicon Labs EFR32 dev kit from the command line.

``list`` and ``info`` say what is connected (serial ports, J-Link debuggers, the chip and its MLTK
platform), ``flash`` writes a firmware image and/or a model with Simplicity Commander, ``console``
prints the board's serial log. ``profile`` and ``classify`` (in :mod:`.board_run_commands`) run MLTK's
model-profiler and audio-classifier firmware on the chip. Expected failures (no Commander, no board,
several debuggers, a model that does not fit) end with one sentence on stderr and exit status 2;
Ctrl+C and SIGTERM stop cleanly ("board: stopped", status 130).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import threading
from pathlib import Path
from typing import Any, Callable, TextIO

from workbench.cli.command_list import summary
from workbench.board.commander import Commander
from workbench.board.commander.output import FlashProgress
from workbench.board.errors import SeveralDebuggers
from workbench.board.ports import list_debuggers, list_serial_ports
from workbench.child_command import EXIT_CANCELLED
from workbench.cli.cancel_signals import cancel_on_signals
from workbench.cli.model_argument import model_argument
from workbench.documentation import BOARD, PathKeepingHelpFormatter, see

EXIT_OK = 0


def add_debugger_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--serialno", help="J-Link serial number of the board to use (see `kws board list`)")
    p.add_argument("--commander", type=Path,
                   help="Simplicity Commander executable (default: $KWS_COMMANDER, PATH, Simplicity Studio)")


def register(subparsers: Any) -> None:
    board = subparsers.add_parser(
        "board", help=summary("board"),
        formatter_class=PathKeepingHelpFormatter,
        description="Work with an EFR32 dev kit (BRD2601B and the other boards MLTK supports) through "
        "Simplicity Commander and the board's J-Link serial port. " + see(BOARD))
    sub = board.add_subparsers(title="board commands", metavar="COMMAND")
    board.set_defaults(func=lambda args: _help(board))

    p = sub.add_parser("list", help="serial ports (J-Link first) and debuggers with their serial numbers",
                       description="List serial ports, J-Link VCOM ports first, and the J-Link debuggers "
                       "behind them with the serial numbers --serialno takes.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_list)

    p = sub.add_parser("info", help="part number, flash and RAM size, unique ID and MLTK platform",
                       description="Ask the chip (commander device info) what it is and which MLTK platform "
                       "that is (EFR32MG24B310F1536IM48 → brd2601, EFR32MG24B210F1536IM48 → brd4186, …).")
    add_debugger_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_info)

    p = sub.add_parser("flash", help="write a firmware image and/or a model with Commander",
                       description="Write a firmware image (.s37/.hex/.bin) and/or a model to the board. The "
                       "model goes at the end of flash as flatbuffer + 4-byte little-endian length, where MLTK's "
                       "firmware looks for it; image and model are checked to fit before anything is written.")
    p.add_argument("image", nargs="?", type=Path, help="firmware image (.s37, .hex or .bin)")
    p.add_argument("--model", type=model_argument, help="model (.tflite or .mltk.zip) to put at the end of flash")
    p.add_argument("--halt", action="store_true", help="leave the CPU halted (default: reset so it runs)")
    p.add_argument("--force", action="store_true", help="with MLTK's audio-classifier image, flash a model that "
                   "firmware would refuse or read differently (no class names, missing fe.* settings, a wrong "
                   "threshold list) instead of stopping")
    add_debugger_options(p)
    p.set_defaults(func=run_flash)

    p = sub.add_parser("console", help="print the board's serial log",
                       description="Print what the board writes on its J-Link serial port (115200 8N1) until "
                       "Ctrl+C, the port vanishes, or --seconds pass.")
    p.add_argument("--port", help="serial port (default: the board's J-Link VCOM port)")
    p.add_argument("--serialno", help="pick the port of this debugger")
    p.add_argument("--baudrate", type=int, default=115_200, help="baud rate (default: 115200)")
    p.add_argument("--log", type=Path, help="also write the log to this file (replaced atomically at the end)")
    p.add_argument("--seconds", type=float, help="stop after this many seconds")
    p.set_defaults(func=run_console)

    from workbench.cli.board import board_run_commands

    board_run_commands.register(sub)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


# -- shared helpers -----------------------------------------------------------------------------
def resolve_serialno(serialno: str | None) -> str | None:
    """The debugger to use: the one asked for, else None when at most one J-Link is plugged in."""
    if serialno:
        return serialno
    debuggers = list_debuggers(list_serial_ports())
    if len(debuggers) > 1:
        numbers = tuple(d.serialno for d in debuggers)
        raise SeveralDebuggers(f"Several debuggers are connected ({', '.join(numbers)}): choose one with "
                               "--serialno.", numbers)
    return None


def board_status(text: str) -> None:
    """A board command's status line, on stderr (results go to stdout)."""
    print(f"board: {text}", file=sys.stderr, flush=True)


def board_warning(text: str) -> None:
    """A warning, on stderr as every ``kws`` command gives them."""
    print(f"kws: warning: {text}", file=sys.stderr, flush=True)


def say_classifier_problems(problems: list[str], *, refuse: bool) -> None:
    """What the audio-classifier firmware would refuse in the model about to be flashed, each on stderr (errors when
    ``refuse``, then SettingsError before anything is written; else warnings).

    Why before the flash: it takes half a minute and ends on a board that stops at start-up or does not classify as
    the workbench does; ``flash`` and ``classify`` say it alike, and ``--force`` flashes the model as it is.
    """
    from workbench.core.errors import SettingsError

    for problem in problems:
        print(f"kws: {'error' if refuse else 'warning'}: {problem}", file=sys.stderr)
    if problems and refuse:
        raise SettingsError("nothing flashed: fix the model as said above, or add --force to flash it as it is")


def stop_cleanly(work: Callable[[threading.Event], int]) -> int:
    """``work(cancel)`` with Ctrl+C and SIGTERM setting ``cancel``; a stop ends it with "board: stopped", 130.

    Why: killed outright by SIGTERM (the GUI's Stop, ``kill``, ``timeout``) a board command would die in the
    middle of a Commander run, leaving Commander flashing on in its own session and the model file it was
    given in a temporary folder. Why a flag and not an exception: every Commander run, download and serial
    loop checks ``cancel`` and cleans up after itself (kills Commander's process group, removes the file,
    closes the port); an exception raised at an arbitrary point could come between starting Commander and
    the code that would kill it.
    """
    from workbench.board.errors import Cancelled, FlashInterrupted

    cancel = threading.Event()
    try:
        with cancel_on_signals(cancel):
            return work(cancel)
    except (Cancelled, KeyboardInterrupt) as exc:
        if isinstance(exc, FlashInterrupted):  # what is left on the board decides what to do next
            board_status(str(exc))
        board_status("stopped")
        return EXIT_CANCELLED


def make_commander(args: argparse.Namespace) -> Commander:
    return Commander.find(getattr(args, "commander", None), serialno=resolve_serialno(args.serialno))


class ProgressPrinter:
    """Flash progress on stderr: one updating line on a terminal, one line per phase otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last: tuple[str, str] | None = None

    def __call__(self, step: str, progress: FlashProgress) -> None:
        if progress.phase == "programming":
            text = f"flashing {step}: {progress.fraction:4.0%}"
        else:
            text = f"flashing {step}: {progress.phase}"
        if self.tty:
            end = "\n" if progress.phase == "done" else ""
            self.stream.write(f"\r{text:<40}{end}")
        elif self._last != (step, progress.phase):
            self.stream.write(text + "\n")
        self._last = (step, progress.phase)
        self.stream.flush()


def load_tflite(path: Path) -> tuple[bytes, str]:
    from workbench.core.model.model_file import load_model

    model = load_model(path)
    return bytes(model.tflite), model.name


# -- list, info, flash ----------------------------------------------------------------------------
def run_list(args: argparse.Namespace) -> int:
    ports = list_serial_ports()
    debuggers = list_debuggers(ports)
    if args.json:
        print(json.dumps({"ports": [p.to_dict() for p in ports], "debuggers": [d.to_dict() for d in debuggers]},
                         indent=2))
        return EXIT_OK
    print("Serial ports:" if ports else "No serial ports found.")
    width = max((len(p.device) for p in ports), default=0)
    for port in ports:
        tag = (f"  [J-Link {port.debugger_serialno}]" if port.debugger_serialno
               else "  [J-Link]" if port.is_jlink else "")
        print(f"  {port.device:<{width}}  {port.description}{tag}")
    print("Debuggers:" if debuggers else "No J-Link debuggers found (connect the board over USB).")
    for debugger in debuggers:
        print(f"  {debugger.serialno}  {', '.join(debugger.ports)}")
    return EXIT_OK


def run_info(args: argparse.Namespace) -> int:
    """What the chip is; stoppable (:func:`stop_cleanly`): a debugger that stops answering hangs Commander."""
    return stop_cleanly(lambda cancel: _info(args, cancel))


def _info(args: argparse.Namespace, cancel: threading.Event) -> int:
    info = make_commander(args).device_info(cancel=cancel)
    if args.json:
        print(json.dumps(info.to_dict(), indent=2))
        return EXIT_OK
    base = info.to_dict()["flash_base"]
    rows = [("Part number", info.part_number), ("Platform", info.platform or "not supported by MLTK"),
            ("Flash", f"{info.flash_size // 1024} kB" + (f" at {base}" if base else "")),
            ("RAM", f"{info.sram_size // 1024} kB"), ("Unique ID", info.unique_id),
            ("Die revision", info.die_revision), ("Production version", str(info.production_version))]
    for label, value in rows:
        print(f"{label + ':':<20}{value}")
    return EXIT_OK


def run_flash(args: argparse.Namespace) -> int:
    """Flash the image and/or model; stoppable (:func:`stop_cleanly`), Commander and its temporary file too."""
    return stop_cleanly(lambda cancel: _flash(args, cancel))


def _flash(args: argparse.Namespace, cancel: threading.Event) -> int:
    from workbench.board.flashing.programming import program_board
    from workbench.core.errors import WorkbenchError

    if args.image is None and args.model is None:
        raise WorkbenchError("give a firmware image, --model, or both")
    tflite, name = load_tflite(args.model) if args.model is not None else (None, "")
    if tflite is not None and args.image is not None:
        _check_classifier_model(args.image, tflite, args.model, force=args.force)
    commander = make_commander(args)
    result = program_board(commander, image=args.image, tflite=tflite, halt=True, on_progress=ProgressPrinter(),
                           cancel=cancel, model_name=name or None, warn=board_warning)
    if not args.halt:
        commander.reset(device=result.device.commander_device, cancel=cancel)
    parts = []
    if result.image is not None:
        parts.append(f"{args.image.name} ({result.image.data_bytes} bytes)")
    if result.plan is not None:
        parts.append(f"model {name} ({result.plan.model_bytes} bytes at 0x{result.plan.model_address:08X})")
    print(f"Flashed {' and '.join(parts)} on {result.device.platform or result.device.part_number} "
          f"({result.device.part_number}){'; CPU halted' if args.halt else ''}.")
    return EXIT_OK


def _check_classifier_model(image: Path, tflite: bytes, model: Path, *, force: bool) -> None:
    """With MLTK's audio-classifier image, what that firmware would refuse in the model, as ``classify`` says it.

    Why only then: ``flash`` also writes the profiler and the user's own firmware, which read the model otherwise;
    the Board tab's Flash (the audio classifier's) asks the same question.
    """
    from workbench.board.firmware.catalog import CLASSIFIER_APP
    from workbench.board.firmware.image_app import image_app
    from workbench.board.runs.classify_run import classifier_problems

    if image_app(image) == CLASSIFIER_APP:
        say_classifier_problems(classifier_problems(tflite, shlex.quote(str(model))), refuse=not force)


# -- console ----------------------------------------------------------------------------------------
def run_console(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Lines as the board prints them until Ctrl+C or SIGTERM (both exit 130 after the log is written, as
    every stoppable ``kws`` command does), ``--seconds`` or a vanished port."""
    from workbench.board.runs.console import read_console
    from workbench.board.runs.job import BoardCallbacks
    from workbench.board.ports import choose_port
    from workbench.cli.board.board_run_commands import check_baudrate
    from workbench.core.atomic_write import atomic_write_text, check_destination
    from workbench.core.errors import SettingsError

    out = out or sys.stdout
    if args.seconds is not None and not args.seconds > 0:
        raise SettingsError(f"--seconds must be positive, not {args.seconds:g}.")
    check_baudrate(args.baudrate)
    if args.log is not None:
        check_destination(args.log)  # now, not after the whole session
    port = args.port or choose_port(list_serial_ports(), args.serialno)
    lines: list[str] = []

    def show(line: str) -> None:
        lines.append(line)
        out.write(line + "\n")
        out.flush()

    def console(cancel: threading.Event) -> int:
        callbacks = BoardCallbacks(status=board_status, line=show, cancel=cancel)
        read_console(port, callbacks, baudrate=args.baudrate, seconds=args.seconds)
        return EXIT_OK

    try:
        return stop_cleanly(console)  # SIGTERM too: the log below is written, not lost
    finally:
        if args.log is not None:
            atomic_write_text(args.log, "\n".join(lines) + ("\n" if lines else ""))
