"""The dataset split a stream's clips are drawn from, as rows of the "Build a labelled stream" dialog: the testing
and validation shares and the split rule, prefilled from the calibrated model's training run.

Why: a "testing" stream holds only speakers the model never heard when ``kws stream make`` splits the dataset with
the percentages and rule the model's training used (``--testing-percent``, ``--validation-percent``,
``--split-method``); with others it can hold clips the model trained on, and the calibration looks better than
the board will do. A model ``kws train`` made sits in its run folder beside the resolved ``spec.toml``, whose
``[data]`` says how the run split its dataset: the fields start from it, and a line under them says whether they
still match it. Without one they start from the command's defaults. The spec is read with
:func:`workbench.spec_files.load_spec_table`, the spec loader the window may use (the training package's own is
out of its reach: an import-linter contract); a spec that does not load, or whose split the training would refuse,
prefills nothing, as ``kws calibrate`` then says nothing: a guess would be worse than the defaults in sight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout

from workbench.core.errors import SettingsError, WorkbenchError
from workbench.datasets.splits import (
    DEFAULT_TESTING_PERCENT, DEFAULT_VALIDATION_PERCENT, HASH_METHOD, SPLIT_METHODS, check_percentages,
)
from workbench.gui.widgets.decimal_spin_box import DecimalSpinBox
from workbench.gui.widgets.message_label import MessageLabel
from workbench.run_folder_layout import SPEC_FILE
from workbench.spec_files import DATA_TABLE, load_spec_table

MAX_PERCENT = 100.0
PERCENT_DECIMALS = 2  # a spec's 12.5 % shown and passed on as it is
PERCENT_SUFFIX = " %"
VALIDATION_KEY, TESTING_KEY, METHOD_KEY = "validation_percent", "testing_percent", "split_method"  # in [data]
TESTING_BOX, VALIDATION_BOX, METHOD_BOX = "Testing share", "Validation share", "Split rule"  # the rows' names
# the dialog gives these to its child, so that the child's messages name the box instead of the option
SPLIT_BOXES = {"--testing-percent": TESTING_BOX, "--validation-percent": VALIDATION_BOX, "--split-method": METHOD_BOX}
NO_RUN_NOTE = f"no training run's {SPEC_FILE} beside the model: give the split its training used"


@dataclass(frozen=True)
class RunSplit:
    """How a training run split its dataset: its spec's ``[data]`` percentages and split method."""

    testing_percent: float
    validation_percent: float
    split_method: str

    def text(self) -> str:
        """The split in words, as the dialog's line says it ("testing 10 %, validation 15 %, hash")."""
        return (f"testing {self.testing_percent:g} %, validation {self.validation_percent:g} %, "
                f"{self.split_method}")


def run_split(model: Path | None) -> RunSplit | None:
    """The split of the ``spec.toml`` beside ``model`` (a ``kws train`` run folder), its unset keys the training's
    defaults; None without one, or when it does not load or holds a split the training would refuse."""
    spec_path = Path(model).parent / SPEC_FILE if model is not None else None
    if spec_path is None or not spec_path.is_file():
        return None
    try:
        table, _ = load_spec_table(spec_path)
        data = table.get(DATA_TABLE, {})
        if not isinstance(data, Mapping):
            return None
        split = RunSplit(_percent(data, TESTING_KEY, DEFAULT_TESTING_PERCENT),
                         _percent(data, VALIDATION_KEY, DEFAULT_VALIDATION_PERCENT),
                         data.get(METHOD_KEY, HASH_METHOD))
        check_percentages(split.validation_percent, split.testing_percent)
    except WorkbenchError:
        return None
    return split if split.split_method in SPLIT_METHODS else None


def _percent(data: Mapping[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingsError(f"{key} must be a number, got {value!r}")
    return float(value)


def _percent_spin(value: float, tip: str) -> DecimalSpinBox:
    spin = DecimalSpinBox(decimals=PERCENT_DECIMALS, minimum=0.0, maximum=MAX_PERCENT, value=value,
                          suffix=PERCENT_SUFFIX)
    spin.setToolTip(tip)
    return spin


class StreamSplitFields:
    """The split's boxes (rows for the dialog's form) and their ``kws stream make`` options; prefilled from the
    run of ``model`` when it has a ``spec.toml`` beside it (:attr:`run`, else None)."""

    def __init__(self, model: Path | None) -> None:
        self.testing_spin = _percent_spin(DEFAULT_TESTING_PERCENT, "the share of a dataset without split lists that "
                                          f"is its testing split: the model's training's ([data] {TESTING_KEY})")
        self.validation_spin = _percent_spin(DEFAULT_VALIDATION_PERCENT, "the share of a dataset without split lists "
                                             f"that is its validation split: the model's training's ([data] "
                                             f"{VALIDATION_KEY})")
        self.method_combo = QComboBox()
        self.method_combo.addItems(SPLIT_METHODS)
        self.method_combo.setCurrentText(HASH_METHOD)
        self.method_combo.setToolTip(f"the split rule the model's training used ([data] {METHOD_KEY})")
        self.note = MessageLabel()
        self.run = run_split(model)
        if self.run is not None:
            self.testing_spin.setValue(self.run.testing_percent)
            self.validation_spin.setValue(self.run.validation_percent)
            self.method_combo.setCurrentText(self.run.split_method)
        for spin in (self.testing_spin, self.validation_spin):
            spin.valueChanged.connect(self._update_note)
        self.method_combo.currentTextChanged.connect(self._update_note)
        self._update_note()

    def add_rows(self, form: QFormLayout) -> None:
        """The boxes as rows of ``form``, and the line under them."""
        form.addRow(TESTING_BOX, self.testing_spin)
        form.addRow(VALIDATION_BOX, self.validation_spin)
        form.addRow(METHOD_BOX, self.method_combo)
        form.addRow(self.note)

    def split(self) -> RunSplit:
        """The split the boxes give."""
        return RunSplit(self.testing_spin.value(), self.validation_spin.value(), self.method_combo.currentText())

    def arguments(self) -> list[str]:
        """The ``kws stream make`` options for the split the boxes give."""
        split = self.split()
        return ["--testing-percent", f"{split.testing_percent:g}", "--validation-percent",
                f"{split.validation_percent:g}", "--split-method", split.split_method]

    def _update_note(self) -> None:
        """Say where the split comes from, and warn once the boxes leave the model's run's split."""
        if self.run is None:
            self.note.show_text(NO_RUN_NOTE)
        elif self.split() == self.run:
            self.note.show_text(f"split as the model's run: {self.run.text()}")
        else:
            self.note.show_error(f"the model's run split {self.run.text()}: the stream may hold clips it trained on")
