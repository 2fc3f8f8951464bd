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
