"""A board run's figures put beside the estimate: the ``measured`` fields of a :class:`ProfileReport`.

Why a separate step: ``kws board profile`` must produce the same document as ``kws profile`` (same
layers, same estimate), with each layer's ``measured`` and the summary's ``measured`` filled from the
firmware's log, so every consumer (table, JSON, the GUI's Profile view, the refit) reads one shape.
Layers are matched by index and checked by op name, and the model's name, hash and the firmware's
accelerator are compared with what was asked for: if the board ran another model (its built-in one, or
an older flash with ``--no-flash``) or a firmware built for the other accelerator, that is an error, not
a silently wrong comparison (nor a wrong measurement saved for the refit). So is a log with impossible
figures (garbled on the wire) or without any time or cycles (cut short); a log that lacks some figures
is put beside the estimate with those figures None (shown as unknown, never 0), and
:func:`incomplete_warning` says so (:mod:`workbench.profiler.refit_checks` judges all three).
"""

from __future__ import annotations

from typing import Any, Mapping

from workbench.board.logs.profiler_log import ProfilerLog
from workbench.board.platforms import DeviceInfo
from workbench.core.errors import DeviceError
from workbench.profiler.refit_checks import RUN_AGAIN, impossible_figures, missing_figures, nothing_timed
from workbench.profiler.report import BoardMeasurement, BoardSummaryMeasurement, ProfileReport

# what the firmware prints after ``Accelerator:`` -> the workbench's name; other text is not judged
FIRMWARE_ACCELERATORS = {"mvp": "mvp", "none": "none"}
# total MACs of the same model agree; a different one of the same layer types rarely within 5 %
MACS_TOLERANCE = 0.05
IDENTITY_PARAMS = (("name", "Name"), ("hash", "Hash"))
REFLASH_HINT = "flash it first (drop --no-flash)"


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
                          f"{_model_name(report)} ({len(ours)} layers); {REFLASH_HINT}.")


def _model_name(report: ProfileReport) -> str:
    return report.summary.name if report.summary and report.summary.name else "this one"


def check_accelerator(report: ProfileReport, log: ProfilerLog) -> None:
    """DeviceError when the firmware ran with another accelerator than the estimate is for.

    Why: an MVP estimate beside a CPU-only measurement (or the reverse) looks like a huge estimation
    error, and saved for the refit it would skew every later calibrated profile.
    """
    board = FIRMWARE_ACCELERATORS.get(log.details.accelerator.strip().lower())
    wanted = report.summary.accelerator if report.summary is not None else None
    if board is None or wanted is None or board == wanted:
        return
    raise DeviceError(f"The board's profiler firmware runs with accelerator {board}, but the estimate is for "
                      f"{wanted}: give --accelerator {board}, or flash the "
                      f"{wanted} profiler firmware.")


def check_model_identity(report: ProfileReport, log: ProfilerLog, params: Mapping[str, Any]) -> None:
    """DeviceError when the model's name or hash (its SL_PARAMSv1 metadata, as the firmware prints them)
    differ from the board's; without either, when the total MACs differ by more than :data:`MACS_TOLERANCE`.
    """
    compared = False
    for key, label in IDENTITY_PARAMS:
        expected, printed = str(params.get(key) or "").strip(), str(getattr(log.details, key) or "").strip()
        if not expected or not printed:
            continue
        compared = True
        if expected != printed:
            raise DeviceError(f"The board profiled a different model ({label} {printed!r} on the board, "
                              f"{expected!r} in {_model_name(report)}); {REFLASH_HINT}.")
    summary = report.summary
    if compared or summary is None or summary.unknown_layer_count:
        return
    board_macs = sum(layer.macs or 0 for layer in log.layers)
    if board_macs and summary.total_macs and abs(board_macs - summary.total_macs) > MACS_TOLERANCE * board_macs:
        raise DeviceError(f"The board profiled a different model ({board_macs} MACs on the board, "
                          f"{summary.total_macs} in {_model_name(report)}); {REFLASH_HINT}.")


def attach_measurements(report: ProfileReport, log: ProfilerLog, *, source: str,
                        device: DeviceInfo | None = None, platform: str | None = None,
                        model_params: Mapping[str, Any] | None = None) -> ProfileReport:
    """Fill ``report``'s measured fields from ``log`` (in place; returns ``report``).

    DeviceError when the log is of another model or accelerator, has impossible figures or no time or
    cycles at all; ``model_params`` (the model's metadata) adds the name/hash comparison.
    """
    check_same_model(report, log)
    check_accelerator(report, log)
    if model_params is not None:
        check_model_identity(report, log, model_params)
    for layer in report.layers:
        board = log.layer(layer.index)
        if board is None:
            continue
        layer.measured = BoardMeasurement(
            source=source, cpu_cycles=board.cpu_cycles, accelerator_cycles=board.accelerator_cycles,
            time_ms=board.time_ms, ops=board.ops, macs=board.macs, unsupported=board.unsupported_text)
    every_layer = all(log.layer(layer.index) is not None for layer in report.layers)  # else no total
    if report.summary is not None:
        report.summary.measured = BoardSummaryMeasurement(
            source=source, platform=platform or (device.platform if device else None),
            part_number=device.part_number if device else None, clock_hz=log.clock_hz,
            runtime_memory_bytes=log.runtime_memory_bytes,
            total_cpu_cycles=log.total_cpu_cycles if every_layer else None,
            total_accelerator_cycles=log.total_accelerator_cycles if every_layer else None,
            total_time_ms=log.total_time_ms if every_layer else None, log=log.text)
    _check_figures(report)
    return report


def _check_figures(report: ProfileReport) -> None:
    """DeviceError for a log garbled into impossible figures, or cut short before any time or cycles."""
    document = report.to_dict()
    impossible = impossible_figures(document)
    if impossible:
        raise DeviceError(f"The board's profiler log has impossible figures ({'; '.join(impossible)}): the serial "
                          f"data was garbled; {RUN_AGAIN}.")
    if nothing_timed(document):
        raise DeviceError("The board's profiler log has no time or cycles for any layer (its statistics were cut "
                          f"short or garbled on the serial line): {RUN_AGAIN}.")


def incomplete_warning(report: ProfileReport) -> str | None:
    """What a measured report lacks, as a warning (None when it is whole): those figures show as unknown,
    and the measurement cannot be saved for the refit."""
    missing = missing_figures(report.to_dict())
    if missing is None:
        return None
    return (f"the board's log lacks {missing} (cut short or garbled on the serial line): they are shown as "
            f"unknown and the measurement cannot be saved for the refit; for a whole one, {RUN_AGAIN}")
