"""A board run's figures put beside the estimate: the ``measured`` fields of a :class:`ProfileReport`.

Why a separate step: ``kws board profile`` must produce the same document as ``kws profile`` (same
layers, same estimate), with each layer's ``measured`` and the summary's ``measured`` filled from the
firmware's log, so every consumer (table, JSON, the GUI's Profile view, the refit) reads one shape.
Layers are matched by index and checked by op name: if the board ran another model (its built-in one,
or an older flash with ``--no-flash``), that is an error, not a silently wrong comparison.
"""

from __future__ import annotations

from workbench.board.logs.profiler_log import ProfilerLog
from workbench.board.platforms import DeviceInfo
from workbench.core.errors import DeviceError
from workbench.profiler.report import BoardMeasurement, BoardSummaryMeasurement, ProfileReport


def check_same_model(report: ProfileReport, log: ProfilerLog) -> None:
    """DeviceError when the profiled model on the board is not the one of ``report``."""
    if log.default_model:
        raise DeviceError("The board profiled the model built into its firmware, not yours: no valid model was "
                          "found at the end of flash (flash it: drop --no-flash).")
    ours = {layer.index: layer.op.upper() for layer in report.layers}
    wrong = [layer for layer in log.layers if ours.get(layer.index) != layer.op.upper()]
    if wrong or not log.layers:
        names = ", ".join(layer.op for layer in log.layers[:6]) or "no layers"
        raise DeviceError(f"The board profiled a different model ({len(log.layers)} layers: {names}) than "
                          f"{report.summary.name if report.summary else 'this one'} ({len(ours)} layers); flash "
                          "it first (drop --no-flash).")


def attach_measurements(report: ProfileReport, log: ProfilerLog, *, source: str,
                        device: DeviceInfo | None = None, platform: str | None = None) -> ProfileReport:
    """Fill ``report``'s measured fields from ``log`` (in place; returns ``report``)."""
    check_same_model(report, log)
    for layer in report.layers:
        board = log.layer(layer.index)
        if board is None:
            continue
        layer.measured = BoardMeasurement(
            source=source, cpu_cycles=board.cpu_cycles, accelerator_cycles=board.accelerator_cycles,
            time_ms=board.time_ms, ops=board.ops, macs=board.macs, unsupported=board.unsupported_text)
    if report.summary is not None:
        report.summary.measured = BoardSummaryMeasurement(
            source=source, platform=platform or (device.platform if device else None),
            part_number=device.part_number if device else None, clock_hz=log.clock_hz,
            runtime_memory_bytes=log.runtime_memory_bytes, total_cpu_cycles=log.total_cpu_cycles,
            total_accelerator_cycles=log.total_accelerator_cycles, total_time_ms=log.total_time_ms, log=log.text)
    return report
