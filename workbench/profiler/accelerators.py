"""The profiler's names for where a model's layers run, and which of them a profile assumes by default.

Why one module: ``kws profile --accelerator``, the Profile workspace's box, the inference-pace sentence, the refit's
placements and a sweep's budget all speak of the same two choices; each once wrote its own ``"mvp"``, so a default
changed in one place would have left the others estimating for another chip setup than the one shown. They import
the names from here. The default is the MVP, what MLTK's firmware runs an EFR32xG24 model with. (The core, which
imports no tool, keeps its own copy in :mod:`workbench.core.model.c_integration`; the board's firmware images have
names of their own in :mod:`workbench.board.runs.job`.)
"""

from __future__ import annotations

MVP = "mvp"  # layers the MVP accelerator supports run on it, the rest on the CPU
NO_ACCELERATOR = "none"  # every layer on the CPU
ACCELERATORS = (NO_ACCELERATOR, MVP)  # the choices of ``kws profile --accelerator``, in its help's order
DEFAULT_ACCELERATOR = MVP
# where one layer ran, as a refit groups board measurements: on the MVP (MVP) or on the CPU
CPU = "cpu"
