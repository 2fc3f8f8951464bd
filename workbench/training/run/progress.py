"""Progress of a training run: JSON lines for programs, a progress bar for people.

Why one event type for both: the GUI (a QProcess reading ``kws train --progress jsonl``), scripts and
the terminal bar all see the same facts. Every event is a flat dict with at least ``phase`` and
``event``; the fields used:

=============  =====================================================================================
``phase``      ``scan``, ``plan``, ``features``, ``train``, ``convert``, ``threshold``, ``evaluate``,
               ``write``, ``done``, ``cancelled`` or ``error``
``event``      ``start``, ``progress``, ``batch``, ``epoch``, ``info``, ``end``
``epoch``      epochs completed (epoch events) or the running epoch (batch events), 1-based
``epochs``     the maximum number of epochs
``batch``      batches done in the running epoch, with ``batches`` per epoch
``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``, ``lr``: Keras' figures
``eta_s``      seconds left, assuming no further improvement (early stopping's patience) for training
``message``    one line for a person
``warning``    true on an ``info`` event that is a warning of the run (its message starts ``warning:``)
=============  =====================================================================================

The final ``done`` event carries ``model`` (the .tflite path) and ``metrics``; ``cancelled`` and
``error`` carry ``message``. The bar shows every message but the ``error`` one: ``kws train`` raises the
error after the event, and the CLI prints it as its one ``kws: error:`` line (a second ``[error]`` copy
above it read as two failures). :class:`WarningLines` shows the warnings alone, for a command whose progress
is otherwise silent (``kws train --progress none``): a warning is not progress.
"""

from __future__ import annotations

import json
import math
import sys
import time
from typing import Any, Protocol, TextIO

from workbench.core.wording import clock_time
from workbench.progress_text import WARNING_FIELD, epoch_text, member_prefix

BAR_WIDTH = 28
MIN_REDRAW_S = 0.1
ERROR_PHASE = "error"  # its message is the command's to print (module docstring)


class ProgressSink(Protocol):
    def emit(self, event: dict[str, Any]) -> None: ...


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


class JsonLinesProgress:
    """One JSON object per line, flushed at once (the GUI parses each line as it arrives)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def emit(self, event: dict[str, Any]) -> None:
        cleaned = {k: _clean(v) for k, v in event.items()}
        payload = {k: v for k, v in cleaned.items() if v is not None}  # NaN becomes None: left out
        self.stream.write(json.dumps(payload, separators=(",", ":")) + "\n")
        self.stream.flush()


class BarProgress:
    """A one-line bar redrawn in place on a terminal (plain lines when not a terminal)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_draw = 0.0
        self._open_line = False

    def _line(self, text: str, final: bool) -> None:
        if self.interactive:
            self.stream.write("\r\033[K" + text + ("\n" if final else ""))
            self._open_line = not final
        elif final:
            self.stream.write(text + "\n")
        self.stream.flush()

    def emit(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind in ("batch", "progress"):
            now = time.monotonic()
            if now - self._last_draw < MIN_REDRAW_S:
                return
            self._last_draw = now
            self._line(self._bar(event), final=False)
        elif kind == "epoch":
            self._line(epoch_text(event), final=True)
        elif event.get("phase") == ERROR_PHASE:
            if self._open_line:  # the command's error line starts on a line of its own
                self._line("", final=True)
        elif event.get("message"):
            if self._open_line:
                self._line("", final=True)
            self._line(f"[{event.get('phase', '')}] {event['message']}", final=True)

    def _bar(self, event: dict[str, Any]) -> str:
        done, total = event.get("batch", event.get("done", 0)), event.get("batches", event.get("total", 0))
        fraction = done / total if total else 0.0
        filled = int(BAR_WIDTH * fraction)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        label = f"{member_prefix(event)}epoch {event['epoch']}/{event.get('epochs', '?')}" if "epoch" in event \
            else event.get("phase", "")
        metrics = ""
        if "loss" in event:
            metrics = f" loss {event['loss']:.4f} acc {event.get('accuracy', 0.0):.4f}"
        return f"{label} [{bar}] {done}/{total}{metrics} eta {clock_time(event.get('eta_s'))}"


class WarningLines:
    """Only the run's warnings, one line each after ``prefix`` (the CLI's ``kws: ``), flushed at once."""

    def __init__(self, stream: TextIO, prefix: str = "") -> None:
        self.stream = stream
        self.prefix = prefix

    def emit(self, event: dict[str, Any]) -> None:
        if event.get(WARNING_FIELD) and event.get("message"):
            self.stream.write(f"{self.prefix}{event['message']}\n")
            self.stream.flush()


class Progress:
    """Fans events out to sinks and keeps the log lines for ``train/log.txt``."""

    def __init__(self, *sinks: ProgressSink) -> None:
        self.sinks = list(sinks)
        self.log_lines: list[str] = []
        self._start = time.monotonic()

    def emit(self, phase: str, event: str, **fields: Any) -> None:
        record = {"phase": phase, "event": event, **fields}
        # every epoch with its figures (its note alone, "best so far", said nothing of which epoch or how good)
        text = epoch_text(record, eta=False) if event == "epoch" and "epoch" in fields else fields.get("message")
        if text:
            self.log_lines.append(f"[{time.monotonic() - self._start:8.1f}s] {phase}: {text}")
        for sink in self.sinks:
            sink.emit(record)

    def info(self, phase: str, message: str, **fields: Any) -> None:
        self.emit(phase, "info", message=message, **fields)

    def warn(self, phase: str, message: str) -> None:
        """A warning of the run (``message`` as said, "warning: ..."): an info event marked so that a sink
        showing nothing else (:class:`WarningLines`) still says it."""
        self.info(phase, message, **{WARNING_FIELD: True})


class MemberProgress(Progress):
    """The events of one ensemble member: its ``train`` events carry ``member`` and ``members``, so a
    reader can tell the restarting epoch counts apart; everything goes to the run's own Progress."""

    def __init__(self, parent: Progress, member: int, members: int) -> None:
        super().__init__()
        self.parent = parent
        self.fields = {"member": member, "members": members}

    def emit(self, phase: str, event: str, **fields: Any) -> None:
        self.parent.emit(phase, event, **(self.fields if phase == "train" else {}), **fields)
