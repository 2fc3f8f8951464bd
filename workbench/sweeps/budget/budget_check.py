"""Does a model fit the board's budget? Before training (from the spec) and after (the real model).

Why both: the estimate (:mod:`.spec_graph`) rejects configurations before a second of training is
spent; the trained model's own figures (its file size and its tensor arena, profiled from the file)
confirm it, so a model the estimate let through by a few bytes is still never reported as the best.
Both sides take the RAM figure from :func:`board_arena_bytes`, so the figure checked before training,
the one checked after it and the one the results show are the same kind of figure for the board's
accelerator. The time per inference (``max_inference_ms``) is checked before training alone: the spec's graph has
the trained model's layers and shapes, which are all the profiler's time estimate looks at.
"""

from __future__ import annotations

from workbench.profiler.accelerators import MVP  # the accelerator whose kernels need the larger (MVP) arena
from workbench.profiler.inference_pace import time_text
from workbench.sweeps.budget.spec_graph import SpecEstimate
from workbench.sweeps.definition.sweep_file import BoardBudget

KIB = 1024  # flash_kb and ram_kb count 1024 bytes, as the chip's 1536 kB flash and 256 kB RAM do


def _over(what: str, n_bytes: int, budget_kib: float) -> str:
    """``flash 18,464 bytes > 18 KiB (18,432 bytes)``: exact bytes on both sides, since the results table shows
    sizes in 1000-byte kB (as MLTK and the profiler do) and a rounded KiB figure could read as within budget."""
    return f"{what} {n_bytes:,} bytes > {budget_kib:g} KiB ({round(budget_kib * KIB):,} bytes)"


def board_arena_bytes(arena_bytes: int, arena_bytes_mvp: int, accelerator: str) -> int:
    """The tensor arena a model needs on a board with ``accelerator`` ("mvp" or "none").

    Why one function: the estimate before training and the trained model's check after it must compare
    the same figure with ``ram_kb`` -- a sweep that let a model through on the CPU-only arena and then
    rejected it on the MVP arena spent its training for nothing."""
    return arena_bytes_mvp if accelerator == MVP else arena_bytes


def estimated_arena_bytes(estimate: SpecEstimate, board: BoardBudget) -> int:
    """The estimate's RAM figure for ``board`` (what is checked before training and shown in the results)."""
    return board_arena_bytes(estimate.arena_bytes, estimate.arena_bytes_mvp, board.accelerator)


def _slower(time_ms: float, board: BoardBudget) -> str:
    """``time per inference 46.3 ms > 20 ms (max_inference_ms, estimated with the MVP)``."""
    limit = board.max_inference_ms or 0.0
    how = "with the MVP" if board.accelerator == MVP else "on the CPU only"
    return f"time per inference {time_text(time_ms, limit)} ms > {limit:g} ms (max_inference_ms, estimated {how})"


def budget_problem(flash_bytes: int, arena_bytes: int, board: BoardBudget, what: str,
                   time_ms: float | None = None) -> str | None:
    """One sentence saying how ``what`` exceeds ``board``, or None when it fits; ``time_ms`` (the estimated time per
    inference) is held against ``max_inference_ms`` when both are given."""
    problems = []
    if flash_bytes > board.flash_kb * KIB:
        problems.append(_over("flash", flash_bytes, board.flash_kb))
    if arena_bytes > board.ram_kb * KIB:
        problems.append(_over("RAM (tensor arena)", arena_bytes, board.ram_kb))
    if time_ms is not None and board.max_inference_ms is not None and time_ms > board.max_inference_ms:
        problems.append(_slower(time_ms, board))
    if not problems:
        return None
    return f"{what} does not fit the board budget: {' and '.join(problems)}"


def estimate_problem(estimate: SpecEstimate, board: BoardBudget,
                     what: str = "the model (estimated before training)") -> str | None:
    """:func:`budget_problem` for a spec's estimate, with the board's RAM figure and its time per inference."""
    return budget_problem(estimate.flash_bytes, estimated_arena_bytes(estimate, board), board, what,
                          estimate.time_ms)


def overshoot(estimate: SpecEstimate, board: BoardBudget) -> float:
    """How far the estimate is over the budget (the largest ratio of flash, RAM and, when budgeted, time per
    inference to their budgets).

    Why: among models that all miss the budget, the one nearest to fitting is the one worth naming."""
    time = estimate.time_ms / board.max_inference_ms if board.max_inference_ms is not None else 0.0
    return max(estimate.flash_bytes / (board.flash_kb * KIB),
               estimated_arena_bytes(estimate, board) / (board.ram_kb * KIB), time)
