"""Whether a stream was split as the model's training split its dataset (``kws calibrate``'s warning).

Why: a stream of "speakers the model never heard" is only that when ``kws stream make`` split the dataset with
the percentages and method the training used (:mod:`workbench.calibration.streams.stream_files`); with others,
some of its clips may be ones the model trained on, and the calibration quietly looks better than the board
will do. Both sides are on disk: the stream's labels JSON records its split under ``"stream"``, and a model
``kws train`` made sits in its run folder beside the resolved ``spec.toml`` (``[data]``). When either is
unknown (labels written by hand or by an older ``kws stream make``, a model from elsewhere, a spec that does not
load) nothing is said: a guess would be a false alarm. Nothing is said either for a stream of every clip
(``--split all``, where no split chose the clips) or of datasets split by their own lists, which decide the
split whatever the percentages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.errors import WorkbenchError
from workbench.core.wording import listed
from workbench.run_folder_layout import SPEC_FILE

if TYPE_CHECKING:
    from workbench.calibration.streams.labels import StreamLabels

ALL_CLIPS_SPLIT = "all"  # kws stream make --split all: every clip, whatever the split
BY_LISTS_KEY = "split_by_lists"  # true when every dataset of the stream was split by its own lists
OLD_LISTS_RULE_PREFIX = "lists:"  # how the split rules of labels written before that key start for such datasets
PERCENT_KEYS = ("validation_percent", "testing_percent")
METHOD_KEY = "split_method"


@dataclass(frozen=True)
class DatasetSplit:
    """The split options of ``kws stream make`` and of a spec's ``[data]``."""

    validation_percent: float
    testing_percent: float
    split_method: str

    def differences(self, other: DatasetSplit) -> list[str]:
        """This split's settings that ``other`` does not share, in words ("testing 30 %")."""
        said = [f"{name} {mine:g} %" for name, mine, theirs in (
            ("validation", self.validation_percent, other.validation_percent),
            ("testing", self.testing_percent, other.testing_percent)) if mine != theirs]
        if self.split_method != other.split_method:
            said.append(f"the {self.split_method} method")
        return said

    def options(self) -> str:
        """The ``kws stream make`` options that split a dataset this way."""
        return (f"--testing-percent {self.testing_percent:g} --validation-percent {self.validation_percent:g} "
                f"--split-method {self.split_method}")


def stream_split(labels: StreamLabels) -> DatasetSplit | None:
    """The split recorded in a stream's labels JSON (:attr:`StreamLabels.record`, read with the labels); None when
    it records none that chose its clips."""
    stream = labels.record
    if stream is None or stream.get("split") == ALL_CLIPS_SPLIT or split_by_lists(labels):
        return None
    return _split(stream)


def split_by_lists(labels: StreamLabels) -> bool:
    """Whether the labels record that every dataset of the stream was split by its own lists (the percentages and
    the method then chose nothing)."""
    stream = labels.record
    if stream is None:
        return False
    by_lists = stream.get(BY_LISTS_KEY)
    if by_lists is None:  # labels of an older kws stream make: only the rules' wording says it
        rules = stream.get("split_rules")
        by_lists = isinstance(rules, list) and bool(rules) and all(
            str(rule).startswith(OLD_LISTS_RULE_PREFIX) for rule in rules)
    return by_lists is True


def run_split(model_path: Path) -> DatasetSplit | None:
    """The ``[data]`` split of the ``spec.toml`` beside ``model_path`` (a ``kws train`` run folder), loaded with
    the training's own spec loader; None without one, or when it does not load."""
    spec_path = Path(model_path).parent / SPEC_FILE
    if not spec_path.is_file():
        return None
    from workbench.training.spec.model_spec import load_spec  # no TensorFlow: the spec alone

    try:
        data = load_spec(spec_path).data
    except WorkbenchError:
        return None
    return DatasetSplit(float(data.validation_percent), float(data.testing_percent), data.split_method)


def split_mismatch(labels: StreamLabels, model_path: Path) -> str:
    """One sentence when the stream and the model's run were split differently ("" when alike or unknown)."""
    stream = stream_split(labels)
    run = run_split(model_path) if stream is not None else None
    if stream is None or run is None or stream == run:
        return ""
    return (f"the stream was split with {listed(stream.differences(run))}, the model's run ({SPEC_FILE} beside it) "
            f"with {listed(run.differences(stream))}: the stream may hold clips the model trained on; make it with "
            f"kws stream make {run.options()}")


def _split(stream: Mapping[str, Any]) -> DatasetSplit | None:
    percents = [stream.get(key) for key in PERCENT_KEYS]
    method = stream.get(METHOD_KEY)
    if not isinstance(method, str) or not all(isinstance(p, (int, float)) and not isinstance(p, bool)
                                              for p in percents):
        return None
    return DatasetSplit(float(percents[0]), float(percents[1]), method)
