"""``kws calibrate``: false accepts per hour against false rejects, and the detection parameters to ship.

The stream (and any background-only recordings) is replayed once through the live engine; then
thousands of threshold × window × suppression × count sets are scored on the stored scores. Prints the
model's own figures, the recommended set for ``--target-fa-per-hour`` and the Pareto front (or, with
``--format json``, the ``calibration.json`` document); ``--out`` also writes the DET plot, the sweep CSV
and the scores; ``--apply-to`` writes the recommended parameters into a copy of the model, as its own or, with
``--as-preset NAME``, as a named preset beside its own (:mod:`workbench.cli.preset_options`). ``--compare``
calibrates other models on the same stream and grid: side by side in the report, the plot and the
document, each with a paired speaker interval of its difference from the first model.
Before the replay each model gets a warning when its figures would mislead: scores that are logits, a uint8
input that clips the spectrogram, a run (``spec.toml`` beside the model) that split its dataset otherwise than
the stream was split (:mod:`workbench.cli.measure.stream_split_check`), or an interval between inferences shorter
than an inference takes on the board (:mod:`workbench.profiler.inference_pace`); and, once the audio is read, a
stream whose samples are not those its labels were written for or a background recording of digital silence
(:func:`workbench.calibration.calibration_run.run_calibration`'s ``warn``), said once however many models run.
Every warning said is kept, in that order, in the document (``warnings``): a report saved and opened again, or
read by a script, still says what its figures may mislead about.
A large sweep is spread over ``--workers`` processes (default: one per usable CPU;
:mod:`workbench.calibration.sweep.sweep_workers`), with the figures of a sweep in one process.
Progress goes to stderr; Ctrl-C or SIGTERM (``timeout``, ``kill``, the GUI's Cancel) stops the replay or the
sweep cleanly with "kws: interrupted" and exit code 130, before anything is printed or written (every file is
written atomically, at the end; a stop asked for while they are written lets them finish).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from workbench.cli.command_list import summary
from workbench.calibration.progress_output import PROGRESS_MODES, ProgressOutput
from workbench.calibration.streams.recipe_defaults import whole_clip_hourly_counts
from workbench.calibration.sweep.calibration_defaults import DEFAULT_TARGET_FA_PER_HOUR, DEFAULT_TOLERANCE_S
from workbench.child_command import EXIT_CANCELLED
from workbench.cli.cancel_signals import cancel_on_signals
from workbench.cli.model_argument import model_argument
from workbench.cli.preset_options import add_as_preset_options, check_as_preset

# CLI option → SweepRanges field (and its help)
_RANGE_OPTIONS = (
    ("--thresholds", "thresholds", "detection thresholds to try (default 100:190:10 and 200:254:2)"),
    ("--windows-ms", "windows_ms", "averaging windows in ms (default 300,500,750,1000,1500)"),
    ("--suppressions-ms", "suppressions_ms", "suppression times in ms, at least 2 (default 500,750,1000,1500,2000)"),
    ("--counts", "counts", "minimum counts (default 1,2,3,5)"),
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "calibrate", help=summary("calibrate"),
        description="Replay a labelled stream (kws stream make, or your own recording and labels) and "
        "optional background-only recordings through the live engine once, then score every detection "
        "parameter set of a grid on the stored scores: false rejects, false accepts per hour (speech and "
        "background separately), latency. Recommends the set with the fewest misses at or under the "
        "target FA/h. Ranges are START:STOP:STEP (STOP included) or A,B,C.")
    p.add_argument("--model", type=model_argument, help="model .tflite or .mltk.zip (default: the bundled model)")
    p.add_argument("--compare", type=model_argument, action="append", default=[], metavar="MODEL",
                   help="another model to calibrate on the same stream and compare with --model at each "
                   "one's recommended set; repeat for several")
    p.add_argument("--stream", type=Path, required=True, help="the stream recording (WAV/FLAC/OGG/MP3)")
    p.add_argument("--labels", type=Path, help="its labels: JSON, CSV or Audacity's label export (.txt) "
                   "(default: the stream's name with .json, .csv or .txt)")
    p.add_argument("--background", type=Path, action="append", default=[], metavar="FILE",
                   help="background-only recording (TV, music, office) where every detection is false, "
                   "or a folder of them; repeat for several (a recording named twice is counted once)")
    p.add_argument("--target-fa-per-hour", type=float, help="false accepts per hour to stay at or under "
                   f"(default {DEFAULT_TARGET_FA_PER_HOUR:g}: the goal on a dense-speech stream such as kws "
                   f"stream make builds, with about {whole_clip_hourly_counts()[1]:,} other words an hour)")
    p.add_argument("--tolerance-s", type=float, help="a detection up to this long after a keyword's end "
                   f"still hits it (default {DEFAULT_TOLERANCE_S:g})")
    for option, _, text in _RANGE_OPTIONS:
        p.add_argument(option, help=text)
    p.add_argument("--per-class-thresholds", action="store_true",
                   help="give every keyword its own threshold (the grid becomes the product over keywords)")
    p.add_argument("--max-sets", type=int, help="refuse grids larger than this (default 200000)")
    p.add_argument("--latency-ms", type=int, help="time between inferences (default: the model's latency_ms)")
    p.add_argument("--workers", type=int, help="processes the sweep may use, at least 1 (default: one per CPU this "
                   "process may run on; a small sweep runs in one process whatever this says)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument("--out", type=Path, help="folder for calibration.json, det.png, sweep.csv, scores.npz "
                   "and a copy of the stream's labels (labels.json, .csv or .txt: its own format)")
    p.add_argument("--apply-to", type=Path, metavar="OUT.tflite",
                   help="write a copy of the model with the recommended parameters (never over the model itself; "
                   "refused when they could never detect anything); .tflite is added to a name without a suffix, "
                   "another suffix is refused")
    add_as_preset_options(p)
    p.add_argument("--no-plot", action="store_true", help="with --out: skip the DET plot PNG")
    p.add_argument("--progress", choices=PROGRESS_MODES, default="text",
                   help="progress on stderr: for a person (default), JSON lines, or none")
    p.set_defaults(func=run)


def build_request(args: argparse.Namespace) -> Any:
    from workbench.calibration.calibration_run import CalibrationRequest, background_files
    from workbench.calibration.streams.labels import labels_for
    from workbench.calibration.sweep.grid import SweepRanges, parse_int_range
    from workbench.core.errors import SettingsError

    ranges: dict[str, Any] = {"per_class_thresholds": bool(args.per_class_thresholds)}
    for option, field, _ in _RANGE_OPTIONS:
        text = getattr(args, field)
        if text is not None:
            ranges[field] = parse_int_range(text, option)
    if args.max_sets is not None:
        ranges["max_sets"] = int(args.max_sets)
    if args.workers is not None and args.workers < 1:  # as kws train and kws evaluate say it
        raise SettingsError(f"--workers must be at least 1, not {args.workers}.")
    request: dict[str, Any] = {
        "stream_path": Path(args.stream), "labels_path": labels_for(args.stream, args.labels),
        "background_paths": background_files(args.background), "background_arguments": tuple(args.background),
        "ranges": SweepRanges(**ranges),
        "latency_ms": args.latency_ms, "workers": args.workers,
    }
    if args.target_fa_per_hour is not None:
        request["target_fa_per_hour"] = float(args.target_fa_per_hour)
    if args.tolerance_s is not None:
        request["tolerance_s"] = float(args.tolerance_s)
    return CalibrationRequest(**request)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Calibrate (see the module docstring). SIGINT and SIGTERM set a cancel flag the replay and the sweep
    poll, so either signal ends in the same clean stop: nothing printed, nothing written, exit 130."""
    from workbench.assets import default_model_path
    from workbench.calibration.replay import replay_settings
    from workbench.calibration.streams.labels import load_labels
    from workbench.cli.default_model_labels import check_default_model_knows
    from workbench.cli.measure.stream_split_check import split_mismatch
    from workbench.core.atomic_write import check_destination
    from workbench.core.model.model_file import load_model, model_copy_path
    from workbench.core.model.model_input import graph_input_range_problem
    from workbench.core.model.output_kind import output_kind
    from workbench.output_guard import check_output_file
    from workbench.profiler.inference_pace import board_pace

    out = out or sys.stdout
    check_as_preset(args)
    request = build_request(args)
    if args.out is not None:
        check_destination(args.out, folder=True)
    model_paths = [args.model or default_model_path(), *args.compare]
    if args.apply_to is not None:  # named as kws params -o names a copy: .tflite added, another suffix refused
        args.apply_to = model_copy_path(args.apply_to)
        check_output_file(args.apply_to, model_paths, option="--apply-to")
        check_destination(args.apply_to)
    models = [load_model(path) for path in model_paths]
    _check_runnable(model_paths, models)
    labels = load_labels(request.labels_path) if args.model is None else None  # read once, where first needed
    if labels is not None:
        check_default_model_knows(labels, models[0])
    _check_length(request.stream_path, models)
    labels = labels or load_labels(request.labels_path)
    request = dataclasses.replace(request, labels=labels)  # every model's run takes them as read here
    progress = ProgressOutput(args.progress)
    warnings = RunWarnings(progress)
    for path, model in zip(model_paths, models):  # before the replay: the figures below would mislead
        for notice in (output_kind(model.graph).notice(),  # thresholds on no probability scale
                       graph_input_range_problem(model.graph),  # a spectrogram clipped by a uint8 input
                       split_mismatch(labels, path),  # a stream that may hold training clips
                       # a board that infers less often than the replay (an inference longer than latency_ms)
                       board_pace(model, replay_settings(model, request.latency_ms).latency_ms).problem):
            if notice:
                warnings(f"{model.name}: {notice}")
    cancel = threading.Event()
    with cancel_on_signals(cancel):
        results = _calibrate_all(models, request, progress, cancel, warnings)
        if results is None:
            print("kws: interrupted", file=sys.stderr)
            return EXIT_CANCELLED
        _report(args, results, progress, out, warnings.said)
    return 0


def _check_runnable(paths: list[Path], models: list[Any]) -> None:
    """Refuse a model the engine cannot run (frontend settings, LiteRT) before any replay, naming its file:
    the models compared may share a name, and the last one would otherwise fail only after the others ran."""
    from workbench.core.engine import Engine
    from workbench.core.errors import ModelError, WorkbenchError

    for path, model in zip(paths, models):
        try:
            Engine(model)
        except WorkbenchError as exc:
            raise ModelError(f"{path}: {exc}") from None


def _warn(progress: ProgressOutput, text: str) -> None:
    """A warning on stderr: the CLI's "kws: warning: …" line, or a JSON message with --progress jsonl (which keeps
    stderr all JSON lines)."""
    if progress.mode == "jsonl":
        progress.message(f"warning: {text}")
    else:
        progress.finish()  # a warning said during the replay starts a line of its own
        print(f"kws: warning: {text}", file=sys.stderr)


@dataclasses.dataclass
class RunWarnings:
    """The run's warnings: each said once as it comes (:func:`_warn`; every model's run reads the same audio), and
    kept in the order said for the document (``warnings``), which the figures it warns of go with."""

    progress: ProgressOutput
    said: list[str] = dataclasses.field(default_factory=list)

    def __call__(self, text: str) -> None:
        if text not in self.said:
            self.said.append(text)
            _warn(self.progress, text)


def _check_length(stream: Path, models: list[Any]) -> None:
    """Refuse a stream shorter than one input window of any of the models, before the replay."""
    from workbench.calibration.streams.stream_length import check_stream_length, header_duration_s

    duration_s = header_duration_s(stream)
    if duration_s is not None:
        for model in models:
            check_stream_length(duration_s, model, stream.name)


def _calibrate_all(models: list[Any], request: Any, progress: ProgressOutput, cancel: threading.Event,
                   warnings: RunWarnings) -> list[Any] | None:
    """Every model's calibration, or None when a stop was asked for (during the runs or just after)."""
    from workbench.calibration.calibration_run import run_calibration
    from workbench.calibration.replay import CalibrationCancelled

    results = []
    try:
        for number, model in enumerate(models):
            results.append(run_calibration(model, request, _share_of(progress, number, len(models), model.name),
                                           cancel, warnings))
    except CalibrationCancelled:
        return None
    finally:
        progress.finish()
    return None if cancel.is_set() else results


def _report(args: argparse.Namespace, results: list[Any], progress: ProgressOutput, out: TextIO,
            warnings: list[str]) -> None:
    """Print the figures, then write the files --out and --apply-to ask for, each named after the report: on stdout
    with --format text, on stderr with --format json (whose stdout is the document alone). Those lines are results,
    not progress: they are said whatever --progress is (as JSON messages with jsonl, which keeps stderr all JSON
    lines). ``warnings``, said before the replay, go into the document (the text report leaves them on stderr)."""
    from workbench.calibration.results.output_files import apply_recommendation, document_json, write_outputs
    from workbench.calibration.results.comparison_report import render_comparison
    from workbench.calibration.results.report import describe_recommended, render_text

    result, compared = results[0], results[1:]
    if args.format == "json":  # the figures first: a disk that fills up while writing files cannot lose them
        out.write(document_json(result, compared, in_folder=args.out is not None, warnings=warnings))
    else:
        out.write(render_text(result) + render_comparison(result, compared))
    out.flush()

    def say(line: str) -> None:
        if args.format == "text":
            out.write(line + "\n")
            out.flush()
        elif progress.mode == "jsonl":  # stdout holds the document alone
            progress.message(line)
        else:
            progress.finish()
            print(line, file=sys.stderr)

    notes: list[str] = []
    written = (write_outputs(result, args.out, not args.no_plot, notes, compared, warnings)
               if args.out is not None else [])
    for line in [f"wrote {path}" for path in written] + notes:
        say(line)
    if args.apply_to is not None:  # said as kws params says it: the model to ship and what it now holds
        written = apply_recommendation(result, args.apply_to, args.as_preset, args.preset_description)
        preset = f"preset {args.as_preset}: " if args.as_preset else ""
        say(f"wrote {written} ({preset}{describe_recommended(result)})")


def _share_of(progress: Any, number: int, count: int, name: str) -> Any:
    """Progress of model ``number`` of ``count`` as its share of the whole job (the plain callable alone)."""
    if count == 1:
        return progress
    return lambda phase, fraction: progress(f"{phase} {name} ({number + 1}/{count})", (number + fraction) / count)
