"""The headline above the Profile workspace's table: what the estimate says, and what the board measured.

Why a module of its own: the headline changes meaning with the report. A plain profile is an estimate
and must say so; a board's report carries measured totals (time, cycles, the runtime memory the firmware settled
on) beside the estimate, and the headline must then say what was measured where instead of calling the
whole view an estimate while its Board ms / Error columns show measurements. The runtime memory (the tensor arena)
is named and given as ``kws profile`` and the Board workspace give it, and the figure the model stores is said
beside the estimate when it differs (the Model workspace shows that one).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from workbench.core.wording import counted
from workbench.profiler.device_limits import PROBLEM_PREFIX
from workbench.profiler.export import (AT_MOST, bounded, format_units, measured_memory_text, stored_memory_text,
                                       uses_mvp)
from workbench.profiler.report import (
    FLASH_PROBLEM_LABEL,
    LATENCY_PROBLEM_LABEL,
    TFLM_PROBLEM_LABEL,
    BoardSummaryMeasurement,
    LayerReport,
    ProfileReport,
    ProfileSummary,
)

HZ_PER_MHZ = 1_000_000
MS_PER_S = 1000.0
PERCENT = 100.0
NOT_MEASURED = "<i>Estimates, not board measurements.</i>"


def _mvp_summary(layers: list[LayerReport]) -> str:
    """How many layers the MVP leaves to the CPU, and how many MLTK lists as unsupported but the MVP runs."""
    cpu_only = sum(1 for layer in layers if not layer.supported and not layer.runs_on_accelerator)
    large_input = sum(1 for layer in layers if not layer.supported and layer.runs_on_accelerator)
    text = f"{counted(cpu_only, 'layer')} not supported on the MVP"
    if large_input:
        text += f"; {large_input} listed as unsupported by MLTK but run on the MVP anyway (yes*)"
    return text + "."


def measured_summary(measured: BoardSummaryMeasurement, summary: ProfileSummary) -> str:
    """One sentence of the board's totals: time and runtime memory (each beside ``summary``'s estimate and its
    error, the memory as the Board workspace and ``kws board profile`` give it), cycles, where."""
    estimated_ms = summary.total_time_ms
    board = escape(" ".join(part for part in (measured.platform, measured.part_number) if part) or "the board")
    clock = f" at {measured.clock_hz / HZ_PER_MHZ:g} MHz" if measured.clock_hz else ""
    facts = []
    if measured.total_time_ms:
        error = (estimated_ms - measured.total_time_ms) / measured.total_time_ms * PERCENT
        facts.append(f"{measured.total_time_ms:.3f} ms/inference ({MS_PER_S / measured.total_time_ms:.1f}/s; "
                     f"the estimate is {error:+.1f}% off)")
    if measured.total_cpu_cycles is not None:
        facts.append(f"{format_units(measured.total_cpu_cycles)} CPU cycles")
    if measured.total_accelerator_cycles is not None:
        facts.append(f"{format_units(measured.total_accelerator_cycles)} accelerator cycles")
    if measured.runtime_memory_bytes is not None:
        facts.append(f"runtime memory {escape(measured_memory_text(summary, measured.runtime_memory_bytes))}")
    totals = ", ".join(facts) or "no totals reported"
    return (f"<b>Measured on the board</b> ({board}{clock}): {totals}. The Board ms and Error columns are "
            f"measured per layer; the rest are estimates. <small>Source: {escape(measured.source)}</small>")


def summary_html(report: ProfileReport) -> str:
    """The Profile workspace's headline for ``report`` (rich text)."""
    s = report.summary
    if s is None:
        return "No profile."
    mvp = _mvp_summary(report.layers) + " " if uses_mvp(s) else ""  # CPU only: all layers on it
    text = _runs_at_all_html(s)
    text += (f"<b>{escape(s.name or 'model')}</b> — estimated for EFR32xG24 at {s.clock_hz / HZ_PER_MHZ:g} MHz "
            f"({s.accelerator.upper() if uses_mvp(s) else 'CPU only'}): "
            f"{_totals_text(s)}. {mvp}")
    text += NOT_MEASURED if s.measured is None else "<br>" + measured_summary(s.measured, s)
    stored_memory, latency = stored_memory_line(s), latency_line(s)
    if stored_memory:
        text += f"<br>{escape(stored_memory, quote=False)}"
    if s.host_latency is not None:
        text += (f"<br>Measured on this PC (LiteRT): median {s.host_latency.median_ms:.3f} ms, "
                 f"p90 {s.host_latency.p90_ms:.3f} ms per invoke.")
    if latency:  # the line kws profile prints after its totals
        text += f"<br><b>{escape(latency)}</b>"
    return text


def stored_memory_line(s: ProfileSummary) -> str:
    """The runtime memory the model stores beside the estimate (:func:`stored_memory_text`), "" when it stores none
    or the estimate: one sentence for the headline and the Board workspace's summary, which must say it alike."""
    stored = stored_memory_text(s)
    return f"Runtime memory stored in the model: {stored}." if stored else ""


def latency_line(s: ProfileSummary) -> str:
    """Whether an inference keeps up with the model's latency_ms, answered "no: why" as ``kws profile``'s line after
    its totals; "" when it does (or the model has none). Plain text: the headline and the Board summary share it."""
    return f"{LATENCY_PROBLEM_LABEL}: {PROBLEM_PREFIX}{s.latency_problem}" if s.latency_problem else ""


def _totals_text(s: ProfileSummary) -> str:
    """Ops, MACs and time per inference, said as bounds where layers have no estimate (as ``kws profile`` says them:
    a sum over the known layers alone read as the model's whole cost)."""
    uncounted, untimed = bool(s.unknown_layer_count), bool(s.untimed_layer_count)
    if untimed and not s.total_time_ms:
        time = "time unknown"
    else:
        rate = bounded(f"{s.inferences_per_s:.1f}/s", untimed, AT_MOST)
        time = f"{bounded(f'{s.total_time_ms:.2f} ms/inference', untimed)} ({rate})"
    unknown = f" ({counted(s.untimed_layer_count, 'layer')} without an estimate left out)" if untimed else ""
    return (f"{bounded(format_units(s.total_ops), uncounted)} ops, {bounded(format_units(s.total_macs), uncounted)} "
            f"MACs, {time}{unknown}")


def _runs_at_all_html(s: ProfileSummary) -> str:
    """What keeps the model off the board whatever its speed, first (as ``kws profile``'s summary says it): layers
    TFLite Micro refuses (a hybrid layer, a CONCATENATION of too many inputs) or a model larger than the flash;
    "" when nothing does. Why first: the times below are for layers the board would never get to run."""
    lines = [f"{TFLM_PROBLEM_LABEL}: {s.tflm_problem}" if s.tflm_problem else "",
             f"{FLASH_PROBLEM_LABEL}: {s.flash_problem}" if s.flash_problem else ""]
    return "".join(f"<b>{escape(line)}</b><br>" for line in lines if line)


def _choice_text(s: ProfileSummary) -> str:
    """The accelerator and clock a profile was made for, as the controls beside Export name them."""
    where = s.accelerator.upper() if uses_mvp(s) else "none (CPU only)"
    return f"Accelerator {escape(where)} at {s.clock_hz / HZ_PER_MHZ:g} MHz"


def kept_measurement_html(measured: Sequence[ProfileSummary]) -> str:
    """Where the board measurements kept for the model can be seen again ("" when none is): each estimate they
    were compared with was made for one accelerator and clock, and a per-layer error means nothing beside
    another estimate."""
    if not measured:
        return ""
    choices = " and ".join(_choice_text(s) for s in measured)
    if len(measured) == 1:
        return (f"<br>A board measurement of this model is kept: it was compared with the estimate for "
                f"{choices}; choose those to see it.")
    return (f"<br>{len(measured)} board measurements of this model are kept, compared with the estimates for "
            f"{choices}; choose one of those to see it.")
