"""A dialog's fields, each with a sentence right under it, and a file field with Browse… -- the layout of the dialogs
that check what is typed as it is typed (File ▸ Export for firmware, Calibration's Save selected set as preset…).

Why one place: such a dialog says under each field why its value is refused, or what it gives, and keeps its OK
button disabled meanwhile; the sentence must sit right under its field (a form row of its own left a gap of a row's
spacing), and each label beside its field's line, not beside the middle of the field and its sentence. Two dialogs
laid this out by hand, line for line.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget

FormRow = tuple[str, QWidget, "QWidget | QLayout", "QLabel | None"]  # label text, its buddy, the field, its sentence


def sentence_form(rows: Sequence[FormRow], line_height: int) -> QFormLayout:
    """A form of ``rows``: each label (its mnemonic to its buddy) as tall as one field line (``line_height``, a line
    edit's height) beside the field, the field's sentence (None: none) right under the field."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    for text, buddy, field, sentence in rows:
        label = QLabel(text)
        label.setBuddy(buddy)
        label.setFixedHeight(line_height)
        column = QVBoxLayout()
        column.setSpacing(0)
        if isinstance(field, QLayout):
            column.addLayout(field)
        else:
            column.addWidget(field)
        if sentence is not None:
            column.addWidget(sentence)
        form.addRow(label, column)
    return form


def with_browse(edit: QLineEdit, browse: QWidget) -> QHBoxLayout:
    """A file field: the line edit taking the room, its Browse… button after it."""
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row


def browse_to_save(parent: QWidget, title: str, edit: QLineEdit, file_filter: str) -> None:
    """Choose the file ``edit`` names with the desktop's save dialog (which asks before replacing one), starting at
    the field's file; the choice goes into the field, Cancel leaves it."""
    path, _ = QFileDialog.getSaveFileName(parent, title, edit.text().strip(), file_filter)
    if path:
        edit.setText(path)


def as_sentence(refusal: str) -> str:
    """A refusal as a sentence of its own under a field: capitalised, one full stop."""
    return f"{refusal[:1].upper()}{refusal[1:].rstrip('.')}."
