"""``kws profile`` and ``kws export-c``: will the model fit and run on an EFR32xG24, and hand it to firmware.

``profile`` prints MLTK's per-layer view (ops, MACs, estimated CPU/MVP cycles and time, MVP support)
plus flash/RAM estimates, as a table, JSON, CSV or Markdown; optionally the measured LiteRT time on
this machine. ``export-c`` writes the model as a header declaring a 16-byte aligned C array and its length,
defined in the one file that asks for it (:mod:`workbench.core.model.c_array`), with the model's parameters
as comments, which is how TFLite Micro firmware embeds a model in flash, and what integrating it takes besides as
macros (:mod:`workbench.core.model.c_integration`): the arena ``profile`` estimates for its default accelerator,
the labels, detection and frontend parameters, tensors and operators. Neither writes over its model.
``export-c`` writes a model TFLite Micro refuses too (one's own firmware may register a custom op's kernel), with
a warning in the words of ``profile``'s "Runs on TFLite Micro" line.
A ``latency_ms`` the board cannot keep up with is a line of the summary (table, JSON, Markdown); CSV, the layer
table alone, leaves it to a warning on stderr rather than lose it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli.command_list import summary
from workbench.cli.model_argument import MODEL_HELP, model_argument
from workbench.core.errors import ModelError, SettingsError
from workbench.documentation import BOARD, PROFILER, PathKeepingHelpFormatter, doc_reference, see
from workbench.profiler.accelerators import ACCELERATORS, DEFAULT_ACCELERATOR  # profile's, and export-c's arena's

if TYPE_CHECKING:
    from workbench.profiler.report import ProfileReport

FORMATS = ("table", "json", "csv", "markdown")
DEFAULT_FORMAT = "table"
# -o's extension names the format when --format is not given; a --format that contradicts it is refused, and so is
# an extension that names none without --format (a name without one gets the table)
FORMAT_OF_SUFFIX = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".txt": "table"}
HZ_PER_MHZ = 1_000_000
DEFAULT_CLOCK_MHZ = 78.0
NUMBER_FORMAT = ".12g"  # a clock as typed: 78000000, not 7.8e+07
FORMATS_WITHOUT_SUMMARY = ("csv",)  # one row per layer: the summary's lines are said on stderr instead


def _percent_safe(text: str) -> str:
    """``text`` for an argparse help string, which is %-formatted (a path may hold a %)."""
    return text.replace("%", "%%")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "profile", help=summary("profile"),
        formatter_class=PathKeepingHelpFormatter,
        description="Profile a .tflite model for the EFR32xG24: per-layer ops and MACs (counted as MLTK "
        "counts them), estimated CPU and MVP accelerator cycles and time, MVP support with the reason, "
        "flash and RAM (runtime memory: the tensor arena) estimates. Cycle and RAM figures are estimates, not board "
        "measurements. JSON holds the whole profile; CSV is the layer table only. " + see(PROFILER))
    p.add_argument("model", type=model_argument, help=MODEL_HELP)
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="output format (default: the one -o's extension names -- .json, .csv, .md or .txt; another "
                        "extension needs --format -- else table); JSON holds the whole profile (flash, RAM, totals, "
                        "host latency), CSV one row per layer (with the model, accelerator and clock), table and "
                        "markdown round to MLTK's digits")
    p.add_argument("--accelerator", choices=ACCELERATORS, default=DEFAULT_ACCELERATOR,
                   help="run supported layers on the MVP accelerator (default) or on the CPU only")
    p.add_argument("--clock-mhz", type=float, default=DEFAULT_CLOCK_MHZ,
                   help=f"core clock for the time estimates (default: {DEFAULT_CLOCK_MHZ:g} MHz)")
    p.add_argument("--host-latency", action=argparse.BooleanOptionalAction, default=False,
                   help="also measure the LiteRT invoke time (and one pipeline hop) on this computer")
    p.add_argument("--calibrated", action="store_true",
                   help="scale the cycle and time estimates by the saved board measurements "
                        f"(kws board profile --save; see {_percent_safe(doc_reference(BOARD))})")
    p.add_argument("-o", "--output", type=Path,
                   help="write to this file instead of stdout (its extension picks the format: .json, .csv, .md or "
                        ".txt; another needs --format)")
    p.set_defaults(func=run)

    e = subparsers.add_parser(
        "export-c", help=summary("export-c"),
        description="Write the .tflite model as a C header: it declares the 16-byte aligned 'const unsigned "
        "char NAME[]' and 'NAME_len', holds the model's parameters (SL_PARAMSv1 metadata) as comments, and "
        "defines what the firmware needs besides, each named after NAME: the tensor arena size (the profile's "
        "estimate with the MVP), the class labels, the detection and audio frontend parameters, the input and "
        "output tensors' shapes, types and quantisation, and the TFLite Micro operators with the "
        "MicroMutableOpResolver calls that register them. "
        "Include it from any number of files; in exactly one of them define KWS_<NAME>_IMPLEMENTATION "
        "before the include: that file holds the array, so the model is in flash once. NAME is in capitals "
        "when the name has none (g_model: KWS_G_MODEL_IMPLEMENTATION), as spelt when it mixes cases, in lower "
        "case when it is all capitals: names that differ only in case never share the macro or the include "
        "guard. The header and this command print it.")
    e.add_argument("model", type=model_argument, help=MODEL_HELP)
    e.add_argument("-o", "--output", type=Path, required=True, help="header file to write, e.g. model.h")
    e.add_argument("--name", help="C variable name: letters a-z and A-Z, digits and _, starting with a letter, "
                   "without __ or a trailing _, and no C or C++ keyword (default: the model file's name without "
                   ".tflite or .mltk.zip, made into such a name)")
    e.set_defaults(func=run_export_c)


def _load(path: Path) -> tuple[bytes, str, dict[str, Any]]:
    """Model bytes, name and parameters (through the project's loader when available)."""
    try:
        from workbench.core.model.model_file import load_model
    except ImportError:
        load_model = None
    if load_model is not None:
        model = load_model(path)
        return bytes(model.tflite), str(getattr(model, "name", "") or path.stem), dict(model.params or {})
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"Model file not found: {path}") from None
    except OSError as exc:
        raise ModelError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    return data, path.stem, _read_params(data)


def _read_params(data: bytes) -> dict[str, Any]:
    try:
        from workbench.core.model.model_params import read_params
    except ImportError:
        return {}
    return dict(read_params(data) or {})


def _write(text: str, output: Path | None) -> None:
    if output is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    from workbench.core.atomic_write import atomic_write_bytes
    atomic_write_bytes(output, text.encode("utf-8"))


def output_format(fmt: str | None, output: Path | None) -> str:
    """The format to write: ``--format`` if given, else the one ``-o``'s extension names, else (no ``-o``, or a
    name without an extension) the table.

    Why: ``-o profile.json`` writing the text table looked like a broken export; ``--format csv -o p.json``
    would write a file whose name lies about its content, so it is refused (SettingsError); and so is ``-o
    report.xlsx`` (or .html, .pdf) without ``--format``: it got the text table, a file no program that the name
    promises could open.
    """
    named = FORMAT_OF_SUFFIX.get(output.suffix.lower()) if output is not None else None
    if fmt is None:
        if output is not None and output.suffix and named is None:
            suffixes = list(FORMAT_OF_SUFFIX)
            raise SettingsError(f"cannot tell the format from the {output.suffix} extension of {output}: use "
                                f"{', '.join(suffixes[:-1])} or {suffixes[-1]}, or give --format.")
        return named or DEFAULT_FORMAT
    if named is not None and named != fmt:
        raise SettingsError(f"--format {fmt} does not match the {output.suffix} extension of {output}; "
                            f"drop --format, or name the file for {fmt}.")
    return fmt


def run(args: argparse.Namespace) -> int:
    from workbench.profiler.export import render
    from workbench.profiler.inference_pace import note_latency, stored_latency_ms
    from workbench.profiler.report import build_report, note_stored_runtime_memory
    from workbench.core.model.tflite_graph import parse_model
    from workbench.output_guard import check_output_file

    if args.output is not None:  # first: "-o MODEL.tflite" is the model itself, not a format to name
        check_output_file(args.output, [args.model])
    fmt = output_format(args.format, args.output)
    check_clock(args.clock_mhz)
    data, name, params = _load(args.model)
    report = build_report(parse_model(data), name=name, accelerator=args.accelerator,
                          clock_hz=round(args.clock_mhz * HZ_PER_MHZ))
    if args.calibrated:
        report = _calibrated(report)
    note_latency(report, stored_latency_ms(params))  # the line after the totals when it cannot keep up
    note_stored_runtime_memory(report, params)  # the line after the estimates when the model stores another figure
    if args.host_latency and report.summary is not None:
        from workbench.profiler.host_latency import measure_host_latency
        fe = {k: v for k, v in params.items() if str(k).startswith("fe.")}
        report.summary.host_latency = measure_host_latency(data, frontend_params=fe or None)
    _write(render(report, fmt), args.output)
    if args.output is not None:
        print(f"wrote {args.output} ({fmt})")
    if fmt in FORMATS_WITHOUT_SUMMARY and report.summary is not None and report.summary.latency_problem:
        print(f"kws: warning: {report.summary.latency_problem}", file=sys.stderr)
    return 0


def check_clock(clock_mhz: float) -> None:
    """SettingsError for a clock no microcontroller the estimates model runs at (most often Hz given as MHz,
    which would print times of 0); a warning above the EFR32xG24's maximum, where the times are hypothetical."""
    from workbench.profiler.device_limits import CLOCK_RANGE_MHZ, TARGET_NAME, XG24_MAX_CLOCK_MHZ

    if not 0 < clock_mhz < float("inf"):
        raise SettingsError(f"--clock-mhz must be a positive number of MHz, not {clock_mhz:g}.")
    low, high = CLOCK_RANGE_MHZ
    if not low <= clock_mhz <= high:
        as_hz = clock_mhz / HZ_PER_MHZ
        in_hz = f" (given in Hz? that is --clock-mhz {as_hz:{NUMBER_FORMAT}})" if low <= as_hz <= high else ""
        raise SettingsError(f"--clock-mhz takes {low:g} to {high:g} MHz, not {clock_mhz:{NUMBER_FORMAT}}{in_hz}; "
                            f"the {TARGET_NAME} runs at up to {XG24_MAX_CLOCK_MHZ:g} MHz.")
    if clock_mhz > XG24_MAX_CLOCK_MHZ:
        print(f"kws: warning: --clock-mhz {clock_mhz:g} is above the {TARGET_NAME}'s {XG24_MAX_CLOCK_MHZ:g} MHz "
              "maximum; the times are for a clock the chip cannot run at.", file=sys.stderr)


def _calibrated(report: "ProfileReport") -> "ProfileReport":
    """The report refit to the saved board measurements (a documented scaling, never applied silently)."""
    from workbench.board.measurements import MeasurementStore
    from workbench.profiler.refit import apply_refit, fit_refit

    store = MeasurementStore()
    saved, problems = store.load()
    for problem in problems:
        print(f"kws: warning: skipped a saved measurement: {problem}", file=sys.stderr)
    refit = fit_refit(m.report for m in saved)
    store.require_measurements(refit.measurements, "--calibrated")
    return apply_refit(report, refit)


def check_array_name(name: str | None) -> None:
    """SettingsError for a ``--name`` the header cannot use as it is, with a name that works. Why refuse rather
    than fix: firmware code refers to the array by the name given, so a silently different one would not link
    (and ``--name ''`` used to fall back to the file name without a word)."""
    from workbench.core.model.c_array import array_name_refusal

    if name is None:
        return
    if not name:
        raise SettingsError("--name is empty: give the array's C name, or leave --name out to name it after the "
                            "model file.")
    refusal = array_name_refusal(name)  # the window's Export for firmware dialog says the same
    if refusal is not None:
        raise SettingsError(f"--name {refusal}.")


def run_export_c(args: argparse.Namespace) -> int:
    """The header through :func:`workbench.firmware_header.write_firmware_header`, the window's writer too."""
    from workbench.core.model.model_file import load_model
    from workbench.firmware_header import write_firmware_header
    from workbench.output_guard import check_output_file

    check_array_name(args.name)
    check_output_file(args.output, [args.model])
    model = load_model(args.model)  # refuses what is not a model; parsed once, parameters and graph
    header = write_firmware_header(model, args.model, args.output, args.name)
    print(f"wrote {args.output}: define {header.implementation_macro} in one file before including it "
          f"(the header says how)", file=sys.stderr)
    for warning in header.warnings:
        print(f"kws: warning: {warning}", file=sys.stderr)
    return 0
