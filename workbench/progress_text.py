"""A training epoch as one line for a person: the terminal, ``train/log.txt`` and the window's log say it alike.

Why here and not in :mod:`workbench.training`: the window shows the same line as the command line, and the GUI
may not import the training package (TensorFlow's side of the project; an import-linter contract). The events
are those of :mod:`workbench.training.run.progress`.
"""

from __future__ import annotations

from typing import Any, Sequence

from workbench.core.wording import clock_time, counted

EPOCH_FIGURES = ("loss", "accuracy", "val_loss", "val_accuracy")  # Keras' figures, in the order they are shown
SEPARATOR = "  "
WARNING_FIELD = "warning"  # true on an info event that is a warning of the run (its message starts WARNING_PREFIX)
WARNING_PREFIX = "warning: "
FINISHED = "Finished."


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
    """How much of the running step a batch or progress event says is done (0..1; None for other events).

    A batch event's step is the whole training (every member's epochs, up to the most it may run), not its epoch:
    with epochs of a second or two the bar stood at 100 % for most of a run whose status line said "epoch 19 of at
    most 30". Early stopping may end the training before the bar is full."""
    kind = event.get("event")
    if kind == "batch":
        epochs, members = max(1, int(event.get("epochs", 1))), max(1, int(event.get("members", 1)))
        epoch_done = int(event.get("batch", 0)) / max(1, int(event.get("batches", 1)))
        done = (int(event.get("member", 1)) - 1) * epochs + int(event.get("epoch", 1)) - 1 + epoch_done
        total = members * epochs
        return min(1.0, max(0.0, done / total))
    if kind == "progress":
        done, total = int(event.get("done", 0)), int(event.get("total", 1))
    else:
        return None
    return min(1.0, max(0.0, done / max(1, total)))


def warning_of(event: dict[str, Any]) -> str | None:
    """The warning an event carries, without its "warning: " (None for an event that is no warning)."""
    if not event.get(WARNING_FIELD) or not event.get("message"):
        return None
    return str(event["message"]).removeprefix(WARNING_PREFIX)


def finished_line(warnings: Sequence[str]) -> str:
    """What the status line says of a run that finished: "Finished.", or with the first of its warnings.

    Why the warning there: a run whose keywords had too few training clips finishes with a model that learned
    nothing, and the window's Log, the only place that said why, is behind the Evaluation tab by then."""
    if not warnings:
        return FINISHED
    more = f" ({counted(len(warnings) - 1, 'more warning')} in the Log)" if len(warnings) > 1 else ""
    return f"Finished with a warning: {warnings[0]}{more}"
