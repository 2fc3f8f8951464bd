"""Which model a board job is of, and what its results are once another model has been opened.

Why: a board job takes a minute (a profile) or runs until Cancel (Classify), and the user may open another
model meanwhile. Opening it empties the Board tab's tables, which were of the model before; a result of the
job arriving later is still the previous model's, and shown in those tables it would pass for the new
model's figures (under its name, with Save measurement offered). Such results are kept out, and the status
says whose they were. No Qt here: the sentences are kept (and tested) apart from the widgets.
"""

from __future__ import annotations

from typing import Any


class JobModel:
    """The model the running (or last) board job was started for: :meth:`start` it with each job."""

    def __init__(self) -> None:
        self.model: Any = None  # a LoadedModel, or None for a job of no model (board info, the console)

    def start(self, model: Any) -> None:
        self.model = model

    def previous_name(self, open_now: Any) -> str | None:
        """The job's model's name when ``open_now`` (the model open now) is another model, else None.

        The same model opened again, or saved with other parameters, counts as the same (:func:`same_model`).
        """
        job = self.model
        if job is None or same_model(job, open_now):
            return None
        return str(job.name)


def same_model(a: Any, b: Any) -> bool:
    """Whether two loaded models are one model for the board's results: the same object or bytes, or the same
    network with other parameters (``LoadedModel.identity``: Save into model rewrites only the parameters, and a
    board run or measurement of the model before is still of this one)."""
    if a is b:
        return True
    if a is None or b is None:
        return False
    identity = getattr(a, "identity", "")
    return (bool(identity) and identity == getattr(b, "identity", "")) or bytes(a.tflite) == bytes(b.tflite)


def previous_model_status(status: str, name: str) -> str:
    """A finished job's status when its model is no longer the open one (its results are kept out of the tables):
    a profile's figures, or a flash, are said to be that model's."""
    return f"{status}, of the previous model {name} (not the one open now)"


def previous_detections_status(task: str, name: str) -> str:
    """Classify's status while the board classifies with a model that is no longer the open one."""
    return f"{task} with the previous model {name}: its detections are not shown here"
