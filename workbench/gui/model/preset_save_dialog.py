"""The question "Save … as preset…" asks: the preset's name, its description and the model file it is written into.

Why a dialog and not a save dialog alone: a preset is found by its name (``kws detect --preset NAME``, the Tuning
panel's Values choice) and explained by its description, and a save dialog asks only for a path. All three are
filled in by the caller (:class:`PresetSaveChoice`), so that saving is one Return: the Calibration workspace offers
its selected set (:mod:`workbench.gui.calibration.preset_save_dialog`), the window the values tuned in the Tuning
panel (:mod:`workbench.gui.window.preset_saving`). What differs between them -- what is saved, and the model whose
file and presets the sentences name -- is their :class:`PresetSaveWording`; the checks are one.

Why the name is checked as it is typed, by :func:`~workbench.core.detection.presets.preset_name`: that is ``kws
calibrate --as-preset``'s rule and sentence, so the window refuses what the command refuses, in its words (the house
style of :mod:`workbench.gui.model.firmware_export_dialog`). Save stays disabled while the name or the file is
refused, the reason under its field; for a name that works the sentence says what it is saved and shown as, or that
the model has a preset of that name already, which Save replaces. The file is checked as the save checks it (a
``.tflite`` name, never a bundled model), and a file that Save would replace is said.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from workbench.core.detection.presets import preset_name, presets_in, shown_preset_name
from workbench.core.detection.settings import DetectionSettings
from workbench.core.errors import WorkbenchError
from workbench.core.model.model_file import load_model, model_copy_path
from workbench.gui.widgets.message_label import MessageLabel
from workbench.gui.widgets.sentence_form import as_sentence, browse_to_save, sentence_form, with_browse
from workbench.output_guard import check_output_file, same_file

MODEL_FILTER = "TFLite model (*.tflite)"
MIN_WIDTH_CHARS = 64  # the file field shows a project's path and the description its sentence, not a few words
EMPTY_NAME = "The preset name is empty: type the place the values are meant for, e.g. quiet_room."
NAME_NOTE = "Saved as {name}; the Tuning panel's Values choice shows it as \u201c{shown}\u201d."
EMPTY_FILE = "The model file is empty: type or choose the .tflite file to write."


@dataclass(frozen=True)
class PresetSaveChoice:
    """A preset name (as :func:`preset_name` reads it), its description and the model file to write: what the
    dialog offers, and what it was answered."""

    name: str
    description: str
    model_file: Path


@dataclass(frozen=True)
class PresetSaveWording:
    """What one "Save … as preset…" says: its ``title``, the ``intro`` saying what is saved, that the model has a
    preset of the typed ``{name}`` already (``replaces_preset``), that the file is the model's own (``into_own``),
    and that the file ``{name}`` exists and is replaced (``replaces_file``)."""

    title: str
    intro: str
    replaces_preset: str
    into_own: str
    replaces_file: str


def preset_names_of(model: Path) -> tuple[str, ...]:
    """The names of the presets the model file ``model`` carries; none when it cannot be read."""
    try:
        return preset_names_in(load_model(model).params)
    except WorkbenchError:
        return ()


def preset_names_in(params: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the presets a model's parameters ``params`` carry; none when its presets cannot be read (the
    Tuning panel says why when it is opened: the dialog only loses its "replaces" sentence)."""
    try:
        return tuple(preset.name for preset in presets_in(params, DetectionSettings.from_params(params)))
    except WorkbenchError:
        return ()


class PresetSaveDialog(QDialog):
    """The preset name, its description and the model file (typed, or chosen with Browse…), ``offered`` first;
    Save is enabled with a name :func:`preset_name` takes and a model file the save may write. ``own_file``: the
    file of the model the preset is for, whose presets ``existing`` names; ``wording``: what the dialog says."""

    def __init__(self, offered: PresetSaveChoice, own_file: Path, wording: PresetSaveWording,
                 existing: Collection[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(wording.title)
        self.own_file, self.wording, self.existing = own_file, wording, frozenset(existing)
        self.intro = QLabel(wording.intro)
        self.intro.setWordWrap(True)
        self.name_edit = QLineEdit(offered.name, accessibleName="Preset name")
        self.name_edit.setToolTip("The name kws detect --preset and the Tuning panel's Values choice know the preset "
                                  "by: the place the values are meant for")
        self.name_message = MessageLabel()
        self.description_edit = QLineEdit(offered.description, accessibleName="Preset description")
        self.description_edit.setToolTip("The sentence the Tuning panel shows for the preset")
        self.description_edit.setCursorPosition(0)  # its start says what it is, not its end
        self.file_edit = QLineEdit(str(offered.model_file), accessibleName="Model file")
        self.file_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * MIN_WIDTH_CHARS)
        browse = QPushButton("B&rowse…", accessibleName="Browse for the model file")
        browse.clicked.connect(self.browse)
        self.file_note = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._update)
        self.file_edit.textChanged.connect(self._update)
        for label in (self.name_message, self.file_note):  # a typed "<b>" is no tag
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._lay_out(browse)
        self.save_button.setDefault(True)  # once in the dialog: before, the box made Cancel the default (Return)
        self._update()
        self.name_edit.setFocus()  # the name is what one most often changes
        self.name_edit.selectAll()

    def _lay_out(self, browse: QPushButton) -> None:
        """Each field with its sentence right under it, each label beside its field's line."""
        form = sentence_form((("Preset &name:", self.name_edit, self.name_edit, self.name_message),
                              ("&Description:", self.description_edit, self.description_edit, None),
                              ("Model &file:", self.file_edit, with_browse(self.file_edit, browse), self.file_note)),
                             self.file_edit.sizeHint().height())
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def name_refusal(self) -> str | None:
        """Why the typed name is refused (``kws calibrate --as-preset``'s sentence, or that it is empty), or None."""
        if not self.name_edit.text().strip():
            return EMPTY_NAME
        try:
            preset_name(self.name_edit.text())
        except WorkbenchError as exc:
            return as_sentence(str(exc))
        return None

    def model_file(self) -> Path | None:
        """The model file the field names (``.tflite`` added to a name without a suffix); None while it is empty or
        refused (:meth:`file_refusal`)."""
        return None if self.file_refusal() is not None else model_copy_path(self._typed_file())

    def file_refusal(self) -> str | None:
        """Why the model file is refused (another suffix, a folder, a bundled model, or none given), or None."""
        if not self.file_edit.text().strip():
            return EMPTY_FILE
        try:
            check_output_file(model_copy_path(self._typed_file()), [], option=None)
        except WorkbenchError as exc:
            return as_sentence(str(exc))
        return None

    def _typed_file(self) -> Path:
        return Path(self.file_edit.text().strip()).expanduser()

    def choice(self) -> PresetSaveChoice | None:
        """The preset name, description and model file answered; None while Save is disabled."""
        target = self.model_file()
        if target is None or self.name_refusal() is not None:
            return None
        return PresetSaveChoice(preset_name(self.name_edit.text()), self.description_edit.text().strip(), target)

    def browse(self) -> None:
        """Choose the model file with the desktop's save dialog (which asks before replacing one), starting at the
        field's file."""
        browse_to_save(self, self.wording.title, self.file_edit, MODEL_FILTER)

    def _update(self) -> None:
        """Say why the name or the file is refused, or what Save does with them, and enable Save when both are
        answered."""
        refusal = self.name_refusal()
        if refusal is not None:
            self.name_message.show_error(refusal)
        else:
            name = preset_name(self.name_edit.text())
            replaced = name in self.existing
            self.name_message.show_text(self.wording.replaces_preset.format(name=name) if replaced else
                                        NAME_NOTE.format(name=name, shown=shown_preset_name(name)))
        self.name_edit.setAccessibleDescription(self.name_message.text())
        file_refusal, target = self.file_refusal(), self.model_file()
        if file_refusal is not None:
            self.file_note.show_error(file_refusal)
        elif target is not None and same_file(target, self.own_file):
            self.file_note.show_text(self.wording.into_own)
        else:
            self.file_note.show_text(self.wording.replaces_file.format(name=target.name) if target and target.exists()
                                     else "")
        self.file_note.setVisible(bool(self.file_note.text()))
        self.file_edit.setAccessibleDescription(self.file_note.text())
        self.save_button.setEnabled(self.choice() is not None)
