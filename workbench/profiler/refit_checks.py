"""What a board measurement must hold before it is shown as whole, saved, or learnt from by the refit.

Why one place: a profiler log cut short or garbled on the serial line loses figures, and a garbled digit
makes impossible ones (a 0 Hz clock, a layer of 10^14 cycles in 5 ms). The board run, the measurement
store and the refit judge a measurement alike, on the profile document (``ProfileReport.to_dict()``, the
form saved measurements have): so a measurement the run called incomplete is never saved, and one saved
before these checks existed is never learnt from. A missing figure is None, never 0.
"""

from __future__ import annotations

from typing import Any, Mapping

from workbench.core.wording import listed, plural
from workbench.profiler.device_limits import CLOCK_RANGE_MHZ

# (field of a layer's ``measured``, its name in a sentence), in the order the firmware prints them
MEASURED_FIGURES = (("ops", "OPs"), ("macs", "MACs"), ("time_ms", "time"), ("cpu_cycles", "CPU cycles"),
                    ("accelerator_cycles", "accelerator cycles"))
TIMING_FIGURES = ("time_ms", "cpu_cycles", "accelerator_cycles")  # what the stats pass gives; the refit's
COUNTED_CYCLES = (("cpu_cycles", "CPU cycles"), ("accelerator_cycles", "accelerator cycles"))
# a layer's cycles fit in its printed time at the board's clock (FORMATS.md: both counters run at most at
# the clock); twice that plus a millisecond leaves room for truncated figures and timer jitter, and still
# catches a garbled digit or unit (85.71M for 85.71k)
CYCLES_TIME_MARGIN = 2.0
CYCLES_SLACK_MS = 1.0
MS_PER_S = 1000.0
HZ_PER_MHZ = 1_000_000
MAX_NAMED_LAYERS = 6
RUN_AGAIN = "run the profile again, and check the baud rate and the cable"


def _layer_name(layer: Mapping[str, Any]) -> str:
    return f"{layer.get('index')} ({str(layer.get('op', '')).upper()})"


def _layers_text(names: list[str]) -> str:
    """``layer 0 (CONV_2D)``, ``layers 2 (FULLY_CONNECTED) and 3 (SOFTMAX)``, the first few of many."""
    shown = names[:MAX_NAMED_LAYERS]
    more = len(names) - len(shown)
    names_text = listed(shown) if not more else f"{', '.join(shown)} and {more} more"
    return f"{plural(len(names), 'layer')} {names_text}"


def missing_figures(document: Mapping[str, Any]) -> str | None:
    """What the measurement lacks, as a phrase (``the CPU cycles and accelerator cycles of layer 0 (CONV_2D)``,
    layers that lack the same figures named together), or None when nothing is missing."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for layer in document.get("layers") or []:
        measured = layer.get("measured") or {}
        lacking = tuple(label for name, label in MEASURED_FIGURES if measured.get(name) is None)
        if lacking:
            groups.setdefault(lacking, []).append(_layer_name(layer))
    parts = [f"{'every figure' if len(lacking) == len(MEASURED_FIGURES) else 'the ' + listed(lacking)} "
             f"of {_layers_text(names)}" for lacking, names in groups.items()]
    measured_summary = (document.get("summary") or {}).get("measured") or {}
    if measured_summary.get("clock_hz") is None:
        parts.append("the CPU clock")
    return "; ".join(parts) or None


def nothing_timed(document: Mapping[str, Any]) -> bool:
    """True when no layer has a time or cycle figure: the stats pass never arrived."""
    return not any((layer.get("measured") or {}).get(name) is not None
                   for layer in document.get("layers") or [] for name in TIMING_FIGURES)


def impossible_figures(document: Mapping[str, Any]) -> list[str]:
    """One phrase per figure no board can have printed: a clock outside :data:`CLOCK_RANGE_MHZ`, a layer's
    cycles that do not fit in its time at that clock."""
    clock_hz = ((document.get("summary") or {}).get("measured") or {}).get("clock_hz")
    low, high = CLOCK_RANGE_MHZ
    if clock_hz is not None and not low * HZ_PER_MHZ <= clock_hz <= high * HZ_PER_MHZ:
        return [f"a CPU clock of {clock_hz:g} Hz"]  # the cycles cannot be judged against it
    found = []
    for layer in document.get("layers") or []:
        measured = layer.get("measured") or {}
        time_ms = measured.get("time_ms")
        if clock_hz is None or time_ms is None:
            continue
        most = clock_hz * (CYCLES_TIME_MARGIN * time_ms + CYCLES_SLACK_MS) / MS_PER_S
        for name, label in COUNTED_CYCLES:
            cycles = measured.get(name)
            if cycles is not None and cycles > most:
                found.append(f"{cycles} {label} for layer {_layer_name(layer)} in {time_ms:g} ms at "
                             f"{clock_hz / HZ_PER_MHZ:g} MHz")
    return found


def measurement_problem(document: Mapping[str, Any]) -> str | None:
    """Why the refit must not learn from this measurement (a phrase: ``it lacks …`` / ``it has impossible
    figures …``), or None when it is whole and possible."""
    impossible = impossible_figures(document)
    if impossible:
        return f"it has impossible figures ({'; '.join(impossible)})"
    missing = missing_figures(document)
    return None if missing is None else f"it lacks {missing}"
