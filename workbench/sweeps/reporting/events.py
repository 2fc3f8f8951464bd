"""The events a sweep reports: ``kws sweep --format jsonl`` prints one per line, the GUI reads them.

Why a module of its own (no Ray, no training imports): the GUI's sweep view runs ``kws sweep`` as a
QProcess and parses these lines, and must not import anything heavier. Every event is a flat JSON
object with ``event`` set to one of:

==============  ===================================================================================
``start``       ``sweep``, ``trials`` (budget), ``objective``, ``mode`` ("max"/"min"), ``out``,
                ``address`` (the Ray cluster or "local"), ``cpus``, ``dimensions`` (text)
``message``     ``message``: one line for a person (building the stream, starting Ray, ...; a warning
                starts with "warning: ")
``trial_start`` ``trial`` (id), ``spec``, ``seed``, ``params``
``epoch``       ``trial``, ``epoch``, ``val_balanced_accuracy``
``trial_end``   ``trial``: the trial's whole record (see :class:`workbench.sweeps.reporting.results.TrialRecord`:
                ``trial_id``, ``status``, ``objective``, ``macs``, ``arena_bytes``, ``model``, ...),
                ``best_trial`` and ``best_objective`` so far
``cancelling``  ``message``: a cancel was requested; every trial is being stopped
``done``        ``status`` ("finished" or "cancelled"), ``best`` (a record or null), ``model`` (the best
                model copied into the output folder, or null), ``results`` (the files written),
                ``summary`` (why there is no best, or what the best model carries, then each warning;
                "" when there is nothing to say), ``warnings`` (each apart), ``trials`` (every trial's
                final record)
``error``       ``message``: the sweep could not run
==============  ===================================================================================
"""

from __future__ import annotations

import json
import math
from typing import Any

START, MESSAGE, TRIAL_START, EPOCH, TRIAL_END = "start", "message", "trial_start", "epoch", "trial_end"
CANCELLING, DONE, ERROR = "cancelling", "done", "error"
EVENTS = (START, MESSAGE, TRIAL_START, EPOCH, TRIAL_END, CANCELLING, DONE, ERROR)
SWEEP_FINISHED, SWEEP_CANCELLED = "finished", "cancelled"
WARNING_PREFIX = "warning: "  # starts a message that warns (and each warning in a summary)


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def event_line(event: dict[str, Any]) -> str:
    """One JSON line (no newline) for ``event``; non-finite numbers become null."""
    return json.dumps(_clean(event), separators=(",", ":"), default=str)


def parse_event_line(line: str) -> dict[str, Any] | None:
    """The event of one output line, or None for anything that is not a sweep event."""
    try:
        event = json.loads(line)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("event") not in EVENTS:
        return None
    return event
