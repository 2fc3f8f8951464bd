"""Model profiler: per-layer ops/MACs (MLTK rules), EFR32xG24 memory and cycle estimates, MVP support.

Qt-free and TensorFlow-free so the CLI, the GUI and tests share it. Entry point:
:func:`profile_model` (bytes -> :class:`ProfileReport`); renderings in :mod:`.export`; host timing in
:mod:`.host_latency`. Everything computed is an estimate; see docs/profiler.md for the derivation.
"""

from workbench.profiler.report import (BoardMeasurement, BoardSummaryMeasurement, HostLatency, LayerReport,
                                       ProfileReport, ProfileSummary, build_report, profile_model)

__all__ = ["BoardMeasurement", "BoardSummaryMeasurement", "HostLatency", "LayerReport", "ProfileReport",
           "ProfileSummary", "build_report", "profile_model"]
