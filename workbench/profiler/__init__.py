"""Model profiler: per-layer ops/MACs (MLTK rules), EFR32xG24 memory and cycle estimates, MVP support.

Qt-free and TensorFlow-free so the CLI, the GUI and tests share it. Entry point:
:func:`profile_model` (bytes -> :class:`ProfileReport`); renderings in :mod:`.export`; host timing in
:mod:`.host_latency`. Everything computed is an estimate; see docs/profiler.md for the derivation.

The names below are loaded when first used (PEP 562): :mod:`.report` brings numpy and the model parser, and a
command line that only needs :mod:`.accelerators`' names to build its parser (``kws --help``) must not pay for them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.profiler.report import (BoardMeasurement, BoardSummaryMeasurement, HostLatency, LayerReport,
                                           ProfileReport, ProfileSummary, build_report, profile_model)

__all__ = ["BoardMeasurement", "BoardSummaryMeasurement", "HostLatency", "LayerReport", "ProfileReport",
           "ProfileSummary", "build_report", "profile_model"]


def __getattr__(name: str) -> Any:
    """One of :data:`__all__`, from :mod:`.report` on first use."""
    if name in __all__:
        return getattr(import_module("workbench.profiler.report"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
