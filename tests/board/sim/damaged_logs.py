"""The documented profiler log as a serial line delivers it when bytes are lost or garbled: the damage the
board audit replayed (its v1, v2 and v6 logs), made from ``profiler_mvp.log`` so every other line is real."""

from __future__ import annotations

CONV_STATS = ("      5.400 ms", "     85.71k CPU cycles", "    380.52k Accelerator cycles")
CONV_STATS_GARBLED = ("      5.4x0 ms", "     85.7.1k CPU cycles", "    -380.52k Accelerator cycles")


def _stats_start(lines: list[str]) -> int:
    """The index of the stats pass's ``Inference`` heading (the second one)."""
    return max(i for i, line in enumerate(lines) if line.strip() == "Inference")


def cut_after_conv_time(log: str) -> str:
    """Bytes lost after CONV's time line of the stats pass, then ``done`` (the audit's v1)."""
    lines = log.splitlines()
    time_line = lines.index(CONV_STATS[0], _stats_start(lines))
    return "\n".join([*lines[:time_line + 1], "     85.7", "done"]) + "\n"


def garble_conv_stats(log: str) -> str:
    """CONV's time, CPU and accelerator lines garbled, everything else whole (the audit's v2)."""
    for whole, garbled in zip(CONV_STATS, CONV_STATS_GARBLED, strict=True):
        log = log.replace(whole, garbled)
    return log


def without_stats(log: str) -> str:
    """The stats pass never arrived, ``done`` did (the audit's v6)."""
    lines = log.splitlines()
    start = _stats_start(lines) - 1  # its opening divider
    return "\n".join([*lines[:start], "done"]) + "\n"
