"""Can the board keep up with ``latency_ms``? The estimated time of one inference against the interval asked for.

Why: MLTK's ``audio_classifier`` runs the audio frontend and the model back to back every ``latency_ms``; when they
take longer, the board infers less often than that, while the PC (``kws detect``, ``kws calibrate``, the Live
workspace) runs the model every ``latency_ms`` of stream time whatever it costs. The averaging window and
``minimum_count`` tuned on the PC then count fewer results on the board, and nothing on the board says why (at
most "Too few samples for averaging"). So the estimate is said where ``latency_ms`` is set or used: ``kws params``,
``kws profile``, ``kws detect``, ``kws calibrate``, the Tuning panel; and a sweep's ``max_inference_ms`` budgets it.

The time is the profiler's estimate for the model alone, for the report's accelerator and clock: by default the
MVP at 78 MHz, what MLTK's firmware runs an EFR32xG24 model with (layers the MVP refuses run on the CPU in that
estimate too). The profiler has no estimate of the frontend's time on the board, so the sentence says the
frontend's time comes on top: the board's interval is longer still.

Parse once, pass the parsed object: :func:`inference_time` takes a :class:`ProfileReport` (``kws profile``'s), a
:class:`ModelGraph` or a loaded model (its graph, parsed at load), and :func:`board_pace` also takes the
:class:`InferenceTime` it returned, so a view that compares many intervals (a slider) estimates once per model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Union

from workbench.core.detection.settings import MIN_LATENCY_MS
from workbench.core.detection.tuning import parameter_spec
from workbench.core.model.tflite_graph import ModelGraph
from workbench.profiler.accelerators import DEFAULT_ACCELERATOR, MVP
from workbench.profiler.cycles import DEFAULT_CLOCK_HZ
from workbench.profiler.device_limits import TARGET_NAME
from workbench.profiler.export import is_refit
from workbench.profiler.report import ProfileReport, build_report

if TYPE_CHECKING:
    from workbench.core.model.model_file import LoadedModel

LATENCY_KEY = "latency_ms"
HZ_PER_MHZ = 1_000_000
MAX_DECIMALS = 6  # a time is shown with the fewest decimals (at least one) that keep it apart from a limit
# the suggested latency_ms is a multiple of the Tuning panel's Inference interval step: a value its slider reaches
SUGGESTION_STEP_MS = int(parameter_spec(LATENCY_KEY).step)
FRONTEND_NOTE = "the audio frontend's time comes on top"  # the profiler estimates the model alone

Parsed = Union[ProfileReport, ModelGraph, "LoadedModel"]


@dataclass(frozen=True)
class InferenceTime:
    """One inference's estimated time on the board, and what it was estimated for."""

    time_ms: float
    accelerator: str = DEFAULT_ACCELERATOR
    clock_hz: int = DEFAULT_CLOCK_HZ
    lower_bound: bool = False  # layers without an estimate are left out: it takes at least this long
    refit: bool = False  # scaled by saved board measurements (kws profile --calibrated)
    measured: bool = False  # a board's own total for this model: no estimate at all

    @property
    def interval_ms(self) -> int:
        """About how often the board can infer at best, in the firmware's whole milliseconds."""
        return math.ceil(self.time_ms)

    @property
    def suggested_latency_ms(self) -> int:
        """The shortest ``latency_ms`` on the Tuning slider's steps that the model keeps up with."""
        return math.ceil(self.time_ms / SUGGESTION_STEP_MS) * SUGGESTION_STEP_MS

    @property
    def basis(self) -> str:
        """How the time was estimated, as the sentence's parenthesis says it: ``estimated, MVP``."""
        if self.measured:
            how = "measured on the board"
        else:
            how = "estimated and scaled by board measurements" if self.refit else "estimated"
        where = "MVP" if self.accelerator == MVP else "CPU only"
        clock = "" if self.clock_hz == DEFAULT_CLOCK_HZ else f" at {self.clock_hz / HZ_PER_MHZ:g} MHz"
        return f"{how}, {where}{clock}"

    def keeps_up(self, latency_ms: int) -> bool:
        """Whether an inference fits in ``latency_ms`` (True when nothing of the model has a time estimate)."""
        return self.time_ms <= 0 or latency_ms >= self.time_ms


@dataclass(frozen=True)
class BoardPace:
    """``latency_ms`` against the estimated time per inference; ``problem`` is None when the board keeps up."""

    time: InferenceTime
    latency_ms: int
    problem: str | None

    @property
    def time_ms(self) -> float:
        return self.time.time_ms


def inference_time(parsed: Parsed) -> InferenceTime:
    """The time per inference of a profiled report -- measured, when a board's run is attached to it (a verdict
    on an estimate beside the board's own figure contradicted it), else estimated for its accelerator and clock --
    or of a parsed model (profiled with the defaults: the MVP at 78 MHz)."""
    report = parsed if isinstance(parsed, ProfileReport) else build_report(_graph(parsed))
    summary = report.summary
    if summary is None:
        return InferenceTime(0.0)
    board = summary.measured
    if board is not None and board.total_time_ms:  # a board's own time beats any estimate of it
        return InferenceTime(board.total_time_ms, summary.accelerator, board.clock_hz or summary.clock_hz,
                             measured=True)
    return InferenceTime(summary.total_time_ms, summary.accelerator, summary.clock_hz,
                         bool(summary.untimed_layer_count), is_refit(summary))


def _graph(parsed: ModelGraph | LoadedModel) -> ModelGraph:
    return parsed if isinstance(parsed, ModelGraph) else parsed.graph


def board_pace(parsed: Parsed | InferenceTime, latency_ms: int) -> BoardPace:
    """The estimated time per inference on the board and, when it is longer than ``latency_ms``, the sentence that
    says so (in the words of the other warnings: what happens, why it matters, what to set)."""
    time = parsed if isinstance(parsed, InferenceTime) else inference_time(parsed)
    return BoardPace(time, int(latency_ms), None if time.keeps_up(latency_ms) else _sentence(time, int(latency_ms)))


def time_text(time_ms: float, limit_ms: float) -> str:
    """``46.3``: a time with one decimal, or as many more as keep it apart from ``limit_ms`` (10.04 ms against a
    limit of 10 reads ``10.04``, not ``10.0``, which would read as within it)."""
    for decimals in range(1, MAX_DECIMALS + 1):
        text = f"{time_ms:.{decimals}f}"
        if (float(text) > limit_ms) == (time_ms > limit_ms):
            return text
    return f"{time_ms:.{MAX_DECIMALS}f}"


def _sentence(time: InferenceTime, latency_ms: int) -> str:
    at_least = " or more" if time.lower_bound else ""
    return (f"{LATENCY_KEY} {latency_ms} is shorter than the {time_text(time.time_ms, latency_ms)} ms{at_least} an "
            f"inference of the model takes on the {TARGET_NAME} ({time.basis}; {FRONTEND_NOTE}): the board infers "
            f"about every {time.interval_ms} ms at best, so averaging windows and minimum_count tuned on this PC "
            f"count fewer results there; set {LATENCY_KEY} to {time.suggested_latency_ms} or more")


def stored_latency_ms(params: Mapping[str, Any]) -> int | None:
    """The ``latency_ms`` a model's parameters hold, None when they hold none the firmware would take (absent,
    not a whole number, below :data:`MIN_LATENCY_MS`): a profile of such a model says nothing about it."""
    value = params.get(LATENCY_KEY)
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_LATENCY_MS:
        return None
    return value


def note_latency(report: ProfileReport, latency_ms: int | None) -> None:
    """Put the model's ``latency_ms``, whether the board keeps up and :func:`board_pace`'s problem into ``report``'s
    summary, for the line after ``kws profile``'s totals and its JSON; None (a model without the key) unsets them:
    a board report the Profile workspace keeps for the network is shown again for a copy with other parameters, and
    must not judge that copy by the latency_ms of the file it was measured with. The problem is the sentence alone:
    the summary's line answers its question with ``no:`` before it."""
    summary = report.summary
    if summary is None:
        return
    if latency_ms is None:
        summary.latency_ms, summary.latency_problem, summary.keeps_up = None, "", None
        return
    problem = board_pace(report, latency_ms).problem
    summary.latency_ms = int(latency_ms)
    summary.latency_problem = problem or ""
    summary.keeps_up = problem is None
