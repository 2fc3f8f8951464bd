"""The profiler log a board prints for any model, for the simulated board's ``--profiler-log``.

Why: the simulated board prints the seed model's documented log, so the workbench refuses its figures for any other
model (a different model's layers). A user's own model needs a log of its own layers in the firmware's format
(FORMATS.md section 2): here each layer gets its estimate times ``scale`` -- a board that runs a fixed fraction
slower than estimated -- and a layer without an estimate (an op of unknown cost) the board's figures all the same,
as the chip measures every layer it runs.
"""

from __future__ import annotations

from pathlib import Path

from flashed_model import format_units

from workbench.profiler.report import ProfileReport

BOARD_SCALE = 1.1  # the board takes 10 % longer than estimated
UNKNOWN_LAYER_CYCLES = 1000  # what the board measures for a layer the estimate has no cost for
UNKNOWN_LAYER_MS = 0.05
DIVIDER = "-" * 22


def _figure(value: float) -> str:
    return format_units(int(value), 2)


def _layer(index: int, op: str) -> str:
    return f"  Op{index}-{op.upper()}"


def model_profiler_log(report: ProfileReport, path: Path, scale: float = BOARD_SCALE) -> Path:
    """Write the log of ``report``'s model (estimated with the MVP) to ``path``; return ``path``."""
    lines = ["Starting Model Profiler", "Using .tflite in flash at 0x08170000", "Loading model"]
    lines += [f"Op{layer.index}-{layer.op.upper()} not supported: {layer.reason}"
              for layer in report.layers if not layer.supported and layer.reason]
    lines += ["Determined optimal runtime memory size to be 11344", "Model details:", "Accelerator: mvp",
              "Tensor runtime memory: 11.344k", DIVIDER, "Profiler Metrics:", DIVIDER, "CPU clock: 78.0MHz",
              "Inference"]
    for layer in report.layers:
        if layer.ops:
            lines += [_layer(layer.index, layer.op), f"   {_figure(layer.ops)} OPs"]
            lines += [f"   {_figure(layer.macs)} MACs"] if layer.macs else []
    lines += [DIVIDER, DIVIDER, "Inference"]
    for layer in report.layers:
        cycles = UNKNOWN_LAYER_CYCLES if layer.cpu_cycles is None else layer.cpu_cycles * scale
        time_ms = UNKNOWN_LAYER_MS if layer.time_ms is None else layer.time_ms * scale
        lines += [_layer(layer.index, layer.op), f"      {time_ms:.3f} ms", f"     {_figure(cycles)} CPU cycles"]
        if layer.accelerator_cycles:
            lines.append(f"     {_figure(layer.accelerator_cycles * scale)} Accelerator cycles")
    path.write_text("\n".join([*lines, DIVIDER, "done"]) + "\n")
    return path
