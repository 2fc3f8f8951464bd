"""``kws board profile``, ``kws board classify`` and ``kws board refit``: runs on the chip, and what they teach.

``profile`` prints the same document as ``kws profile`` with the board's figures in ``measured`` (the
table shows estimate and measurement side by side with the error in %); ``--save`` keeps it for the
refit. ``classify`` relays the board's audio-classifier output: its banner and settings, then one line
or JSON object per detection (and per inference with ``--verbose``). ``refit`` shows how saved
measurements correct the cycle estimates, or profiles a model with the refit applied. Progress and
status go to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TextIO

from workbench.board.runs.job import (ACCELERATORS, DEFAULT_ACTIVITY_TIMEOUT_S, PROFILE_RUN_TIMEOUTS,
                                      BoardCallbacks, BoardOptions)
from workbench.board.uart.line_reader import BAUDRATE
from workbench.cli.board.board_commands import (ProgressPrinter, add_debugger_options, board_status, load_tflite,
                                                resolve_serialno, say_classifier_problems, stop_cleanly)
from workbench.cli.board.board_log_output import deliver_log, keep_log
from workbench.cli.model_argument import MODEL_HELP, model_argument
from workbench.cli.measure.profile_commands import output_format
from workbench.core.wording import counted
from workbench.cli.parameter_option import add_threshold_options, parameter_type, threshold_changes
from workbench.core.errors import SettingsError, WorkbenchError
from workbench.documentation import BOARD, PathKeepingHelpFormatter, see
from workbench.profiler.accelerators import DEFAULT_ACCELERATOR

if TYPE_CHECKING:
    from workbench.core.detection.settings import DetectionSettings

PROFILE_FORMATS = ("table", "json", "csv", "markdown")
CLASSIFY_FORMATS = ("text", "jsonl")
MS_PER_S = 1000.0
# CLI option -> DetectionSettings field (the names `kws detect` uses, plus --volume-gain; the thresholds:
# parameter_option.threshold_changes, as for `kws detect`)
DETECTION_OPTIONS = {"window_ms": "average_window_duration_ms",
                     "suppression_ms": "suppression_ms", "count": "minimum_count", "latency_ms": "latency_ms",
                     "volume_gain": "volume_gain"}


def _board_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--port", help="serial port (default: the board's J-Link VCOM port)")
    p.add_argument("--firmware", type=Path, help=f"{what} firmware image to flash (default: MLTK's published "
                   "image for the board, downloaded once and cached)")
    p.add_argument("--no-flash", action="store_true", help="flash nothing: attach to a board already running "
                   f"the {what} and wait for it to start (press the board's reset button)")
    p.add_argument("--accelerator", choices=ACCELERATORS, default="mvp",
                   help="firmware built with the MVP accelerator (default) or for the CPU only")
    if what == "profiler":
        timeout_help = ("give up after this many seconds of silence, or when the profiler has not started within "
                        f"them, or when it has not said 'done' after {PROFILE_RUN_TIMEOUTS} times them in all")
    else:  # a classifier may stay silent for as long as nothing is said: only its start is timed
        timeout_help = (f"give up when the {what} has not started within this many seconds; once it runs, only "
                        "Ctrl+C, --duration or a fault on the board ends it")
    p.add_argument("--timeout", type=float, default=DEFAULT_ACTIVITY_TIMEOUT_S,
                   help=f"{timeout_help} (default: {DEFAULT_ACTIVITY_TIMEOUT_S:g})")
    p.add_argument("--baudrate", type=int, default=BAUDRATE, help=f"serial baud rate (default: {BAUDRATE})")
    add_debugger_options(p)


def register(sub: Any) -> None:
    p = sub.add_parser("profile", help="profile a model on the board: measured cycles and time per layer",
                       description="Flash MLTK's model-profiler firmware and the model, reset the board, read "
                       "its per-layer report and print it beside the estimate (the same document as `kws "
                       "profile`, with `measured` filled; the table adds the error in %).")
    p.add_argument("model", type=model_argument, help=MODEL_HELP)
    _board_options(p, "profiler")
    p.add_argument("--format", choices=PROFILE_FORMATS, help="output format (default: the one -o's extension "
                   "names -- .json, .csv, .md or .txt, as for `kws profile`; another extension needs --format -- "
                   "else table)")
    p.add_argument("-o", "--output", type=Path, help="write the result to this file instead of stdout")
    p.add_argument("--log", type=Path, help="also write the board's raw serial log to this file")
    p.add_argument("--save", action="store_true", help="save the measurement for `kws board refit` "
                   "(in the user data folder, or --store)")
    p.add_argument("--store", type=Path, help="folder of saved measurements (default: the user data folder)")
    p.set_defaults(func=run_profile)

    p = sub.add_parser("classify", help="run the model on the board and print its detections",
                       description="Flash MLTK's audio-classifier firmware and the model (with the detection "
                       "parameters below written into it), reset the board and print its banner, settings and "
                       "detections (and every inference with --verbose) until Ctrl+C or --duration.")
    p.add_argument("model", type=model_argument, help=MODEL_HELP)
    _board_options(p, "audio classifier")
    p.add_argument("--verbose", action="store_true", help="the board prints every inference's scores")
    p.add_argument("--duration", type=float, help="stop after this many seconds (default: until Ctrl+C)")
    p.add_argument("--format", choices=CLASSIFY_FORMATS, default="text", help="output format (default: text)")
    add_threshold_options(p)
    p.add_argument("--window-ms", type=parameter_type("average_window_duration_ms"), help="average_window_duration_ms")
    p.add_argument("--suppression-ms", type=parameter_type("suppression_ms"), help="suppression_ms")
    p.add_argument("--count", type=parameter_type("minimum_count"), help="minimum_count")
    p.add_argument("--latency-ms", type=parameter_type("latency_ms"), help="latency_ms: time between inferences")
    p.add_argument("--volume-gain", type=parameter_type("volume_gain"),
                   help="volume_gain the firmware applies to its microphone")
    p.add_argument("--force", action="store_true", help="flash a model the firmware would refuse or read "
                   "differently (no class names, missing fe.* settings, a wrong threshold list) instead of stopping")
    p.set_defaults(func=run_classify)

    p = sub.add_parser("refit", help="cycle-estimate refit from saved board measurements",
                       formatter_class=PathKeepingHelpFormatter,
                       description="Without MODEL: list the saved measurements and the refit factors "
                       "(measured/estimated per op, core and quantity). With MODEL: profile it with the refit "
                       "applied. The default estimate (`kws profile`) never changes. " + see(BOARD))
    p.add_argument("model", type=model_argument, nargs="?", help="model to profile with the refit")
    p.add_argument("--store", type=Path, help="folder of saved measurements (default: the user data folder)")
    p.add_argument("--accelerator", choices=ACCELERATORS, default=DEFAULT_ACCELERATOR, help="as `kws profile`")
    p.add_argument("--format", choices=PROFILE_FORMATS, default="table", help="output format (default: table)")
    p.set_defaults(func=run_refit)


# -- shared ---------------------------------------------------------------------------------------
DOWNLOAD_STEPS = 10  # report the firmware download every 10 %


def _download_printer() -> Callable[[int, int | None], None]:
    last = -1

    def show(done: int, total: int | None) -> None:
        nonlocal last
        step = done * DOWNLOAD_STEPS // total if total else -1
        if total and step != last:
            last = step
            print(f"board: downloaded {done * 100 // total}%", file=sys.stderr, flush=True)
    return show


def check_baudrate(baudrate: int) -> None:
    """SettingsError for a rate no serial port runs at (0 or negative), before anything is flashed."""
    if not baudrate > 0:
        raise SettingsError(f"--baudrate must be positive (MLTK's firmware uses {BAUDRATE}), not {baudrate}.")


def board_options(args: argparse.Namespace) -> BoardOptions:
    if not args.timeout > 0:
        raise SettingsError(f"--timeout must be positive, not {args.timeout:g}.")
    check_baudrate(args.baudrate)
    if args.no_flash and args.firmware is not None:
        raise SettingsError("--firmware and --no-flash contradict each other: give one of them.")
    # Commander needs a debugger only when flashing; without flashing the port is all that matters
    serialno = args.serialno if args.no_flash else resolve_serialno(args.serialno)
    return BoardOptions(port=args.port, firmware=args.firmware, flash=not args.no_flash,
                        accelerator=args.accelerator, serialno=serialno, commander=args.commander,
                        baudrate=args.baudrate, timeout_s=args.timeout)


def _write(text: str, output: Path | None, out: TextIO) -> None:
    if output is None:
        out.write(text if text.endswith("\n") else text + "\n")
        out.flush()
        return
    from workbench.core.atomic_write import atomic_write_text

    atomic_write_text(output, text)


# -- profile --------------------------------------------------------------------------------------
def run_profile(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Profile on the board; Ctrl+C and SIGTERM stop it cleanly (:func:`stop_cleanly`): Commander ended, no
    temporary file left, the serial port closed, ``--log`` keeping what the board said so far."""
    return stop_cleanly(lambda cancel: _profile(args, out, cancel))


def _profile(args: argparse.Namespace, out: TextIO | None, cancel: threading.Event) -> int:
    from workbench.board.measurements import MeasurementStore
    from workbench.board.runs.profile_run import profile_on_board
    from workbench.core.atomic_write import check_destination
    from workbench.output_guard import check_output_file
    from workbench.profiler.export import render

    out = out or sys.stdout
    tflite, name = load_tflite(args.model)
    inputs = [args.model, *([args.firmware] if args.firmware else [])]
    for option, destination in (("-o", args.output), ("--log", args.log)):  # before the board works a minute
        if destination is not None:  # neither may replace the model or the firmware it was measured with
            check_output_file(destination, inputs, option)
            check_destination(destination)
    fmt = output_format(args.format, args.output)  # a .csv must not get the table, found after a minute's run
    store = MeasurementStore(args.store) if args.save else None
    if store is not None:
        check_destination(store.root, folder=True)
    options = board_options(args)
    callbacks = BoardCallbacks(status=board_status, flash_progress=ProgressPrinter(),
                               download_progress=_download_printer(), cancel=cancel)
    lines: list[str] = []
    callbacks.line = lines.append
    try:
        result = profile_on_board(tflite, name, options, callbacks)
    except BaseException:
        keep_log(args.log, lines)  # what the board said is what explains its failure
        raise
    failures = _deliver_profile(render(result.report, fmt), args.output, out)
    if args.output is not None and not failures:
        board_status(f"wrote {args.output} ({fmt})")
    if store is not None:
        try:
            board_status(f"measurement saved to {store.save(result.report, tflite)}")
        except WorkbenchError as exc:
            failures.append(str(exc))
    failures += deliver_log(args.log, lines)
    _report_failures(failures)
    return 0


def _deliver_profile(text: str, output: Path | None, out: TextIO) -> list[str]:
    """The result to ``output`` (or ``out``); when ``output`` cannot be written, to ``out`` after all.

    Why: the measurement took a board run of a minute or more; a full disk or a vanished folder must
    not lose it. Returns the failed write's message (reported after the other writes were tried).
    """
    try:
        _write(text, output, out)
    except WorkbenchError as exc:
        board_status(f"{output} cannot be written: the result follows on stdout instead")
        _write(text, None, out)
        return [str(exc)]
    return []


def _report_failures(failures: list[str]) -> None:
    """Every failed write on stderr; the first one is the command's error (exit 2)."""
    if not failures:
        return
    for message in failures[1:]:
        board_status(message)
    raise WorkbenchError(failures[0])


# -- classify -------------------------------------------------------------------------------------
class _ClassifyPrinter:
    """This run's start-up lines as the board prints them, then one line / JSON object per event.

    Why the start-up lines come from the run, not from every serial line: until its reset the board may
    still print the previous firmware's output, which is not this run's.
    """

    def __init__(self, fmt: str, out: TextIO) -> None:
        self.fmt, self.out = fmt, out
        self.classes: tuple[str, ...] = ()

    def startup_line(self, text: str) -> None:
        if self.fmt == "text":
            self.out.write(text + "\n")
            self.out.flush()

    def startup(self, startup: Any) -> None:
        self.classes = startup.classes
        if self.fmt == "jsonl":
            self._json({"source": "board", "startup": {
                "model_address": startup.model_address, "default_model": startup.default_model,
                "runtime_memory_bytes": startup.runtime_memory_bytes, "classes": list(startup.classes),
                "frontend": startup.frontend, "application": startup.application}})

    def event(self, event: Any) -> None:
        from workbench.board.logs.classifier_log import BoardDetection, BoardNotice, BoardScores

        if isinstance(event, BoardNotice):
            if self.fmt == "jsonl":
                self._json({"source": "board", "warning": event.text})
            else:
                print(f"board: warning: {event.text}", file=sys.stderr, flush=True)
            return
        if self.fmt == "jsonl":
            self._json(event.to_json())
            return
        seconds = event.time_ms / MS_PER_S
        if isinstance(event, BoardDetection):
            self.out.write(f"{seconds:8.3f}s  detected  {event.label:<12} score={event.score}  [board]\n")
        elif isinstance(event, BoardScores):
            names = self.classes if len(self.classes) == len(event.scores) else tuple(
                f"class{i}" for i in range(len(event.scores)))
            cells = "  ".join(f"{c}={s:3d}" for c, s in zip(names, event.scores, strict=True))
            self.out.write(f"{seconds:8.3f}s  scores  {cells}  [board]\n")
        self.out.flush()

    def _json(self, data: dict[str, Any]) -> None:
        self.out.write(json.dumps(data) + "\n")
        self.out.flush()


def _check_detects(settings: DetectionSettings, classes: tuple[str, ...], *, flash: bool, verbose: bool) -> None:
    """Settings that can never detect: refused before flashing, since the run's only result is known.

    Why not always: with ``--verbose`` the board's scores are worth watching anyway, and with ``--no-flash``
    the settings are not written to the board (its model may hold others); both get a warning instead.
    """
    from workbench.core.detection.never_detects import never_detects_reason

    reason = never_detects_reason(settings, classes or None)
    if reason is None:
        return
    if flash and not verbose:
        raise SettingsError(f"{reason}; nothing flashed (add --verbose to watch the board's scores anyway)")
    print(f"kws: warning: {reason}", file=sys.stderr)


def run_classify(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from workbench.board.runs.classify_run import (ClassifyHandlers, classifier_problems, classify_on_board,
                                                   model_for_classifier)
    from workbench.core.detection.settings import DetectionSettings
    from workbench.core.model.model_file import load_model

    out = out or sys.stdout
    if args.duration is not None and not args.duration > 0:
        raise SettingsError(f"--duration must be positive, not {args.duration:g}.")
    model = load_model(args.model)
    settings = DetectionSettings.from_params(model.params)
    changes = {field: getattr(args, opt) for opt, field in DETECTION_OPTIONS.items() if getattr(args, opt) is not None}
    changes.update(threshold_changes(args, len(model.classes)))
    if changes:
        settings = settings.replace(**changes)
    tflite = model_for_classifier(model.tflite, settings, verbose=args.verbose)
    options = board_options(args)
    problems = classifier_problems(tflite, shlex.quote(str(args.model)))  # said before the flashing
    say_classifier_problems(problems, refuse=options.flash and not args.force)
    _check_detects(settings, model.classes, flash=options.flash, verbose=args.verbose)
    printer = _ClassifyPrinter(args.format, out)
    handlers = ClassifyHandlers(startup=printer.startup, event=printer.event, startup_line=printer.startup_line)

    def classify(cancel: threading.Event) -> int:
        callbacks = BoardCallbacks(status=board_status, flash_progress=ProgressPrinter(),
                                   download_progress=_download_printer(), cancel=cancel)
        result = classify_on_board(tflite, options, callbacks, handlers, duration_s=args.duration, name=model.name)
        if args.format == "text":
            board_status(f"{counted(len(result.detections), 'detection')}, "
                         f"{counted(result.inferences, 'inference')} printed by the board")
        return 0

    return stop_cleanly(classify)  # until Ctrl+C or SIGTERM ("board: stopped", 130) unless --duration ends it


# -- refit ------------------------------------------------------------------------------------------
def _check_store(root: Path, *, listing: bool) -> None:
    """A ``--store`` that is a file is refused; one that does not exist is named when listing it.

    Why: a mistyped ``--store`` otherwise reads as "0 saved measurements", as if the folder were empty.
    """
    if root.exists() and not root.is_dir():
        raise SettingsError(f"--store {root} is a file, not a folder of saved measurements: give the folder.")
    if listing and not root.exists():
        print(f"kws: warning: --store {root} does not exist, so nothing was saved there yet: check the path.",
              file=sys.stderr)


def run_refit(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from workbench.board.measurements import MeasurementStore
    from workbench.profiler.refit import apply_refit, fit_refit

    out = out or sys.stdout
    store = MeasurementStore(args.store)
    _check_store(store.root, listing=args.model is None and args.store is not None)
    saved, problems = store.load()
    for problem in problems:
        board_status(f"skipped {problem}")
    refit = fit_refit(m.report for m in saved)
    if args.model is None:
        if args.format == "json":
            _write(json.dumps({"store": str(store.root), **refit.to_dict(),
                               "files": [m.path.name for m in saved]}, indent=2), None, out)
            return 0
        lines = [f"{counted(len(saved), 'saved measurement')} in {store.root}"]
        lines += [f"  {m.created}  {m.model_name}  {m.platform or '-'}  {m.accelerator}  {m.path.name}" for m in saved]
        lines.append("Refit factors (measured / estimated; 1.0 where nothing was measured):" if refit.factors
                     else "No refit factors yet: save measurements with `kws board profile MODEL --save`.")
        lines += [f"  {f.op:<20} {f.placement:<4} {f.quantity:<19} x{f.factor:.4f}  ({counted(f.layers, 'layer')})"
                  for f in refit.sorted_factors()]
        _write("\n".join(lines), None, out)
        return 0
    from workbench.core.model.tflite_graph import parse_model
    from workbench.profiler.export import render
    from workbench.profiler.report import build_report

    store.require_measurements(refit.measurements, "`kws board refit MODEL`")
    tflite, name = load_tflite(args.model)
    report = apply_refit(build_report(parse_model(tflite), name=name, accelerator=args.accelerator), refit)
    _write(render(report, args.format), None, out)
    return 0
