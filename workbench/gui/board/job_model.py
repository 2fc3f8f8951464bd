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

        The same bytes opened again count as the same model: the results are of exactly that model.
        """
        job = self.model
        if job is None or job is open_now:
            return None
        if open_now is not None and bytes(open_now.tflite) == bytes(job.tflite):
            return None
        return str(job.name)


def previous_model_status(status: str, name: str) -> str:
    """A finished job's status when its model is no longer the open one (its results are kept out of the tables):
    a profile's figures, or a flash, are said to be that model's."""
    return f"{status}, of the previous model {name} (not the one open now)"


def previous_detections_status(task: str, name: str) -> str:
    """Classify's status while the board classifies with a model that is no longer the open one."""
    return f"{task} with the previous model {name}: its detections are not shown here"
