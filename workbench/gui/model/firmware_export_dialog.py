"""File ▸ Export for firmware (C header)…'s question: which header file to write, and what the model's C array is
called in it.

Why a dialog and not the save dialog alone: firmware code refers to the array by its name, and firmware engineers
(MLTK's and STM32Cube.AI's projects among them) use a fixed one such as ``g_model``, so their code does not change
when the model file is renamed; a save dialog asks only for a path. Both go in one dialog, filled in with the
model's last export (:mod:`.firmware_export_memory`), so exporting a retrained model again is one Return.

Why the name is checked as it is typed, by :func:`~workbench.core.model.c_array.array_name_refusal`: that is
``kws export-c --name``'s rule and sentence, so the window refuses what the command refuses, in its words. Export
stays disabled while the name is refused; under the field the reason says why and which name would do, or, for a
name that works, the macro one firmware file defines before the include
(:func:`~workbench.core.model.c_array.implementation_macro`), which the user copies into the firmware. The name is
taken as typed, never changed behind the user's back: an array other than the one the firmware names would not link.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QPushButton, QVBoxLayout, QWidget

from workbench.bundled_models import copy_beside
from workbench.core.model.c_array import array_name_refusal, c_identifier, implementation_macro
from workbench.firmware_header import model_file_name
from workbench.gui.widgets.message_label import MessageLabel
from workbench.gui.widgets.sentence_form import as_sentence, browse_to_save, sentence_form, with_browse

TITLE = "Export for firmware (C header)"
HEADER_FILTER = "C header (*.h *.hpp *.hh);;All files (*)"
HEADER_SUFFIX = ".h"  # added to a name typed without one, as a model copy gets .tflite
MIN_WIDTH_CHARS = 64  # the header field shows a firmware project's path, not its first few folders
EMPTY_NAME = "The array name is empty: type the name the firmware calls the model by (the model file's is {default})."
MACRO_NOTE = "In one .c or .cpp file, define {macro} before including the header: that file holds the array."
REPLACES_HEADER = "{name} exists: Export replaces it."


@dataclass(frozen=True)
class FirmwareExportChoice:
    """A header file and the name of the model's array in it: what the dialog offers, and what it was answered."""

    header: Path
    array_name: str


def default_choice(source: Path) -> FirmwareExportChoice:
    """What is offered for a model read from ``source`` that was never exported: a header beside it named after it,
    and the array name ``kws export-c`` gives without ``--name`` (the model file's name made a C identifier)."""
    name = model_file_name(source)
    return FirmwareExportChoice(copy_beside(source, name + HEADER_SUFFIX), c_identifier(name))


def header_target(path: Path) -> Path:
    """``path`` with :data:`HEADER_SUFFIX` added to a name typed without a suffix."""
    return path if path.suffix else path.with_name(path.name + HEADER_SUFFIX)


class FirmwareExportDialog(QDialog):
    """The header file (typed or chosen with Browse…) and the array name, ``offered`` first; Export is enabled with
    a header file and a name :func:`array_name_refusal` takes. ``default_name``: the name the model file gives, said
    when the field is emptied; ``note``: a sentence shown first (the tuning in use is not in the header)."""

    def __init__(self, offered: FirmwareExportChoice, default_name: str, note: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.default_name = default_name
        self.note = MessageLabel()
        self.note.show_text(note)
        self.note.setVisible(bool(note))
        self.header_edit = QLineEdit(str(offered.header), accessibleName="Header file")
        self.header_edit.setMinimumWidth(self.fontMetrics().averageCharWidth() * MIN_WIDTH_CHARS)
        browse = QPushButton("B&rowse…", accessibleName="Browse for the header file")
        browse.clicked.connect(self.browse)
        self.header_note = MessageLabel()
        self.name_edit = QLineEdit(offered.array_name, accessibleName="Array name")
        self.name_edit.setToolTip("The C name the firmware refers to the model's array by, as kws export-c --name "
                                  f"takes it (the model file's name gives {default_name})")
        self.name_message = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.header_edit.textChanged.connect(self._update)
        self.name_edit.textChanged.connect(self._update)
        for label in (self.note, self.header_note, self.name_message):  # a typed "<b>" is no tag
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._lay_out(browse)
        self.export_button.setDefault(True)  # once in the dialog: before, the box made Cancel the default (Return)
        self._update()
        self.name_edit.setFocus()  # the header is usually where it was: the name is what one may change
        self.name_edit.selectAll()

    def _lay_out(self, browse: QPushButton) -> None:
        """Each field with its sentence right under it, each label beside its field's line."""
        form = sentence_form((("&Header file:", self.header_edit, with_browse(self.header_edit, browse),
                               self.header_note),
                              ("&Array name:", self.name_edit, self.name_edit, self.name_message)),
                             self.header_edit.sizeHint().height())
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def header_path(self) -> Path | None:
        """The header file the field names (``.h`` added to a name without a suffix); None while it is empty."""
        text = self.header_edit.text().strip()
        return header_target(Path(text).expanduser()) if text else None

    def array_name(self) -> str:
        """The array name as typed (not stripped: ``kws export-c --name`` takes it as given too)."""
        return self.name_edit.text()

    def name_refusal(self) -> str | None:
        """Why the typed name is refused (``kws export-c``'s sentence, or that it is empty), or None."""
        name = self.array_name()
        if not name:
            return EMPTY_NAME.format(default=self.default_name)
        refusal = array_name_refusal(name)
        return None if refusal is None else as_sentence(refusal)

    def choice(self) -> FirmwareExportChoice | None:
        """The header file and array name answered; None while Export is disabled."""
        header = self.header_path()
        return FirmwareExportChoice(header, self.array_name()) if header and self.name_refusal() is None else None

    def browse(self) -> None:
        """Choose the header file with the desktop's save dialog (which asks before replacing one), starting at the
        field's file."""
        browse_to_save(self, TITLE, self.header_edit, HEADER_FILTER)

    def _update(self) -> None:
        """Say why the name is refused or which macro it gives, whether the header file is replaced, and enable
        Export when both are answered."""
        refusal = self.name_refusal()
        if refusal is None:
            self.name_message.show_text(MACRO_NOTE.format(macro=implementation_macro(self.array_name())))
        else:
            self.name_message.show_error(refusal)
        self.name_edit.setAccessibleDescription(self.name_message.text())
        header = self.header_path()
        replaced = header if header is not None and header.is_file() else None
        self.header_note.show_text(REPLACES_HEADER.format(name=replaced.name) if replaced else "")
        self.header_note.setVisible(replaced is not None)
        self.export_button.setEnabled(self.choice() is not None)
