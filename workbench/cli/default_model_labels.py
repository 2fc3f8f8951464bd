"""Labels checked against the bundled model when a command fell back to it (``kws calibrate``, ``kws detect``).

Why a check of its own: without ``--model`` both commands run the bundled model, so labels that mark keywords it
does not know are the user's own words, and the labels check's advice (label those words ``_unknown_``) would send
them to spoil good labels. Said here once, the two commands give the same sentence: which model was used, and to
pass theirs with ``--model``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.calibration.streams.labels import LabelsError
from workbench.core.detection.detector import keyword_classes
from workbench.core.wording import listed, plural

if TYPE_CHECKING:
    from workbench.calibration.streams.labels import StreamLabels
    from workbench.core.model.model_file import LoadedModel


def check_default_model_knows(labels: StreamLabels, model: LoadedModel) -> None:
    """LabelsError when ``labels`` mark keywords the default ``model`` does not know, saying that no ``--model``
    was given; call it only when the model is the bundled one the command fell back to."""
    unknown = list(dict.fromkeys(e.label for e in labels.keyword_events if e.label not in model.classes))
    if unknown:
        known = ", ".join(keyword_classes(model.classes)) or "none"  # as the label check lists them
        raise LabelsError(f"{labels.source} marks the {plural(len(unknown), 'keyword')} {listed(unknown)}, which "
                          f"the default model {model.name} does not know (its keywords: {known}): no --model was "
                          "given, so the bundled model was used; pass your model with --model")
