"""Text renderings of a :class:`~workbench.profiler.report.ProfileReport`: MLTK-like table, CSV, Markdown.

Why: people paste profiles into issues, spreadsheets and firmware notes. The text table mirrors the
layout of MLTK's ``profile`` output so numbers can be compared side by side; CSV is one row per layer
with raw integers (no unit suffixes) for spreadsheets, each row naming the model, accelerator and clock its
time depends on (the summary -- flash, RAM, totals, host latency -- is JSON's); Markdown is for docs and
reviews. With the accelerator ``none`` nothing is said about the MVP: no layer is asked of it (CSV keeps its
columns, for one layout, with the MVP's cells empty; JSON keeps every field). Every
rendering labels the figures as estimates, and refit-scaled ones (``kws profile --calibrated``,
``kws board refit``) as scaled by board measurements: they are neither plain estimates nor measured.
A layer's activation RAM is CSV's last column (JSON's field) but no column of the table or Markdown, which keep
MLTK's columns; their summaries name the layer of the peak.
The tensor arena is named "runtime memory" everywhere, as MLTK's summary ("RAM, Runtime Memory Size (bytes)"), the
board's log and the model's ``runtime_memory_size`` parameter name it: the estimate, the board's figure and the
stored one each say which they are in a line of that name, and a figure beside an error is given in bytes (11.3k
beside 11.3k with an error of -0.7 % read as one figure that disagreed with itself).
"""

from __future__ import annotations

import csv
import io
from typing import Any, Sequence

from workbench.profiler.accelerators import MVP, NO_ACCELERATOR
from workbench.profiler.device_limits import PROBLEM_PREFIX
from workbench.profiler.report import (
    FLASH_PROBLEM_LABEL,
    RUNTIME_MEMORY_KEY,
    LATENCY_PROBLEM_LABEL,
    TFLM_PROBLEM_LABEL,
    LayerReport,
    ProfileReport,
    ProfileSummary,
    shapes_text,
)

UNKNOWN = "unknown"
# totals that leave out layers without an estimate (ProfileSummary.unknown_layer_count, untimed_layer_count)
AT_LEAST, AT_MOST = "at least ", "at most "
UNKNOWN_LAYERS_NOTE = "no cost estimate: left out of every total"
_UNIT_STEPS = ((1e9, "G"), (1e6, "M"), (1e3, "k"))
_SMALL_STEPS = ((1.0, ""), (1e-3, "m"), (1e-6, "u"))
CSV_COLUMNS = ("model", "accelerator", "clock_mhz",
               "index", "op", "ops", "macs", "accelerator_cycles", "cpu_cycles", "time_ms",
               "input_shapes", "input_types", "output_shapes", "output_types", "options",
               "params", "param_bytes", "supported", "reason", "runs_on_accelerator", "estimated", "cycles_basis",
               "activation_bytes")
TABLE_HEADERS = ("Index", "OpCode", "# Ops", "# MACs", "Acc Cycles", "CPU Cycles", "Time (s)",
                 "Input Shape", "Output Shape", "Options", "Supported?", "Error Msg")
SUPPORTED_COLUMN = TABLE_HEADERS.index("Supported?")  # left out with the accelerator none
# the Supported? column: MLTK's verdict, and the kernel's large-input path where it differs (the window's MVP column)
SUPPORTED_TEXT, LARGE_INPUT_TEXT, UNSUPPORTED_TEXT = "yes", "yes*", "no"
LARGE_INPUT_NOTE = ("yes*: listed as unsupported by MLTK (Error Msg), but the MVP kernel still runs it with its "
                    "large-input algorithm, so its cycles are accelerator cycles")
HZ_PER_MHZ = 1_000_000
# board measurements: estimate and measurement side by side, error = (estimate - measured) / measured
MEASURED_CSV_COLUMNS = ("measured_ops", "measured_macs", "measured_accelerator_cycles", "measured_cpu_cycles",
                        "measured_time_ms", "measured_unsupported")
COMPARISON_HEADERS = ("Index", "OpCode", "Acc Cycles est.", "Acc Cycles board", "Acc err %", "CPU Cycles est.",
                      "CPU Cycles board", "CPU err %", "Time est. (ms)", "Time board (ms)", "Time err %")
PERCENT = 100.0
# workbench.profiler.refit.apply_refit appends "; refit to N saved board measurements: ..." to the basis
REFIT_MARKER = "refit to "
ESTIMATED = "estimated"
RATE_SIGNIFICANT_DIGITS = 3
REFIT_ESTIMATED = "estimated, scaled by board measurements (refit)"
# the layer whose moment needs the most activation RAM, in the arena of the profile's accelerator
PEAK_ACTIVATION_LABEL = "Peak Activation RAM (bytes), estimated"
# the arena's one name: MLTK's summary line, which the table keeps; "with MVP" and how the figure was had follow it
RUNTIME_MEMORY_LABEL = "RAM, Runtime Memory Size"
RUNTIME_MEMORY_WITH_MVP = f"{RUNTIME_MEMORY_LABEL} with MVP"
RUNTIME_MEMORY_STORED = f"{RUNTIME_MEMORY_LABEL}, stored in the model"


def format_units(value: float | int | None, precision: int = 1) -> str:
    """MLTK-style engineering notation: 652000 -> '652.0k', 0.0054 -> '5.4m', None -> 'unknown'."""
    if value is None:
        return UNKNOWN
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e3:
        for step, suffix in _UNIT_STEPS:
            if magnitude >= step:
                return f"{value / step:.{precision}f}{suffix}"
    if isinstance(value, int) or magnitude >= 1.0:
        return f"{value:.{precision}f}"
    for step, suffix in _SMALL_STEPS:
        if magnitude >= step:
            return f"{value / step:.{precision}f}{suffix}"
    return f"{value / 1e-9:.{precision}f}n"


def rate_text(per_s: float) -> str:
    """Inferences per second with one decimal, or three significant digits below 1/s (0.0042, not 0.0)."""
    return f"{per_s:.1f}" if per_s >= 1 or per_s == 0 else f"{per_s:.{RATE_SIGNIFICANT_DIGITS}g}"


def _seconds(ms: float | None) -> float | None:
    return None if ms is None else ms / 1e3


def uses_mvp(summary: ProfileSummary | None) -> bool:
    """Whether the profile asked the MVP for anything (False for ``--accelerator none``: all on the CPU)."""
    return summary is None or summary.accelerator != NO_ACCELERATOR


def supported_text(layer: LayerReport) -> str:
    """yes, no, or yes* when MLTK lists the layer as unsupported but the MVP runs it (its cycles are the MVP's)."""
    if layer.supported:
        return SUPPORTED_TEXT
    return LARGE_INPUT_TEXT if layer.runs_on_accelerator else UNSUPPORTED_TEXT


def layer_reason(layer: LayerReport, mvp: bool = True) -> str:
    """Why a layer does not run as asked: the MVP's reason, or without the MVP only why the device refuses it."""
    return layer.reason if mvp or not layer.runs_on_device else ""


def _layer_row(layer: LayerReport, mvp: bool = True) -> list[str]:
    """A row of the layer table; without the MVP no support column and only the reasons the device refuses."""
    reason = layer_reason(layer, mvp)
    row = [str(layer.index), layer.op.lower(), format_units(layer.ops), format_units(layer.macs),
           format_units(layer.accelerator_cycles), format_units(layer.cpu_cycles),
           format_units(_seconds(layer.time_ms)), layer.input_shape_text, layer.output_shape_text,
           layer.options_text, supported_text(layer), reason]
    return row if mvp else row[:SUPPORTED_COLUMN] + row[SUPPORTED_COLUMN + 1:]


def _table_headers(mvp: bool) -> tuple[str, ...]:
    return TABLE_HEADERS if mvp else TABLE_HEADERS[:SUPPORTED_COLUMN] + TABLE_HEADERS[SUPPORTED_COLUMN + 1:]


def _layer_notes(report: ProfileReport) -> list[str]:
    """The footnote for yes* rows, when there are any."""
    mvp = uses_mvp(report.summary)
    return [LARGE_INPUT_NOTE] if mvp and any(supported_text(layer) == LARGE_INPUT_TEXT
                                             for layer in report.layers) else []


def _grid(headers: Sequence[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    def line(cells: Sequence[str]) -> str:
        return "|" + "|".join(f" {c:<{w}} " for c, w in zip(cells, widths)) + "|"
    return "\n".join([rule, line(headers), rule, *(line(r) for r in rows), rule])


def is_refit(summary: ProfileSummary | None) -> bool:
    """Whether the cycles and times were scaled by saved board measurements (the refit)."""
    return summary is not None and REFIT_MARKER in summary.estimate_basis


def comparable_arena_bytes(s: ProfileSummary) -> int | None:
    """The arena estimate a board's runtime memory is comparable with: with the MVP, the MVP estimate."""
    return s.arena_bytes_mvp if s.accelerator == MVP else s.arena_bytes


def bytes_text(n_bytes: int) -> str:
    """``11,344 bytes``: a runtime memory figure to the byte, for where two of them are compared."""
    return f"{n_bytes:,} bytes"


def measured_memory_text(s: ProfileSummary, measured_bytes: int | None) -> str:
    """``11,344 bytes (estimated 11,264 bytes, error -0.7 %)``: the board's runtime memory beside the estimate it is
    comparable with (:func:`comparable_arena_bytes`), in bytes, as ``kws board profile``, the Board and the Profile
    workspaces say it. Why bytes: MLTK's one decimal made 11,344 and 11,264 both 11.3k beside a nonzero error."""
    if measured_bytes is None:
        return UNKNOWN
    estimate = comparable_arena_bytes(s)
    if estimate is None:
        return bytes_text(measured_bytes)
    return (f"{bytes_text(measured_bytes)} (estimated {bytes_text(estimate)}, error "
            f"{_percent_text(error_percent(estimate, measured_bytes))} %)")


def stored_memory_text(s: ProfileSummary) -> str:
    """``19,504 bytes (its runtime_memory_size, which the firmware reserves; this profile estimates 17,408
    bytes with the MVP)``, "" when the model stores none or the same figure: said where the profile is shown, since
    ``kws info`` and the Model workspace show the stored figure and the profile its own estimate."""
    stored, estimate = s.stored_runtime_memory_bytes, comparable_arena_bytes(s)
    if stored is None or estimate is None or stored == estimate:
        return ""
    where = "with the MVP" if s.accelerator == MVP else "on the CPU only"
    return (f"{bytes_text(stored)} (its {RUNTIME_MEMORY_KEY}, which the firmware reserves; this profile "
            f"estimates {bytes_text(estimate)} {where})")


def _measured_ram(s: ProfileSummary, measured_bytes: int | None) -> tuple[str, str]:
    """The board's runtime memory beside the estimate it is comparable with (:func:`measured_memory_text`)."""
    label = RUNTIME_MEMORY_WITH_MVP if s.accelerator == MVP else RUNTIME_MEMORY_LABEL
    return f"{label}, measured", measured_memory_text(s, measured_bytes)


def _shapes_text(shapes: list[list[int]], first: list[int]) -> str:
    """Every input's (or output's) shape, ``1x1, 1x4``; the first one's for a summary saved without the list
    (nothing when that is empty too: a graph without inputs, not a scalar one)."""
    return shapes_text(shapes or ([first] if first else []), ", ")


def _unsupported_count(s: ProfileSummary, layers: list[LayerReport] | None) -> str:
    """MLTK's count of unsupported layers, and how many of them the MVP runs anyway (yes*)."""
    large_input = sum(1 for layer in layers or [] if supported_text(layer) == LARGE_INPUT_TEXT)
    return str(s.unsupported_layer_count) + (f" ({large_input} of them run on the MVP anyway: yes*)"
                                             if large_input else "")


def _unknown_count(s: ProfileSummary) -> str:
    """How many layers have no cost estimate, and that the totals leave them out."""
    return str(s.unknown_layer_count) + (f" ({UNKNOWN_LAYERS_NOTE})" if s.unknown_layer_count else "")


def bounded(text: str, partial: bool, bound: str = AT_LEAST) -> str:
    """A total as a bound when it leaves layers out: the known layers' sum is the least the model takes."""
    return bound + text if partial else text


def _rate(s: ProfileSummary) -> str:
    """Inferences per second: at most the rate of the layers with a time, unknown when none has one."""
    if s.untimed_layer_count and not s.total_time_ms:
        return UNKNOWN
    return bounded(rate_text(s.inferences_per_s), bool(s.untimed_layer_count), AT_MOST)


def peak_activation_text(s: ProfileSummary) -> str:
    """``8.0k during 1: reshape``: the most activation RAM a layer's moment needs, and that layer ("" without
    layers), as the layer table writes its figures and ops: "16,000 during 1: RESHAPE" above "17.2k" cells and
    "reshape" rows read as another unit and another layer. The exact bytes are JSON's."""
    if s.peak_activation_layer is None:
        return ""
    return f"{format_units(s.peak_activation_bytes)} during {s.peak_activation_layer}: {s.peak_activation_op.lower()}"


def summary_lines(s: ProfileSummary, layers: list[LayerReport] | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs of the summary, labelled as estimates (or refit-scaled estimates) where they are;
    nothing about the MVP when the accelerator is none (``layers``: to tell the yes* layers apart). Totals that
    leave out layers without an estimate (unknown cost, or refused by TFLite Micro) say "at least" (the rate
    "at most"): a sum over the known layers alone would read as the model's whole cost."""
    timing = REFIT_ESTIMATED if is_refit(s) else ESTIMATED
    mvp = uses_mvp(s)
    uncounted, untimed = bool(s.unknown_layer_count), bool(s.untimed_layer_count)
    lines = [
        ("Name", s.name or "-"), ("Accelerator", s.accelerator.upper() if mvp else "None"),
        ("Input Shape", _shapes_text(s.input_shapes, s.input_shape)),
        ("Input Data Type", ", ".join(s.input_types) or s.input_type),
        ("Output Shape", _shapes_text(s.output_shapes, s.output_shape)),
        ("Output Data Type", ", ".join(s.output_types) or s.output_type),
        ("Flash, Model File Size (bytes)", format_units(s.flash_bytes)),
        *([(FLASH_PROBLEM_LABEL, s.flash_problem)] if s.flash_problem else []),
        (f"{RUNTIME_MEMORY_LABEL} (bytes), estimated", format_units(s.arena_bytes)),
        *([(f"{RUNTIME_MEMORY_WITH_MVP} (bytes), estimated", format_units(s.arena_bytes_mvp))] if mvp else []),
        *([(RUNTIME_MEMORY_STORED, stored_memory_text(s))] if stored_memory_text(s) else []),
        *([(PEAK_ACTIVATION_LABEL, peak_activation_text(s))] if peak_activation_text(s) else []),
        ("Operation Count", bounded(format_units(s.total_ops), uncounted)),
        ("Multiply-Accumulate Count", bounded(format_units(s.total_macs), uncounted)),
        ("Layer Count", str(s.layer_count)),
        *([("Unsupported Layer Count", _unsupported_count(s, layers))] if mvp else []),
        ("Unknown Layer Count", _unknown_count(s)),
        *([(TFLM_PROBLEM_LABEL, s.tflm_problem)] if s.tflm_problem else []),
        (f"Accelerator Cycle Count, {timing}", bounded(format_units(s.total_accelerator_cycles), untimed)),
        (f"CPU Cycle Count, {timing}", bounded(format_units(s.total_cpu_cycles), untimed)),
        ("Clock Rate (hz)", format_units(s.clock_hz)),
        (f"Time (s), {timing}", bounded(format_units(s.total_time_ms / 1e3), untimed)),
        (f"Inference/s, {timing}", _rate(s)),
        *([(LATENCY_PROBLEM_LABEL, PROBLEM_PREFIX + s.latency_problem)] if s.latency_problem else []),
    ]
    if s.host_latency is not None:
        h = s.host_latency
        lines.append(("Host invoke time (ms), measured on this PC", f"median {h.median_ms:.3f}, p90 {h.p90_ms:.3f}"))
        if h.pipeline_hop_median_ms is not None:
            lines.append(("Host pipeline per hop (ms), measured on this PC",
                          f"median {h.pipeline_hop_median_ms:.3f}, p90 {h.pipeline_hop_p90_ms:.3f}"))
    if s.measured is not None:
        m = s.measured
        lines += [("Measured on board", m.source), ("Board platform", m.platform or "-"),
                  ("Board part number", m.part_number or "-"),
                  ("Board clock rate (hz)", format_units(m.clock_hz)),
                  _measured_ram(s, m.runtime_memory_bytes),
                  ("Accelerator Cycle Count, measured", format_units(m.total_accelerator_cycles)),
                  ("CPU Cycle Count, measured", format_units(m.total_cpu_cycles)),
                  ("Time (s), measured", format_units(_seconds(m.total_time_ms)))]
    return lines


def has_measurements(report: ProfileReport) -> bool:
    return any(layer.measured is not None for layer in report.layers)


def error_percent(estimate: float | int | None, measured: float | int | None) -> float | None:
    """(estimate - measured) / measured in %, None when either is missing or the measurement is 0."""
    if estimate is None or measured is None or not measured:
        return None
    return (estimate - measured) / measured * PERCENT


def _percent_text(value: float | None) -> str:
    return "-" if value is None else f"{round(value, 1) + 0.0:+.1f}"


def _comparison_row(layer: LayerReport) -> list[str]:
    m = layer.measured
    row = [str(layer.index), layer.op.lower()]
    for est, board in ((layer.accelerator_cycles, m.accelerator_cycles if m else None),
                       (layer.cpu_cycles, m.cpu_cycles if m else None)):
        row += [format_units(est), format_units(board) if m else "-", _percent_text(error_percent(est, board))]
    board_ms = m.time_ms if m else None
    row += ["unknown" if layer.time_ms is None else f"{layer.time_ms:.3f}",
            "-" if board_ms is None else f"{board_ms:.3f}", _percent_text(error_percent(layer.time_ms, board_ms))]
    return row


def _comparison_rows(report: ProfileReport) -> list[list[str]]:
    return [_comparison_row(layer) for layer in report.layers]


def to_text_table(report: ProfileReport) -> str:
    """The MLTK-like report: a summary block and the layer table."""
    measured = has_measurements(report)
    basis = ("estimated for EFR32xG24, scaled by board measurements (refit)" if is_refit(report.summary)
             else "estimated for EFR32xG24")
    out = [f"Profiling Summary ({basis}; "
           + ("with measurements from a board)" if measured else "not measured on a board)")]
    mvp = uses_mvp(report.summary)
    if report.summary is not None:
        out += [f"{label}: {value}" for label, value in summary_lines(report.summary, report.layers)]
    out += ["", "Model Layers", _grid(_table_headers(mvp), [_layer_row(layer, mvp) for layer in report.layers]),
            *_layer_notes(report)]
    if measured:
        out += ["", "Estimate vs board (error = (estimate - board) / board)",
                _grid(COMPARISON_HEADERS, _comparison_rows(report))]
    return "\n".join(out) + "\n"


def _csv_value(value: Any) -> Any:
    return UNKNOWN if value is None else value


def to_csv(report: ProfileReport) -> str:
    """One row per layer, raw numbers; unknown costs are the word 'unknown'. Each row starts with the model, the
    accelerator and the clock (MHz), which its cycles and time depend on; ``cycles_basis`` says how a layer's
    cycles were estimated where MLTK's op count misses its work (a MEAN's 0 ops). With the accelerator none the
    MVP's cells (supported, runs_on_accelerator, and reason unless the device refuses the layer) are left empty: the
    columns stay, so that every CSV has one layout."""
    s = report.summary
    mvp = uses_mvp(s)
    context = ["", "", ""] if s is None else [s.name, s.accelerator, f"{s.clock_hz / HZ_PER_MHZ:g}"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    measured = has_measurements(report)
    writer.writerow(CSV_COLUMNS + (MEASURED_CSV_COLUMNS if measured else ()))
    for layer in report.layers:
        m = layer.measured
        board = ([] if not measured else [""] * len(MEASURED_CSV_COLUMNS) if m is None else
                 [_csv_value(m.ops), _csv_value(m.macs), _csv_value(m.accelerator_cycles),
                  _csv_value(m.cpu_cycles), _csv_value(m.time_ms), m.unsupported or ""])
        writer.writerow([*context, layer.index, layer.op, _csv_value(layer.ops), _csv_value(layer.macs),
                         _csv_value(layer.accelerator_cycles), _csv_value(layer.cpu_cycles),
                         _csv_value(layer.time_ms), shapes_text(layer.input_shapes),
                         ",".join(layer.input_types), shapes_text(layer.output_shapes),
                         ",".join(layer.output_types), layer.options_text, layer.params,
                         layer.param_bytes, layer.supported if mvp else "", layer_reason(layer, mvp),
                         layer.runs_on_accelerator if mvp else "", layer.estimated, layer.cycles_basis,
                         layer.activation_bytes, *board])
    return buf.getvalue()


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|") or " "


def to_markdown(report: ProfileReport) -> str:
    """A Markdown summary list and layer table."""
    out = [f"# Model profile ({REFIT_ESTIMATED if is_refit(report.summary) else ESTIMATED})", ""]
    mvp = uses_mvp(report.summary)
    if report.summary is not None:
        out += [f"- **{label}**: {value}" for label, value in summary_lines(report.summary, report.layers)]
        out.append("")
    headers = _table_headers(mvp)
    out.append("| " + " | ".join(headers) + " |")
    out.append("|" + "|".join("---" for _ in headers) + "|")
    for layer in report.layers:
        out.append("| " + " | ".join(_md_cell(c) for c in _layer_row(layer, mvp)) + " |")
    out += ["", *_layer_notes(report)] if _layer_notes(report) else []
    if has_measurements(report):
        out += ["", "## Estimate vs board", "", "| " + " | ".join(COMPARISON_HEADERS) + " |",
                "|" + "|".join("---" for _ in COMPARISON_HEADERS) + "|"]
        out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in _comparison_rows(report)]
    return "\n".join(out) + "\n"


FORMATS = {"table": to_text_table, "csv": to_csv, "markdown": to_markdown,
           "json": lambda report: report.to_json() + "\n"}


def render(report: ProfileReport, fmt: str) -> str:
    """Render ``report`` in one of :data:`FORMATS`."""
    return FORMATS[fmt](report)
