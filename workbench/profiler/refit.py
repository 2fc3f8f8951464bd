"""Refit of the cycle estimates to saved board measurements: per op and placement, a measured/estimated
ratio that scales that op's coefficients in :mod:`workbench.profiler.cycles`.

Why a ratio per group: ``cycles.py`` is a linear model fitted to one model's board figures; most of its
coefficients (setup cycles, cycles per output, CPU visible fraction …) cannot be separated from a
handful of measurements. What a measurement does pin down is how far the estimate is off for a kind of
layer on a kind of core. So for every group (op, ``mvp``/``cpu``) and every quantity
(accelerator cycles, CPU cycles, time), the refit factor is

    k = sum(measured) / sum(estimated)        over all saved layers of that group

(a ratio of sums: big layers weigh more, a layer with a 0 estimate or no measurement is skipped), and
the refit estimate is ``k * default estimate``. That is exactly the default formula with every
coefficient of that op's formula multiplied by ``k`` -- e.g. for MVP convolutions the refit
``MVP_CYCLES_PER_MAC['CONV_2D']`` is ``k * 380500/320000``. Times are compared as cycles
(``ms * clock``), so a board at another clock still counts. Groups without measurements keep ``k = 1``.
A measurement that lacks a figure or has an impossible one (:mod:`.refit_checks`) teaches nothing: a lost
line is not a 0, and one such document would scale a whole op's estimates by 0 or by millions.

Nothing here changes the default estimate: :func:`apply_refit` returns a *copy* of a report, used only
when the user asks (``kws board refit MODEL``; see docs/board.md).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Iterable

from workbench.core.wording import counted
from workbench.documentation import BOARD, doc_reference
from workbench.profiler.accelerators import CPU, MVP
from workbench.profiler.refit_checks import measurement_problem
from workbench.profiler.report import RATE_DECIMALS, TIME_DECIMALS, ProfileReport, round_kept

QUANTITIES = ("accelerator_cycles", "cpu_cycles", "time_ms")
MS_PER_S = 1000.0


@dataclass(frozen=True)
class RefitFactor:
    op: str
    placement: str  # "mvp" or "cpu"
    quantity: str  # one of QUANTITIES
    factor: float
    layers: int  # layers the factor was fitted on
    measured_sum: float
    estimated_sum: float


@dataclass
class CycleRefit:
    """The fitted factors; ``measurements`` = documents used."""

    factors: dict[tuple[str, str, str], RefitFactor] = field(default_factory=dict)
    measurements: int = 0

    def factor(self, op: str, placement: str, quantity: str) -> float:
        found = self.factors.get((op.upper(), placement, quantity))
        return found.factor if found is not None else 1.0

    def sorted_factors(self) -> list[RefitFactor]:
        return sorted(self.factors.values(), key=lambda f: (f.op, f.placement, f.quantity))

    def to_dict(self) -> dict[str, Any]:
        return {"measurements": self.measurements, "factors": [vars(f) for f in self.sorted_factors()]}


def _placement(layer: dict[str, Any]) -> str:
    return MVP if layer.get("runs_on_accelerator") else CPU


def _pairs(document: dict[str, Any]) -> Iterable[tuple[str, str, str, float, float]]:
    """(op, placement, quantity, estimated, measured) of one saved profile document."""
    summary = document.get("summary") or {}
    est_clock = float(summary.get("clock_hz") or 0)
    board_clock = float(((summary.get("measured") or {}).get("clock_hz")) or est_clock)
    for layer in document.get("layers") or []:
        measured = layer.get("measured")
        if not measured:
            continue
        op, placement = str(layer.get("op", "")).upper(), _placement(layer)
        for quantity in QUANTITIES:
            estimated, board = layer.get(quantity), measured.get(quantity)
            if estimated is None or board is None or not estimated:
                continue
            if quantity == "time_ms":
                if not est_clock:
                    continue
                estimated, board = estimated * est_clock, board * board_clock  # compare as cycles
            yield op, placement, quantity, float(estimated), float(board)


def fit_refit(documents: Iterable[dict[str, Any]]) -> CycleRefit:
    """Factors from saved ``kws board profile`` documents (``{"layers": […], "summary": {…}}``); documents
    with a missing or impossible figure are left out."""
    sums: dict[tuple[str, str, str], list[float]] = {}
    used = 0
    for document in documents:
        if measurement_problem(document) is not None:
            continue
        pairs = list(_pairs(document))
        used += bool(pairs)
        for op, placement, quantity, estimated, board in pairs:
            acc = sums.setdefault((op, placement, quantity), [0.0, 0.0, 0])
            acc[0] += board
            acc[1] += estimated
            acc[2] += 1
    factors = {key: RefitFactor(key[0], key[1], key[2], m / e, int(n), m, e)
               for key, (m, e, n) in sums.items() if e > 0}
    return CycleRefit(factors, used)


def _scaled(value: float | int | None, factor: float, integer: bool) -> float | int | None:
    if value is None:
        return None
    return round(value * factor) if integer else round_kept(value * factor, TIME_DECIMALS)


def apply_refit(report: ProfileReport, refit: CycleRefit) -> ProfileReport:
    """A copy of ``report`` with each layer's cycles and time scaled by its group's factors."""
    result = copy.deepcopy(report)
    for layer in result.layers:
        placement = MVP if layer.runs_on_accelerator else CPU
        layer.accelerator_cycles = _scaled(layer.accelerator_cycles,
                                           refit.factor(layer.op, placement, "accelerator_cycles"), True)
        layer.cpu_cycles = _scaled(layer.cpu_cycles, refit.factor(layer.op, placement, "cpu_cycles"), True)
        layer.time_ms = _scaled(layer.time_ms, refit.factor(layer.op, placement, "time_ms"), False)
    s = result.summary
    if s is not None:
        s.total_cpu_cycles = sum(layer.cpu_cycles or 0 for layer in result.layers)
        s.total_accelerator_cycles = sum(layer.accelerator_cycles or 0 for layer in result.layers)
        s.total_time_ms = round_kept(sum(layer.time_ms or 0.0 for layer in result.layers), TIME_DECIMALS)
        s.inferences_per_s = round_kept(MS_PER_S / s.total_time_ms, RATE_DECIMALS) if s.total_time_ms > 0 else 0.0
        s.estimate_basis = (f"{s.estimate_basis}; refit to {counted(refit.measurements, 'saved board measurement')}: "
                            f"cycles and time scaled per op by measured/estimated ({doc_reference(BOARD)})")
    return result
