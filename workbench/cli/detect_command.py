"""``kws detect``: keyword detection on a WAV/FLAC file or the microphone, as the board would decide.

Both inputs run through the same :class:`~workbench.core.live_session.LiveSession` (a file source as
fast as possible, or in real time with ``--realtime``), so what the command prints is what the GUI
shows and what the EFR32 firmware would print for the same samples.

``--labels`` scores a file's detections against its labels with ``kws calibrate``'s own reader and matching
rule (:mod:`workbench.calibration.streams.labels`, :func:`~workbench.calibration.sweep.matching.evaluate_detections`)
and prints one summary after the detections: the figures ``kws calibrate`` reports for a parameter set, so its
recommendation can be checked with the options it prints, without a scorer of one's own. Each detection line then
says its outcome and each missed keyword has a line of its own, and the mistakes can be saved as clips to train on
(:mod:`workbench.cli.detect_outcomes`). Background-only recordings (``--background``) are heard after the file as
``kws calibrate`` hears them, and the summary counts their false accepts as it does -- FA/h over all the audio, the
stream's and the background's apart -- so a calibration's ``reproduce:`` line gives its figures with background
audio too; their false accepts can be saved as clips as well (:mod:`workbench.cli.detect_background`).

Settings that can never detect anything (:func:`~workbench.core.detection.never_detects.never_detects_reason`)
and a recording shorter than one inference interval are run as asked, with a warning: "0 detection(s)" alone
would read as "the model heard nothing". So is a ``latency_ms`` shorter than an inference takes on the board
(:func:`~workbench.profiler.inference_pace.board_pace`): this simulation infers every ``latency_ms`` whatever it
costs, the board less often, so what is tuned here would count fewer results there.

The engine, the session and the scoring are imported where they are used: ``kws detect --help`` registers this
command and loads neither numpy nor LiteRT (:mod:`workbench.cli.main`).
"""

from __future__ import annotations

import argparse
import json
import math
import queue
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence, TextIO

from workbench.cli.command_list import summary
from workbench.calibration.sweep.calibration_defaults import DEFAULT_TOLERANCE_S
from workbench.child_command import EXIT_CANCELLED
from workbench.cli import detect_background, detect_outcomes
from workbench.cli.model_argument import looks_like_model_file, model_argument
from workbench.cli.parameter_option import add_threshold_options, parameter_type, threshold_changes
from workbench.cli.preset_options import add_preset_option, starting_settings
from workbench.core.errors import WorkbenchError
from workbench.core.wording import counted

if TYPE_CHECKING:
    from workbench.calibration.streams.labels import StreamLabels
    from workbench.cli.detect_background import HeardBackground
    from workbench.core.detection.detector import Detection
    from workbench.core.engine import Engine, InferenceResult

POLL_S = 0.1
PERCENT = 100.0
GAIN_HELP = ("multiply the audio by this plain factor: 1 = unchanged, 0.5 = half, 2 = double, clipped at full scale "
             "(default: the microphone gets the model's volume_gain, applied as the firmware applies it; files play "
             "at their recorded level); unlike volume_gain, where 0 means no gain, 0 would mute the audio and is "
             "refused")

# CLI option → DetectionSettings field (the thresholds: parameter_option.threshold_changes)
_OVERRIDES = {
    "window_ms": "average_window_duration_ms",
    "suppression_ms": "suppression_ms",
    "count": "minimum_count",
    "latency_ms": "latency_ms",
}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "detect",
        help=summary("detect"),
        description="Stream audio through the frontend, the model and the firmware's detection logic. "
        "Parameters default to the values stored in the model (or to one of its named presets: --preset).",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("file", nargs="?", type=Path, help="WAV/FLAC/OGG/MP3 file (any rate, channels, depth)")
    src.add_argument("--mic", action="store_true", help="listen to the microphone (Ctrl+C to stop)")
    p.add_argument("--device", help="with --mic: input device index or name (see `kws devices`)")
    p.add_argument("--seconds", type=float, help="with --mic: stop after this many seconds")
    p.add_argument("--model", type=model_argument, help="model .tflite or .mltk.zip (default: the bundled model)")
    add_preset_option(p)
    add_threshold_options(p)
    p.add_argument("--window-ms", type=parameter_type(_OVERRIDES["window_ms"]), help="average_window_duration_ms")
    p.add_argument("--suppression-ms", type=parameter_type(_OVERRIDES["suppression_ms"]), help="suppression_ms")
    p.add_argument("--count", type=parameter_type(_OVERRIDES["count"]), help="minimum_count")
    p.add_argument("--latency-ms", type=parameter_type(_OVERRIDES["latency_ms"]),
                   help="latency_ms: time between inferences")
    p.add_argument("--gain", type=float, metavar="FACTOR", help=GAIN_HELP)
    p.add_argument("--format", choices=("text", "jsonl"), default="text", help="output format")
    p.add_argument("--scores", action="store_true", help="also print every inference's scores")
    p.add_argument("--realtime", action="store_true", help="play a file in real time instead of as fast as possible")
    p.add_argument("--semantics", choices=("mltk", "tflm"), default="mltk",
                   help="detection rules: MLTK audio_classifier firmware (default) or TFLM micro_speech")
    p.add_argument("--fresh-state", action="store_true",
                   help="recompute each window from fresh frontend state (as in training)")
    p.add_argument("--labels", type=Path, metavar="LABELS",
                   help="the file's labels (JSON, CSV or Audacity .txt, as for kws calibrate): say each "
                   "detection's outcome (hit, or false accept and the word it fell on) and each missed keyword, "
                   "in time order, then keywords, hits, misses, FRR and false accepts (per hour), per keyword, "
                   "matched as kws calibrate matches them")
    p.add_argument("--tolerance-s", type=float, help=f"with --labels: a detection up to this long after a "
                   f"keyword's end still hits it (default {DEFAULT_TOLERANCE_S:g}, as kws calibrate)")
    detect_outcomes.add_options(p)
    detect_background.add_option(p)
    p.set_defaults(func=run)


def build_engine(args: argparse.Namespace) -> Engine:
    """The model and detection parameters the options ask for: its own or its ``--preset``'s, overridden by any
    parameter option."""
    from workbench.assets import default_model_path
    from workbench.core.engine import Engine, EngineOptions
    from workbench.core.model.model_file import load_model

    model = load_model(args.model or default_model_path())
    settings = starting_settings(model, args.preset)
    changes = {field: getattr(args, opt) for opt, field in _OVERRIDES.items() if getattr(args, opt, None) is not None}
    changes.update(threshold_changes(args, len(model.classes)))
    if changes:
        settings = settings.replace(**changes)
    return Engine(model, settings, EngineOptions(semantics=args.semantics, fresh_state=args.fresh_state))


def _open_source(args: argparse.Namespace, engine: Engine) -> Any:
    from workbench.core.audio import sources as audio_sources

    if args.mic:
        device: int | str | None = args.device
        if isinstance(device, str) and device.isdigit():
            device = int(device)
        source = audio_sources.MicrophoneSource(device=device)
        if args.gain is not None:  # an explicit gain is a plain linear gain, rounded and clipped
            source.gain_mode = "linear"
            source.gain = args.gain
        else:  # the model's volume_gain, applied exactly as the firmware applies it to its microphone
            source.gain = engine.detection_settings.volume_gain
        return source
    # at the model's rate: what kws calibrate replays, not 16 kHz converted again by the session
    source = audio_sources.FileSource(args.file, realtime=args.realtime, sample_rate=engine.sample_rate)
    if args.gain is not None:
        source.gain = args.gain
    return source


def _print_result(result: InferenceResult, classes: tuple[str, ...], args: argparse.Namespace, out: TextIO) -> None:
    from workbench.cli.detect_lines import detection_line, scores_line

    if args.scores:
        out.write(scores_line(result, classes, args.format) + "\n")
    if result.detection is not None:
        out.write(detection_line(result.detection, args.format) + "\n")
    out.flush()


def _check_options(args: argparse.Namespace) -> None:
    """Refuse option combinations that would be silently ignored, before the model is loaded."""
    if args.mic and args.file is not None:
        raise WorkbenchError("give either an audio file or --mic, not both")
    if args.file is not None and looks_like_model_file(args.file) and not args.file.is_dir():
        raise WorkbenchError(f"{args.file} is a model, not audio: give the audio as the argument and the model with "
                             f"--model (kws detect AUDIO --model {args.file})")
    if args.seconds is not None and not args.mic:
        raise WorkbenchError("--seconds is for --mic; a file is always analysed to its end")
    if args.seconds is not None and not args.seconds > 0:
        raise WorkbenchError(f"--seconds must be positive, got {args.seconds:g}")
    if args.device is not None and not args.mic:
        raise WorkbenchError("--device is for --mic; a file is read from disk, not from an input device")
    if args.gain is not None and not 0 < args.gain < math.inf:
        raise WorkbenchError(f"--gain must be a factor above 0, got {args.gain:g}: it multiplies the audio "
                             "(1 = unchanged), so 0 would mute it; for no gain give --gain 1 or leave it out")
    if args.labels is not None and args.mic:
        raise WorkbenchError("--labels is for an audio file: the microphone's words have no labels")
    if args.tolerance_s is not None and args.labels is None:
        raise WorkbenchError("--tolerance-s is for --labels: it says when a detection hits a labelled keyword")
    if args.tolerance_s is not None and not 0 <= args.tolerance_s < math.inf:
        raise WorkbenchError(f"--tolerance-s must be a number of seconds >= 0, got {args.tolerance_s:g}")
    detect_outcomes.check_options(args)
    detect_background.check_option(args)


def _file_labels(args: argparse.Namespace, engine: Engine, source: Any) -> StreamLabels:
    """The --labels of the file, checked against the model's classes and the file's length as ``kws calibrate``
    checks them (before any detection, so a bad labels file costs no replay); without --model, keywords the
    bundled model does not know are the user's own words, said as ``kws calibrate`` says them."""
    from workbench.calibration.streams.build_tag import audio_build, build_doubt
    from workbench.calibration.streams.labels import load_labels
    from workbench.cli.default_model_labels import check_default_model_knows

    labels = load_labels(args.labels)
    if args.model is None:
        check_default_model_knows(labels, engine.model)
    build, name = audio_build(args.file), Path(args.file).name
    labels = labels.validated(engine.classes, source.duration_s, f"model {engine.model.name}", name, build)
    doubt = build_doubt(build, labels, name)  # as kws calibrate warns of it: its figures are the same
    if doubt:
        _warn(doubt)
    return labels


def _warn(text: str) -> None:
    print(f"kws: warning: {text}", file=sys.stderr)


def _warn_never_detects(args: argparse.Namespace, engine: Engine) -> None:
    """Say why nothing can be detected with these settings, by the rules chosen (the classes only matter to the
    firmware's rules: TFLM's may report a ``_``-class; TFLM's also need the window to span two results)."""
    from workbench.core.detection.never_detects import never_detects_reason

    classes = engine.classes if args.semantics == "mltk" else None
    reason = never_detects_reason(engine.detection_settings, classes, args.semantics)
    if reason:
        _warn(reason)


def _warn_board_pace(engine: Engine) -> None:
    """Say when the board cannot infer as often as this run does (one inference every ``latency_ms``)."""
    from workbench.profiler.inference_pace import board_pace

    problem = board_pace(engine.model, engine.detection_settings.latency_ms).problem
    if problem:
        _warn(problem)


def _warn_overloaded(args: argparse.Namespace, engine: Engine, source: Any) -> None:
    """Say when the microphone's gain pushed samples beyond full scale: the firmware gain (the model's volume_gain)
    wraps them around, as the board does, so the model hears noise where the speech was loud, and the detections
    then differ from those of the same audio as a file for no reason the output shows."""
    overloaded = int(getattr(source, "gain_overflows", 0))
    if not args.mic or not overloaded:
        return
    heard = max(1, round(engine.stream_time_s * source.sample_rate))
    if source.gain_mode == "firmware":
        how = (f"wrapped around by volume_gain {source.gain:g}, as the board does; lower the input level, or give "
               "--gain 1 to hear the audio without volume_gain")
    else:
        how = f"clipped by --gain {source.gain:g}; lower the input level or the gain"
    _warn(f"the microphone was too loud for its gain: {counted(overloaded, 'sample')} "
          f"({overloaded / heard * PERCENT:.2g} % of the audio) went beyond full scale and were {how}")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from workbench.cli.detect_lines import scores_line
    from workbench.core.live_session import LiveSession
    from workbench.core.model.output_kind import output_kind

    out = out or sys.stdout
    _check_options(args)
    engine = build_engine(args)
    source = _open_source(args, engine)
    labels = _file_labels(args, engine, source) if args.labels is not None else None
    _warn_never_detects(args, engine)  # after the audio and labels are known good: errors come first
    _warn_board_pace(engine)
    if notice := output_kind(engine.model.graph).notice():  # logits averaged as the board does
        _warn(notice)
    if clipped := engine.runner.input_range_problem:  # a uint8 input quantised for another range
        _warn(clipped)
    results: queue.Queue[InferenceResult] = queue.Queue()
    session = LiveSession(engine, source, views=False)  # nothing draws it: what it prints comes from the listener
    session.result_listeners.append(results.put)
    detections: list[Detection] = []
    inferences = 0
    tolerance_s = DEFAULT_TOLERANCE_S if args.tolerance_s is None else float(args.tolerance_s)
    log = None if labels is None else detect_outcomes.OutcomeLog(labels, engine.classes, tolerance_s, args.format,
                                                                  out)

    def drain() -> None:
        nonlocal inferences
        while not results.empty():
            result = results.get()
            inferences += 1
            if result.detection is not None:
                detections.append(result.detection)
            if log is None:
                _print_result(result, engine.classes, args, out)
            else:  # held until its outcome and its place among the missed keywords are known
                log.add(result, scores_line(result, engine.classes, args.format) if args.scores else None)
        if log is not None:
            log.release()

    try:  # from the start: a Ctrl+C right after it must close the device here, not in an exit handler that a
        # stalled sound server would hang
        session.start()
        if args.mic and args.format == "text":  # only now: the device is open and delivering
            print(f"listening on {getattr(source, 'name', 'the microphone')} with {engine.model.name} "
                  f"(Ctrl+C to stop)", file=sys.stderr)
        while True:
            done = session.wait(POLL_S)
            if args.seconds is not None and engine.stream_time_s >= args.seconds:
                done = True
            drain()
            if done or session.error:
                break
    except KeyboardInterrupt:
        pass
    finally:
        try:
            session.close()  # bounded: a stalled sound server is given up after a second
        except KeyboardInterrupt:  # a second Ctrl+C: leave the device to the operating system
            pass
    drain()
    outcomes = None if log is None else log.finish(_heard_whole_file(engine, source))
    error = session.error or getattr(source, "error", None)  # the source's: it could not be stopped
    if error:
        raise WorkbenchError(error)
    _warn_overloaded(args, engine, source)
    if not inferences and (not args.mic or args.seconds is not None):  # a Ctrl+C at once is no surprise
        _warn(f"no inference ran: the {engine.stream_time_s:.2f} s of audio is shorter than one inference "
              f"interval (latency_ms {engine.detection_settings.latency_ms}); lower --latency-ms or give longer audio")
    if args.format == "text" and not args.scores:
        print(f"{counted(len(detections), 'detection')} in {engine.stream_time_s:.2f} s of audio", file=sys.stderr)
    if labels is None or outcomes is None:
        return 0
    if not _heard_whole_file(engine, source):  # stopped early: the unheard keywords are no misses
        saving = " and no clips saved" if args.save_false_accepts or args.save_misses else ""
        print(f"kws: interrupted: no summary against {Path(args.labels).name}{saving}, the file was analysed to "
              f"{engine.stream_time_s:.2f} s of {source.duration_s:.2f} s", file=sys.stderr)
        return EXIT_CANCELLED
    backgrounds = detect_background.hear_backgrounds(args, engine, source)  # before the summary and any clip
    summary = labels_summary(detections, labels, engine.classes, tolerance_s, source.duration_s, backgrounds)
    summary["labels"] = str(args.labels)
    out.write(json.dumps(summary) + "\n" if args.format == "jsonl" else summary_text(summary))
    out.flush()
    detect_outcomes.save_clips(args, labels, outcomes, engine, source, out, backgrounds)
    return 0


def _heard_whole_file(engine: Engine, source: Any) -> bool:
    """Did the engine hear the file to its end? In time, not samples: the file source delivers 16 kHz and a model
    whose frontend runs at another rate hears it converted, to the nearest whole sample of its rate."""
    return engine.stream_time_s > source.duration_s - 1 / engine.sample_rate


def labels_summary(detections: list[Detection], labels: StreamLabels, classes: tuple[str, ...],
                   tolerance_s: float, duration_s: float, backgrounds: Sequence[HeardBackground] = ()
                   ) -> dict[str, Any]:
    """What ``detections`` score against ``labels``, and the ``backgrounds``' detections (every one a false accept),
    with ``kws calibrate``'s matching, hours and document keys (``calibration.json``'s figures of a set and its
    ``background`` list), so the two can be compared key by key; ``false_accepts`` is all of them, the sum of the
    keywords' as in their lines."""
    from workbench.calibration.results.report import metrics_json
    from workbench.calibration.sweep.matching import SECONDS_PER_HOUR, KeywordEvents, evaluate_detections

    metrics = evaluate_detections(detect_outcomes.detection_arrays(detections),
                                  KeywordEvents.from_labels(labels, classes), tolerance_s,
                                  duration_s / SECONDS_PER_HOUR, [heard.detections for heard in backgrounds],
                                  sum(heard.duration_s / SECONDS_PER_HOUR for heard in backgrounds))
    figures = metrics_json(metrics, classes)
    for item in figures["per_keyword"].values():
        item["misses"] = item["keywords"] - item["hits"]
    return {"type": "summary", "tolerance_s": tolerance_s, "duration_s": duration_s,
            "background": [{"audio": str(heard.path.absolute()), "duration_s": heard.duration_s,
                            "false_accepts": len(heard.detections)} for heard in backgrounds],
            "false_accepts": metrics.false_accepts_speech + metrics.false_accepts_background, **figures}


def _figures_text(keywords: int, hits: int, frr: float | None, false_accepts: int) -> str:
    rate = "" if frr is None else f" (FRR {frr * PERCENT:.1f} %)"
    return (f"{counted(keywords, 'keyword')}, {hits} hit, {keywords - hits} missed{rate}, "
            f"{counted(false_accepts, 'false accept')}")


def _per_hour_text(summary: dict[str, Any]) -> str:
    """" (68.0 per hour)", and with background recordings the stream's and the background's apart, as ``kws
    calibrate`` reports them: " (68.0 per hour; stream 34, 102.0 per hour; background 6, 3.2 per hour)"."""
    per_hour = summary["fa_per_hour"]
    if per_hour is None:
        return ""
    if not summary["background"] or summary["fa_per_hour_background"] is None:
        return f" ({per_hour:.1f} per hour)"
    return (f" ({per_hour:.1f} per hour; stream {summary['false_accepts_speech']}, "
            f"{summary['fa_per_hour_speech']:.1f} per hour; background {summary['false_accepts_background']}, "
            f"{summary['fa_per_hour_background']:.1f} per hour)")


def summary_text(summary: dict[str, Any]) -> str:
    """The summary for a person: the whole file (and the background recordings), then one line per keyword of the
    model."""
    backgrounds = summary["background"]
    against = Path(summary["labels"]).name
    audio = f"{summary['duration_s']:.1f} s of audio"
    if backgrounds:
        against += f" and {counted(len(backgrounds), 'background recording')}"
        audio += f" and {sum(item['duration_s'] for item in backgrounds):.1f} s of background audio"
    lines = [f"against {against} (tolerance {summary['tolerance_s']:g} s, {audio}): "
             + _figures_text(summary["keywords"], summary["hits"], summary["frr"], summary["false_accepts"])
             + _per_hour_text(summary)]
    for name, item in summary["per_keyword"].items():
        lines.append(f"  {name}: " + _figures_text(item["keywords"], item["hits"], item["frr"],
                                                  item["false_accepts"]))
    return "\n".join(lines) + "\n"
