"""What the "Build a labelled stream" dialog remembers of the last stream built: every choice it offers, for the
window's life and, in the window's settings (``calibration/stream_dialog``), between runs.

Why: a user building a second stream -- another seed, another length, the same takes -- filled in the dataset
folder, keywords, Keywords only, speakers, split, noise, length and output path again at every opening. Only a
stream that was built is remembered (the dialog accepted): a refused or cancelled one was no choice to repeat.

Why some choices follow the model rather than the memory: the keywords, the dataset folder and the split's shares
start from the calibrated model (its classes, its training run; :mod:`.stream_dialog`). Remembered for another
model, the keywords would be the other model's words and the split another run's, so those are restored only for
the model they were chosen for -- the dataset folder also when the model's run names none, and the split also when
the model has no run.

Why "Write to" is a free name, not the last one: the last path holds the last stream, and ``kws stream make`` would
replace it (and its labels) without a word. The dialog offers the next numbered name (``stream.wav`` →
``stream-2.wav`` → ``stream-3.wav``; :func:`~workbench.core.atomic_write.numbered_names`), one whose WAV and labels
are all free. Why a gone dataset folder or noise file is dropped with a sentence in the dialog, not an error: it is
last week's choice, and the user only needs to know that it is no longer there.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from workbench.calibration.streams.stream_files import labels_paths
from workbench.core.atomic_write import FIRST_COPY_NUMBER, numbered_names
from workbench.core.wording import counted, plural
from workbench.datasets.splits import DEFAULT_TESTING_PERCENT, DEFAULT_VALIDATION_PERCENT, HASH_METHOD, SPLIT_METHODS
from workbench.gui.calibration.stream_dialog import DEFAULT_MINUTES, MAX_SEED, SPLITS, StreamDialog
from workbench.gui.settings.stored_values import stored_text

SETTINGS_KEY = "calibration/stream_dialog"  # one JSON object: the choices of the last stream built
COPY_NUMBER = re.compile(r"^(?P<base>.+)-(?P<number>\d+)$")  # "stream-3": a numbered name's base and number
DATASET_GONE = "The dataset folder of the last stream, {folder}, is gone: choose another."
NOISE_GONE = "{count} of the last stream's Noise list {verb} gone and left out."


@dataclass(frozen=True)
class StreamChoices:
    """The dialog's choices for one stream, as ``kws stream make`` took them; ``model``: the calibrated model they
    were made for (resolved; "" for none)."""

    model: str = ""
    dataset: str = ""
    keywords: str = ""
    keywords_only: bool = False
    minutes: float = DEFAULT_MINUTES
    speakers: str = SPLITS[0]
    testing_percent: float = DEFAULT_TESTING_PERCENT
    validation_percent: float = DEFAULT_VALIDATION_PERCENT
    split_method: str = HASH_METHOD
    noise: tuple[str, ...] = ()
    no_noise: bool = False
    seed: int = 0
    out: str = ""


def model_key(model: Path | None) -> str:
    """How the choices name the calibrated model: its resolved path, "" for none."""
    return str(Path(model).resolve()) if model is not None else ""


def choices_of(dialog: StreamDialog, model: Path | None) -> StreamChoices:
    """What ``dialog`` (for ``model``) shows; "Write to" is the stream it built when it built one."""
    split = dialog.split_fields.split()
    out = dialog.built_path if dialog.built_path is not None else dialog.out_edit.text().strip()
    return StreamChoices(model_key(model), dialog.dataset_edit.text().strip(), dialog.keywords_edit.text().strip(),
                         dialog.keywords_only.isChecked(), dialog.minutes_spin.value(),
                         dialog.split_combo.currentText(),
                         split.testing_percent, split.validation_percent, split.split_method,
                         tuple(str(path) for path in dialog.noise.paths()), dialog.no_noise.isChecked(),
                         dialog.seed_spin.value(), str(out))


def _fits(value: Any, default: Any) -> bool:
    """Whether a stored ``value`` is of the kind of the field whose default is ``default`` (a bool is no number), and
    one its box can show: a number that fits no box stopped the Calibration workspace opening (OverflowError)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and _finite(value)
    if isinstance(default, tuple):
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if isinstance(default, int):  # the one whole number, the seed: one its box holds (Qt refuses a larger one)
        return isinstance(value, int) and 0 <= value <= MAX_SEED
    return isinstance(value, type(default))


def _finite(number: int | float) -> bool:
    """Whether ``number`` is a finite float (a JSON integer of 400 digits is none: float() overflows)."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False


def parsed_choices(text: str) -> StreamChoices | None:
    """The choices stored as ``text`` (JSON); a field stored as something else (a hand-edited file) takes its default,
    and None when nothing usable is stored."""
    try:
        stored = json.loads(text) if text else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(stored, dict):
        return None
    defaults = StreamChoices()
    values = {}
    for field in fields(StreamChoices):
        default, value = getattr(defaults, field.name), stored.get(field.name)
        if _fits(value, default):
            values[field.name] = tuple(value) if isinstance(default, tuple) else type(default)(value)
    return StreamChoices(**values)


def free_stream_path(path: Path) -> Path:
    """``path`` when neither it nor its labels exist, else the next numbered name whose WAV and labels are all free:
    ``stream.wav`` → ``stream-2.wav``, ``stream-2.wav`` → ``stream-3.wav`` (not ``stream-2-2.wav``)."""
    if not _taken(path):
        return path
    numbered = COPY_NUMBER.match(path.stem)
    base = numbered.group("base") if numbered else path.stem
    number = int(numbered.group("number")) if numbered else FIRST_COPY_NUMBER - 1  # name_for(n): copy n + 1
    name_for = numbered_names(path.with_name(base + path.suffix))
    while _taken(name_for(number)):
        number += 1
    return name_for(number)


def _taken(wav: Path) -> bool:
    return wav.exists() or any(labels.exists() for labels in labels_paths(wav))


class StreamDialogMemory:
    """The last stream's choices: kept for the window's life, and in ``qsettings`` between runs (None: not)."""

    def __init__(self, qsettings: QSettings | None) -> None:
        self._qsettings = qsettings
        self.last = parsed_choices(stored_text(qsettings, SETTINGS_KEY)) if qsettings is not None else None

    def keep(self, dialog: StreamDialog, model: Path | None) -> None:
        """Remember what ``dialog`` built a stream with (for ``model``), here and in the settings file."""
        self.last = choices_of(dialog, model)
        if self._qsettings is not None:
            self._qsettings.setValue(SETTINGS_KEY, json.dumps(asdict(self.last)))
            self._qsettings.sync()  # a window killed later keeps it; a file that cannot be written: the close says so

    def fill(self, dialog: StreamDialog, model: Path | None) -> None:
        """Show the last stream's choices in ``dialog`` (opened for ``model``; module docstring: which follow the
        model), "Write to" a free name; the dialog's status says which remembered files are gone."""
        last = self.last
        if last is None:
            return
        same_model = last.model == model_key(model)
        notes = []
        if last.dataset and (same_model or not dialog.dataset_edit.text().strip()):
            if Path(last.dataset).is_dir():
                dialog.dataset_edit.setText(last.dataset)
            else:
                notes.append(DATASET_GONE.format(folder=last.dataset))
        if same_model and last.keywords:
            dialog.keywords_edit.setText(last.keywords)
        dialog.keywords_only.setChecked(last.keywords_only)
        dialog.minutes_spin.setValue(last.minutes)
        if last.speakers in SPLITS:
            dialog.split_combo.setCurrentText(last.speakers)
        split = dialog.split_fields
        if (same_model or split.run is None) and last.split_method in SPLIT_METHODS:
            split.testing_spin.setValue(last.testing_percent)
            split.validation_spin.setValue(last.validation_percent)
            split.method_combo.setCurrentText(last.split_method)
        there = [Path(noise) for noise in last.noise if Path(noise).is_file()]
        if len(there) < len(last.noise):
            gone = len(last.noise) - len(there)
            notes.append(NOISE_GONE.format(count=counted(gone, "recording"), verb=plural(gone, "is", "are")))
        dialog.noise.set_paths(there)
        dialog.no_noise.setChecked(last.no_noise)
        dialog.seed_spin.setValue(last.seed)
        if last.out:
            dialog.out_edit.setText(str(free_stream_path(Path(last.out))))
        if notes:
            dialog.status.show_text(" ".join(notes))
