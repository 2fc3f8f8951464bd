"""Which model a board job is of, and what its results are once another model has been opened.

Why: a board job takes a minute (a profile) or runs until Cancel (Classify), and the user may open another
model meanwhile. Opening it empties the measured table, which was of the model before; a profile arriving later
is still the previous model's, and shown in that table it would pass for the new model's figures (under its
name, with Save measurement offered). It is kept out, and the status says whose it was. Classify's list is not a
model's but a run's (the board's clock restarts with each run): it stays with its run whatever model is open
meanwhile -- emptied, or restarted when the run's model is opened again, it lost the detections already shown --
and its caption names the run's model (:func:`run_caption`); the live views of another model never get them.
No Qt here: the sentences are kept (and tested) apart from the widgets.
"""

from __future__ import annotations

from typing import Any

from workbench.core.wording import counted

NO_RUN_CAPTION = "No Classify run yet: a run lists the board's detections here, newest first."


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


def previous_detections_status(task: str, name: str, detections: int) -> str:
    """Classify's status while the board classifies with a model that is no longer the open one: its detections
    go on into the run's list, not into the live views of the model open now."""
    return (f"{task} with the previous model {name}: {counted(detections, 'detection')} in its list, not in the "
            "live views")


def run_caption(run_model: str | None, open_now: bool) -> str:
    """What the Board detections list says it is: the Classify run of the model named ``run_model`` (None: no run
    yet), and whether that model is not the one open now (``open_now`` False, :func:`same_model`)."""
    if run_model is None:
        return NO_RUN_CAPTION
    if open_now:
        return f"Classify run of {run_model}: the board's detections, newest first."
    return f"Classify run of {run_model}, not the model open now: the board's detections, newest first."
