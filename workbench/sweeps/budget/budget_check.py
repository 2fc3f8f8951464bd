"""Does a model fit the board's budget? Before training (from the spec) and after (the real model).

Why both: the estimate (:mod:`.spec_graph`) rejects configurations before a second of training is
spent; the trained model's own figures (its file size and ``runtime_memory_size``) confirm it, so a
model the estimate let through by a few bytes is still never reported as the best.
"""

from __future__ import annotations

from workbench.sweeps.budget.spec_graph import SpecEstimate
from workbench.sweeps.definition.sweep_file import BoardBudget

KIB = 1024


def _kib(value: int) -> str:
    return f"{value / KIB:,.1f} kB"


def budget_problem(flash_bytes: int, arena_bytes: int, board: BoardBudget, what: str) -> str | None:
    """One sentence saying how ``what`` exceeds ``board``, or None when it fits."""
    problems = []
    if flash_bytes > board.flash_kb * KIB:
        problems.append(f"flash {_kib(flash_bytes)} > {board.flash_kb:g} kB")
    if arena_bytes > board.ram_kb * KIB:
        problems.append(f"RAM (tensor arena) {_kib(arena_bytes)} > {board.ram_kb:g} kB")
    if not problems:
        return None
    return f"{what} does not fit the board budget: {' and '.join(problems)}"


def estimate_problem(estimate: SpecEstimate, board: BoardBudget) -> str | None:
    arena = estimate.arena_bytes_mvp if board.accelerator == "mvp" else estimate.arena_bytes
    return budget_problem(estimate.flash_bytes, arena, board, "the model (estimated before training)")
