"""A training epoch as one line for a person: the terminal, ``train/log.txt`` and the window's log say it alike.

Why here and not in :mod:`workbench.training`: the window shows the same line as the command line, and the GUI
may not import the training package (TensorFlow's side of the project; an import-linter contract). The events
are those of :mod:`workbench.training.run.progress`.
"""

from __future__ import annotations

from typing import Any

from workbench.core.wording import clock_time

EPOCH_FIGURES = ("loss", "accuracy", "val_loss", "val_accuracy")  # Keras' figures, in the order they are shown
SEPARATOR = "  "


def member_prefix(event: dict[str, Any]) -> str:
    """``member 2/4 `` for an event of an ensemble member, else nothing."""
    return f"member {event['member']}/{event['members']} " if event.get("members") else ""


def epoch_text(event: dict[str, Any], eta: bool = True) -> str:
    """An epoch event as one line: ``epoch 3/40  loss 0.5000  …  lr 1.00e-03  best so far  eta 1:15``; without
    ``eta`` where the line is read after the run (``train/log.txt``) or the time left is shown apart (the
    window)."""
    parts = [f"{member_prefix(event)}epoch {event['epoch']}/{event.get('epochs', '?')}"]
    parts += [f"{key} {float(event[key]):.4f}" for key in EPOCH_FIGURES if event.get(key) is not None]
    if event.get("lr") is not None:
        parts.append(f"lr {float(event['lr']):.2e}")
    if event.get("message"):
        parts.append(str(event["message"]))
    if eta:
        parts.append(f"eta {clock_time(event.get('eta_s'))}")
    return SEPARATOR.join(parts)


# the finishing phases' names on the window's status line (others are shown capitalised)
PHASE_NAMES = {"features": "Computing validation spectrograms", "evaluate": "Evaluating",
               "threshold": "Choosing the detection threshold"}


def status_line(event: dict[str, Any]) -> str | None:
    """What a status line says while a batch or progress event is the latest one (None for other events):
    ``Training: member 2 of 4, epoch 3 of at most 40``, ``Evaluating``."""
    kind, phase = event.get("event"), str(event.get("phase", ""))
    if kind == "batch":
        member = f" member {event['member']} of {event['members']}," if event.get("members") else ""
        return f"Training:{member} epoch {event.get('epoch')} of at most {event.get('epochs')}"
    if kind == "progress":
        return PHASE_NAMES.get(phase, phase.capitalize())
    return None


def done_fraction(event: dict[str, Any]) -> float | None:
    """How much of the running step a batch or progress event says is done (0..1; None for other events)."""
    kind = event.get("event")
    if kind == "batch":
        done, total = int(event.get("batch", 0)), int(event.get("batches", 1))
    elif kind == "progress":
        done, total = int(event.get("done", 0)), int(event.get("total", 1))
    else:
        return None
    return min(1.0, max(0.0, done / max(1, total)))
