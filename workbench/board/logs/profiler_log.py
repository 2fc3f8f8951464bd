"""What MLTK's model-profiler firmware prints, parsed line by line into per-layer figures.

Why line by line: the profiler prints the same layer in two passes (metrics: OPs/MACs; stats: time,
cycles), omits layers with no OPs and no MACs from the first pass (RESHAPE), omits zero lines (MACs of
SOFTMAX, accelerator cycles of CPU layers), and repeats kernel messages (``Op2-FULLY_CONNECTED not
supported: …``) once per load attempt of its arena-size search. Each line is recognised by its content
and applied to the layer heading above it, so all of that is handled without a state machine that
can lose a layer (MLTK 0.20's parser loses RESHAPE and FULLY_CONNECTED on the seed model's log).

A line that is garbled (noise, a lost heading) costs only its own figure: a figure that would land
twice on one heading means a heading was lost, and the figures are dropped until the next heading
rather than put on the wrong layer. A figure the firmware leaves out when it is 0 (MACs, accelerator
cycles, a layer absent from the metrics pass) is only taken as 0 when the lines around it arrived whole:
the block closed by the next heading or divider, no garbled line in it. Otherwise it stays None (not
printed, or lost), so a log cut short or garbled never passes a lost figure off as a measured 0. The
format is documented in docs/board.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from workbench.board.logs.units import NUMBER_WITH_UNITS, parse_milliseconds, parse_units

START_MARKER = "Starting Model Profiler"
LOADING_MARKER = "Loading model"
INFERENCE = "Inference"

_N = f"({NUMBER_WITH_UNITS})"
_HEADING = re.compile(r"^(?:Inference|Op(\d+)-([A-Za-z0-9_]+))$")
_UNSUPPORTED = re.compile(r"Op(\d+)-([A-Za-z0-9_]+) not supported: (.*)$")
MODEL_IN_FLASH = re.compile(r"Using \.tflite in flash at 0x([0-9A-Fa-f]+)$")
DEFAULT_MODEL_LINE = re.compile(r"Using default model built into application$")
_ARENA_SEARCHED = re.compile(r"Determined optimal runtime memory size to be (\d+)$")
_ARENA_FROM_MODEL = re.compile(r"Runtime memory size from \.tflite model: (\d+)$")
_CLOCK = re.compile(rf"^CPU clock: {_N}Hz$")
_DONE = re.compile(r"\bdone$")
_DIVIDER = re.compile(r"^-{10,}$")
_DETAILS_START = "Model details:"
DETAIL_LINE = re.compile(r"^(Name|Version|Date|Hash|Accelerator|Tensor runtime memory|Input|Output|Classes):\s?(.*)$")
_METRICS_TITLE = "Profiler Metrics:"

# value lines under a heading: (field, regex); the field name is the ProfiledFigures attribute
_VALUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ops", re.compile(rf"^{_N} OPs$")),
    ("macs", re.compile(rf"^{_N} MACs$")),
    ("time_ms", re.compile(r"^(\d+\.\d+) ms$")),
    ("cpu_cycles", re.compile(rf"^{_N} CPU cycles(?: \(free running\))?$")),
    ("cpu_cycles_layers", re.compile(rf"^{_N} CPU cycles \(sum of all child profilers\)$")),
    ("accelerator_cycles_layers", re.compile(rf"^{_N} Accelerator cycles \(sum of all child profilers\)$")),
    ("accelerator_cycles", re.compile(rf"^{_N} Accelerator cycles$")),
    ("ops_per_s", re.compile(rf"^{_N} OP/s$")),
    ("macs_per_s", re.compile(rf"^{_N} MAC/s$")),
)
# a line that is no figure but has a digit or a figure's word was a figure (or heading) before the wire
# garbled it; a line of neither (pure noise) hides nothing
_FIGURE_TRACE = re.compile(r"\d|\bms\b|OPs?\b|MACs?\b|OP/s|MAC/s|cycles|Inference", re.I)
TOTAL_TIME_DECIMALS = 6  # the firmware prints whole microseconds; the sum keeps them, not float noise
_STAT = re.compile(r"^([A-Za-z_][\w\-.]*)=(-?\d+(?:\.\d+)?)$")
# lines the firmware prints when it gives up (MLTK's fail patterns, applied per line)
FAILURE_PATTERNS = (re.compile(r"hardfault|Cortex IRQ \w+ triggered|\*\*\* Fault triggered", re.I),
                    re.compile(r"\berror\b", re.I),
                    re.compile(r"failed to alloc", re.I),
                    re.compile(r"assert failed", re.I))


def is_failure_line(line: str) -> bool:
    """True for a line that means the profiler firmware failed (fault, assert, error, allocation)."""
    return any(p.search(line) for p in FAILURE_PATTERNS)


@dataclass
class ProfiledFigures:
    """The figures printed under one profiler heading (``Inference`` or ``OpN-NAME``); None = not printed."""

    ops: int | None = None
    macs: int | None = None
    time_ms: float | None = None
    cpu_cycles: int | None = None
    accelerator_cycles: int | None = None
    ops_per_s: int | None = None
    macs_per_s: int | None = None
    cpu_cycles_layers: int | None = None  # Inference only: sum over the layers
    accelerator_cycles_layers: int | None = None  # Inference only
    stats: dict[str, float] = field(default_factory=dict)  # custom counters (accelerator-profiler builds)
    in_metrics: bool = False  # heading seen in the OPs/MACs pass
    in_stats: bool = False  # heading seen in the time/cycles pass
    metrics_whole: bool = False  # its metrics block closed by a heading or divider, no garbled line in it
    stats_whole: bool = False  # the same for its stats block: a figure left out there is a 0


@dataclass
class ProfiledLayer(ProfiledFigures):
    index: int = 0
    op: str = ""  # TFLite builtin name as the firmware prints it, e.g. CONV_2D
    unsupported: list[str] = field(default_factory=list)  # kernel messages, each once

    @property
    def unsupported_text(self) -> str | None:
        return ", ".join(self.unsupported) if self.unsupported else None


@dataclass
class ModelDetails:
    name: str = ""
    version: str = ""
    date: str = ""
    hash: str = ""
    accelerator: str = ""
    tensor_runtime_memory: int | None = None
    input: str = ""
    output: str = ""
    classes: tuple[str, ...] = ()


@dataclass
class ProfilerLog:
    """Everything one profiler run printed, parsed (``text`` keeps the log itself)."""

    layers: list[ProfiledLayer] = field(default_factory=list)
    inference: ProfiledFigures = field(default_factory=ProfiledFigures)
    details: ModelDetails = field(default_factory=ModelDetails)
    clock_hz: int | None = None
    runtime_memory_bytes: int | None = None
    model_address: int | None = None  # where the firmware found the .tflite in flash
    default_model: bool = False  # the firmware found no model in flash and used its built-in one
    started: bool = False
    finished: bool = False  # the firmware printed ``done``
    failures: list[str] = field(default_factory=list)
    text: str = ""

    def layer(self, index: int) -> ProfiledLayer | None:
        return next((layer for layer in self.layers if layer.index == index), None)

    @property
    def total_cpu_cycles(self) -> int | None:
        """The sum over the layers; None when a layer's figure is missing (a lost line is not a 0)."""
        return _total(layer.cpu_cycles for layer in self.layers)

    @property
    def total_accelerator_cycles(self) -> int | None:
        return _total(layer.accelerator_cycles for layer in self.layers)

    @property
    def total_time_ms(self) -> float | None:
        total = _total(layer.time_ms for layer in self.layers)
        return None if total is None else round(total, TOTAL_TIME_DECIMALS)


def _total(values: Iterable[int | float | None]) -> int | float | None:
    """The sum, or None when a value is missing or there is none."""
    found = list(values)
    if not found or any(v is None for v in found):
        return None
    return sum(v for v in found if v is not None)


class ProfilerLogParser:
    """Feed lines as they arrive (:meth:`feed`), read :attr:`log` at any time; :meth:`finish` at the end."""

    def __init__(self) -> None:
        self.log = ProfilerLog()
        self._lines: list[str] = []
        self._layers: dict[int, ProfiledLayer] = {}
        self._current: ProfiledFigures | None = None
        self._seen: set[str] = set()  # figures already set under the current heading occurrence
        self._section = ""  # "", "details", "metrics", "between", "stats", "after"
        self._metrics_complete = False
        self._metrics_rows = False  # a heading was seen since "Profiler Metrics:"
        self._whole = False  # the current heading's block has had no garbled line so far
        self._metrics_garbled = False  # a line of the metrics pass was garbled (it may have been a heading)

    # -- headings and sections ------------------------------------------------------------------
    def _heading(self, match: re.Match[str]) -> None:
        if match.group(1) is None:
            target: ProfiledFigures = self.log.inference
        else:
            index = int(match.group(1))
            target = self._layers.get(index) or self._new_layer(index, match.group(2))
        self._close_block()
        if self._section == "metrics":
            target.in_metrics = True
        elif self._section == "stats":
            target.in_stats = True
        self._current, self._seen, self._whole = target, set(), True

    def _close_block(self) -> None:
        """The current heading's block ends (next heading or divider): whole if nothing in it was garbled."""
        current = self._current
        if current is not None and self._whole:
            if self._section == "metrics":
                current.metrics_whole = True
            elif self._section == "stats":
                current.stats_whole = True
        self._current = None

    def _garbled(self, text: str) -> None:
        """A line of a profiler pass that is no figure but was one (or a heading): the block it fell in can no
        longer vouch for a 0."""
        if not _FIGURE_TRACE.search(text):
            return
        self._whole = False
        if self._section == "metrics":
            self._metrics_garbled = True

    def _new_layer(self, index: int, op: str) -> ProfiledLayer:
        layer = ProfiledLayer(index=index, op=op.upper())
        self._layers[index] = layer
        return layer

    def _divider(self) -> None:
        # metrics: "---", title, "---", rows, "---"; stats: "---", rows, "---"
        self._close_block()
        if self._section == "metrics" and self._metrics_rows:
            self._section, self._metrics_complete = "between", True
        elif self._section == "between":
            self._section = "stats"
        elif self._section == "stats":
            self._section = "after"
        elif self._section in ("", "details"):
            self._section = "pre-metrics"

    # -- lines ----------------------------------------------------------------------------------
    def feed(self, line: str) -> None:
        """Take one line (without its newline); unknown lines are kept in the text only."""
        self._lines.append(line)
        text = line.strip()
        if not text:
            return
        if is_failure_line(text):
            self.log.failures.append(text)
        if START_MARKER in text:
            self.log.started = True
        if self._header_line(text):
            return
        if _DIVIDER.match(text):
            self._divider()
            return
        if text == _METRICS_TITLE:
            self._section, self._metrics_rows = "metrics", False
            return
        heading = _HEADING.match(text)
        if heading is not None:
            if self._section == "metrics":
                self._metrics_rows = True
            self._heading(heading)
            return
        if _DONE.search(text):
            self.log.finished = True
            return
        self._value_line(text)

    def _header_line(self, text: str) -> bool:
        log = self.log
        unsupported = _UNSUPPORTED.search(text)
        if unsupported is not None:
            index, op, message = int(unsupported.group(1)), unsupported.group(2), unsupported.group(3).strip()
            layer = self._layers.get(index) or self._new_layer(index, op)
            for part in (p.strip() for p in message.split(", ")):
                if part and part not in layer.unsupported:
                    layer.unsupported.append(part)
            return True
        if (m := MODEL_IN_FLASH.search(text)) is not None:
            log.model_address, log.default_model = int(m.group(1), 16), False
            return True
        if DEFAULT_MODEL_LINE.search(text):
            log.model_address, log.default_model = None, True
            return True
        if (m := _ARENA_SEARCHED.search(text) or _ARENA_FROM_MODEL.search(text)) is not None:
            log.runtime_memory_bytes = int(m.group(1))
            return True
        if text == _DETAILS_START:
            self._section = "details"
            return True
        if (m := _CLOCK.match(text)) is not None:
            log.clock_hz = parse_units(m.group(1))
            return True
        if self._section == "details" and (m := DETAIL_LINE.match(text)) is not None:
            self._detail(m.group(1), m.group(2).strip())
            return True
        return False

    def _detail(self, key: str, value: str) -> None:
        d = self.log.details
        if key == "Tensor runtime memory":
            try:
                d.tensor_runtime_memory = parse_units(value)
            except ValueError:
                pass
        elif key == "Classes":
            d.classes = tuple(c.strip() for c in value.split(",") if c.strip())
        else:
            setattr(d, key.lower(), value)

    def _value_line(self, text: str) -> None:
        target = self._current
        if target is None:
            if self._section in ("metrics", "stats"):
                self._garbled(text)  # a line between blocks: perhaps a heading that arrived garbled
            return
        for name, pattern in _VALUES:
            match = pattern.match(text)
            if match is None:
                continue
            if name in self._seen:  # a heading was lost: do not put figures on the wrong layer
                self._garbled(text)
                self._current = None
                return
            self._seen.add(name)
            raw = match.group(1)
            setattr(target, name, parse_milliseconds(raw) if name == "time_ms" else parse_units(raw))
            return
        stat = _STAT.match(text)
        if stat is not None:
            target.stats[stat.group(1)] = float(stat.group(2))
        else:
            self._garbled(text)

    def finish(self) -> ProfilerLog:
        """The parsed log, with the zeros the firmware leaves out filled in where they are certain: under a
        block that arrived whole, or (OPs and MACs of a layer it leaves out) after a whole metrics pass."""
        log = self.log
        log.layers = [self._layers[i] for i in sorted(self._layers)]
        metrics_whole = self._metrics_complete and not self._metrics_garbled
        for figures in [*log.layers, log.inference]:
            if figures.metrics_whole:  # a layer in the metrics pass prints OPs, and MACs only when non-zero
                figures.ops = 0 if figures.ops is None else figures.ops
                figures.macs = 0 if figures.macs is None else figures.macs
            elif (metrics_whole and not figures.in_metrics and isinstance(figures, ProfiledLayer)
                  and figures.in_stats):
                figures.ops, figures.macs = 0, 0  # absent from a whole metrics pass: neither OPs nor MACs
            if figures.stats_whole and figures.accelerator_cycles is None and figures is not log.inference:
                figures.accelerator_cycles = 0  # printed only when non-zero
        log.text = "\n".join(self._lines) + ("\n" if self._lines else "")
        return log


def parse_profiler_log(text: str) -> ProfilerLog:
    """Parse a whole captured profiler log."""
    parser = ProfilerLogParser()
    for line in text.splitlines():
        parser.feed(line)
    return parser.finish()
